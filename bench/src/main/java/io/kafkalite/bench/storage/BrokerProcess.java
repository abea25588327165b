package io.kafkalite.bench.storage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A broker in a JVM of its own, as a user runs it: Kafkalite's standalone jar, or Apache Kafka's broker through
 * spring-kafka-test ({@link KafkaBrokerMain}). Optionally under a file descriptor limit ({@code ulimit -n}). Its
 * open file descriptors and RSS are read from {@code /proc}.
 */
final class BrokerProcess implements AutoCloseable {

    private static final String KAFKALITE_READY = "Kafkalite ready at ";

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> output = new ArrayList<>();
    private final long launchedNanos = System.nanoTime();
    private long readyNanos;
    private String bootstrap;

    private BrokerProcess(List<String> command) throws IOException {
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("<output closed: " + e.getMessage() + ">");
            }
        }, "broker-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Kafkalite's standalone jar with these arguments, under {@code ulimit -n fileLimit} (0: the inherited limit). */
    static BrokerProcess kafkalite(Path jar, int fileLimit, String... args) throws Exception {
        List<String> java = new ArrayList<>(List.of(javaBinary(), "-jar", jar.toString()));
        java.addAll(List.of(args));
        BrokerProcess broker = new BrokerProcess(limited(java, fileLimit));
        broker.awaitLine(KAFKALITE_READY);
        return broker;
    }

    /** Apache Kafka's broker in a JVM of its own (same classpath as this one). */
    static BrokerProcess kafka(int fileLimit) throws Exception {
        List<String> java = new ArrayList<>(List.of(javaBinary(), "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", KafkaBrokerMain.class.getName()));
        BrokerProcess broker = new BrokerProcess(limited(java, fileLimit));
        broker.awaitLine(KafkaBrokerMain.READY);
        return broker;
    }

    private static List<String> limited(List<String> command, int fileLimit) {
        if (fileLimit <= 0) {
            return command;
        }
        StringBuilder shell = new StringBuilder("ulimit -n " + fileLimit + " && exec");
        for (String part : command) {
            shell.append(" '").append(part.replace("'", "'\\''")).append('\'');
        }
        return List.of("bash", "-c", shell.toString());
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void awaitLine(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(50, TimeUnit.MILLISECONDS);
            if (line != null) {
                output.add(line);
                if (line.startsWith(prefix)) {
                    readyNanos = System.nanoTime();
                    bootstrap = line.substring(prefix.length()).trim();
                    return;
                }
            } else if (!process.isAlive()) {
                throw new IllegalStateException("broker exited with " + process.exitValue() + ": " + output());
            }
        }
        throw new IllegalStateException("broker not ready in 120 s: " + output());
    }

    String bootstrap() {
        return bootstrap;
    }

    /** From launching the process to its ready line. */
    double readyMillis() {
        return (readyNanos - launchedNanos) / 1e6;
    }

    long openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(process.pid()), "fd"))) {
            return fds.count();
        }
    }

    long rssMegabytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    String output() {
        lines.drainTo(output);
        return String.join("\n", output);
    }

    /** SIGKILL, as a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
    }

    /** SIGTERM, and wait for the broker to stop cleanly. */
    void stop() throws InterruptedException {
        process.toHandle().destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
