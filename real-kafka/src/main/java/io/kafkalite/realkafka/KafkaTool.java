package io.kafkalite.realkafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One of Apache Kafka's command-line tools, what {@code bin/kafka-transactions.sh} and its siblings run: the tool's
 * main class in a JVM of its own, on the classpath of Kafka's jars (as the distribution's {@code libs/}), so a test
 * can drive a broker the way an operator's shell does.
 */
public final class KafkaTool {

    private KafkaTool() {
    }

    /**
     * What a tool run printed and how it ended.
     *
     * @param exitCode the JVM's exit status
     * @param output its standard output
     * @param errors its standard error (usage errors and warnings)
     */
    public record Result(int exitCode, String output, String errors) {
    }

    /**
     * Runs a tool to its end.
     *
     * @param mainClass the tool's main class, e.g. {@code org.apache.kafka.tools.TransactionsCommand}
     * @param timeout how long it may take; the JVM is killed after that
     * @param args its command-line arguments
     * @return its exit code and output
     * @throws IllegalStateException when it did not finish in time
     */
    public static Result run(String mainClass, Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", RealKafkaBroker.serverClasspath(), mainClass));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).start();
            process.getOutputStream().close();
            StreamReader output = new StreamReader(process.getInputStream(), "kafka-tool-stdout");
            StreamReader errors = new StreamReader(process.getErrorStream(), "kafka-tool-stderr");
            output.start();
            errors.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                output.join(TimeUnit.SECONDS.toMillis(10));
                errors.join(TimeUnit.SECONDS.toMillis(10));
                throw new IllegalStateException(mainClass + " did not finish within " + timeout + "; it printed:\n"
                        + output.text + errors.text);
            }
            output.join();
            errors.join();
            return new Result(process.exitValue(), output.text, errors.text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + mainClass, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + mainClass + " ran", e);
        }
    }

    /** Reads one of the tool's output streams to its end, so that neither pipe fills up while it runs. */
    private static final class StreamReader extends Thread {
        private final InputStream stream;
        private volatile String text = "";

        StreamReader(InputStream stream, String name) {
            super(name);
            this.stream = stream;
        }

        @Override
        public void run() {
            try {
                text = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                text = "(output lost: " + e.getMessage() + ")";
            }
        }
    }
}
