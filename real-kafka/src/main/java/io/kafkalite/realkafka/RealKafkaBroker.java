package io.kafkalite.realkafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Apache Kafka's own broker (KRaft, one node) in a second JVM, started from the Maven Central jars this module
 * depends on. The JVM ends when {@link #close()} is called, and on its own if the test JVM dies (its standard
 * input closes); its work directory is a fresh temporary directory, deleted on close.
 */
public final class RealKafkaBroker implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path workDirectory;
    private final String bootstrapServers;

    private RealKafkaBroker(Process process, Path workDirectory, String bootstrapServers) {
        this.process = process;
        this.workDirectory = workDirectory;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts a broker with the test defaults of {@link RealKafkaMain} plus {@code configs}, and waits until it is ready. */
    public static RealKafkaBroker start(Map<String, String> configs) {
        Path workDirectory;
        try {
            workDirectory = Files.createTempDirectory("real-kafka");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path log = workDirectory.resolve("broker.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", serverClasspath(), RealKafkaMain.class.getName(), workDirectory.toString()));
        configs.forEach((name, value) -> command.add(name + "=" + value));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            deleteRecursively(workDirectory);
            throw new UncheckedIOException("cannot start the Apache Kafka broker JVM", e);
        }
        try {
            return new RealKafkaBroker(process, workDirectory, awaitReady(process, workDirectory, log));
        } catch (RuntimeException e) {
            process.destroyForcibly();
            deleteRecursively(workDirectory);
            throw e;
        }
    }

    /** {@code 127.0.0.1:port} of the broker's listener. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Stops the broker (closing its standard input asks it to shut down cleanly) and deletes its files. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            deleteRecursively(workDirectory);
        }
    }

    @Override
    public String toString() {
        return "Apache Kafka at " + bootstrapServers;
    }

    private static String awaitReady(Process process, Path workDirectory, Path log) {
        Path ready = workDirectory.resolve(RealKafkaMain.READY_FILE);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            while (!Files.exists(ready)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("The Apache Kafka broker JVM exited with status " + process.exitValue()
                            + " before it was ready; its output:\n" + tail(log));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The Apache Kafka broker was not ready within " + START_TIMEOUT
                            + "; its output:\n" + tail(log));
                }
                Thread.sleep(20);
            }
            return Files.readString(ready, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the Apache Kafka broker started", e);
        }
    }

    /** This module's classes plus the Kafka server and tools jars, as the build wrote them next to these classes. */
    static String serverClasspath() {
        try (InputStream in = RealKafkaBroker.class.getResourceAsStream("server.classpath")) {
            if (in == null) {
                throw new IllegalStateException("server.classpath is missing: build kafkalite-real-kafka with Maven");
            }
            String jars = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            Path self = Path.of(RealKafkaBroker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return self + java.io.File.pathSeparator + jars;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }
}
