package io.kafkalite.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/** A client program in another language, run as a process of its own: its exit code and what it printed. */
final class ClientProcess {

    private ClientProcess() {
    }

    /** What a run printed (standard output and error together) and how it ended. */
    record Result(int exitCode, String output) {
    }

    /** Whether the command runs and exits with 0 (a tool is installed). */
    static boolean works(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A client that cannot run here skips its tests, except on CI (`CI` set), where `bash scripts/test` installs it. */
    static void unavailable(String reason) {
        if (System.getenv("CI") != null) {
            fail(reason);
        }
        Assumptions.abort(reason);
    }

    /** Runs the command to its end, failing the test when it outlives {@code timeoutSeconds}. */
    static Result run(List<String> command, Path workingDirectory, Map<String, String> environment,
                      long timeoutSeconds) throws Exception {
        return run(command, workingDirectory, environment, "", timeoutSeconds);
    }

    /** Runs the command to its end with {@code stdin} as its input, failing the test when it outlives the timeout. */
    static Result run(List<String> command, Path workingDirectory, Map<String, String> environment, String stdin,
                      long timeoutSeconds) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        // read while it runs, so that a chatty client (librdkafka's debug log) never blocks on a full pipe
        byte[][] output = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                output[0] = process.getInputStream().readAllBytes();
            } catch (IOException e) {
                output[0] = ("(output lost: " + e.getMessage() + ")").getBytes(StandardCharsets.UTF_8);
            }
        }, "client-process-output");
        reader.start();
        try (var input = process.getOutputStream()) {
            input.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            reader.join(TimeUnit.SECONDS.toMillis(10));
            fail(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s:\n"
                    + new String(output[0] == null ? new byte[0] : output[0], StandardCharsets.UTF_8));
        }
        reader.join();
        return new Result(process.exitValue(), new String(output[0], StandardCharsets.UTF_8));
    }

    /** The JSON line a scenario printed last, after checking that it succeeded. */
    static String resultLine(String scenario, Result result) {
        assertThat(result.exitCode()).as("%s:%n%s", scenario, result.output()).isZero();
        List<String> lines = result.output().lines().filter(line -> line.startsWith("{")).toList();
        assertThat(lines).as("%s printed no result:%n%s", scenario, result.output()).isNotEmpty();
        return lines.get(lines.size() - 1);
    }
}
