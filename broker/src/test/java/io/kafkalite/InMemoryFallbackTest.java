package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Without Chronicle's JVM flags an embedded broker keeps records on the heap and behaves the same; a broker
 * asked for a data directory refuses to start and names the flags. Runs in a child JVM started without them.
 */
class InMemoryFallbackTest {

    @Test
    void aJvmWithoutChronicleFlagsGetsTheSameBehaviourFromTheHeap() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(InMemoryFallbackProbe.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = read(process);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output)
                .contains("chronicle-backed=false")
                .contains("round trip: 100 records in order")
                .contains("after restart: 100 records")
                .contains("data directory refused: A data directory needs Chronicle Queue")
                .contains("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED")
                .contains("keeps records on the heap because this JVM lacks Chronicle Queue's flags");
    }

    private static String read(Process process) throws IOException {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
