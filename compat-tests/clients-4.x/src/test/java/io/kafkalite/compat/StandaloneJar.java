package io.kafkalite.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The standalone broker run as users run it ({@code java -jar kafkalite.jar --port 0}), in its own process. */
final class StandaloneJar implements AutoCloseable {

    private final Process process;
    private final String bootstrapServers;

    private StandaloneJar(Process process, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    static StandaloneJar start() throws IOException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("kafkalite.jar"), "--port", "0").redirectErrorStream(true).start();
        try {
            return new StandaloneJar(process, awaitReady(process));
        } catch (IOException | RuntimeException | Error e) {
            process.destroy();
            throw e;
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    private static String awaitReady(Process broker) throws IOException {
        BufferedReader output = new BufferedReader(new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8));
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = output.readLine()) != null && !line.startsWith("Kafkalite ready at ")) {
            seen.append(line).append('\n');
        }
        assertThat(line).as("the standalone broker started; it printed:%n%s", seen).isNotNull();
        Thread drain = new Thread(() -> {
            try {
                output.lines().forEach(l -> { });
            } catch (java.io.UncheckedIOException closed) {
                // the process was stopped: nothing more to read
            }
        }, "standalone-broker-output");
        drain.setDaemon(true);
        drain.start();
        return line.substring("Kafkalite ready at ".length()).trim();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
}
