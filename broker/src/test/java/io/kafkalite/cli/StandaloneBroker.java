package io.kafkalite.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The standalone jar run as a real second process, as a user runs it from a shell. */
final class StandaloneBroker implements AutoCloseable {

    private static final String READY = "Kafkalite ready at ";

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> output = new ArrayList<>();

    private StandaloneBroker(Process process) {
        this.process = process;
        Thread reader = new Thread(this::drain, "standalone-broker-output");
        reader.setDaemon(true);
        reader.start();
    }

    static StandaloneBroker launch(String... args) throws IOException {
        return launchWithJvmFlags(List.of(), args);
    }

    /** Runs the jar with {@code jvmFlags} before {@code -jar}. */
    static StandaloneBroker launchWithJvmFlags(List<String> jvmFlags, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.add("-jar");
        command.add(System.getProperty("kafkalite.jar"));
        command.addAll(List.of(args));
        return new StandaloneBroker(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    private void drain() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("<output closed: " + e.getMessage() + ">");
        }
    }

    /** Waits for the ready line and returns the address it names. */
    String awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                output.add(line);
                if (line.startsWith(READY)) {
                    return line.substring(READY.length()).trim();
                }
            }
            if (line == null && !process.isAlive()) {
                throw new IllegalStateException("broker exited with " + process.exitValue() + " before it was ready: " + output());
            }
        }
        throw new IllegalStateException("broker not ready within 60 s: " + output());
    }

    /** Waits for the process to end and returns its exit code. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("broker did not exit within 60 s: " + output());
        }
        return process.exitValue();
    }

    /** Everything the process printed so far. */
    String output() {
        lines.drainTo(output);
        return String.join("\n", output);
    }

    /** SIGTERM, as a service manager or Ctrl-C would stop it. */
    void terminate() {
        // Process.destroy() also closes our end of the output pipe; the handle only sends the signal.
        process.toHandle().destroy();
    }

    /** SIGKILL: a crash, with no chance to flush or close anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
