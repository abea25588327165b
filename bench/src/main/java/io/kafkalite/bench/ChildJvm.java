package io.kafkalite.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JVM the benchmark starts: a broker, a client workload or a probe. Every child gets the same flags, writes its
 * stderr to a log file of its own, talks to the benchmark in lines of {@code word key=value...} on stdout, and is
 * killed (with everything it started) when it is closed, when it overruns its time, or when the benchmark exits.
 */
final class ChildJvm implements AutoCloseable {

    /** Heap for every child, brokers and clients alike. */
    static final String HEAP = "-Xmx1g";

    private static final Set<ChildJvm> LIVE = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final String EOF = "\u0000eof";
    private static volatile Path logDirectory = Path.of("target", "bench-logs");

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(ChildJvm::kill), "kill-child-jvms"));
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readStdout, "stdout-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    static void logTo(Path directory) {
        logDirectory = directory;
    }

    /**
     * Starts {@code mainClass} in a new JVM. With {@code fileLimit} above 0 the JVM runs under
     * {@code ulimit -n fileLimit}; the shell execs the JVM, so the process id stays the JVM's. {@code extraFlags}
     * come after the common ones (log levels, never heap or GC settings).
     */
    static ChildJvm start(String name, String classpath, String mainClass, List<String> args, int fileLimit,
                          List<String> extraFlags) throws IOException {
        List<String> command = new ArrayList<>();
        if (fileLimit > 0) {
            command.addAll(List.of("/bin/sh", "-c", "ulimit -n " + fileLimit + " && exec \"$@\"", "sh"));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(flags());
        command.addAll(extraFlags);
        command.addAll(List.of("-cp", classpath, mainClass));
        command.addAll(args);
        Files.createDirectories(logDirectory);
        String label = String.format("%03d-%s", SEQUENCE.incrementAndGet(), name);
        Path log = logDirectory.resolve(label + ".log");
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.to(log.toFile()))
                .start();
        ChildJvm child = new ChildJvm(label, process, log);
        LIVE.add(child);
        return child;
    }

    /** The same for every child: heap, the module flags Chronicle Queue needs (harmless to Kafka), log level. */
    static List<String> flags() {
        List<String> flags = new ArrayList<>();
        flags.add(HEAP);
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-") || a.startsWith("-Dorg.slf4j"))
                .forEach(flags::add);
        return flags;
    }

    long pid() {
        return process.pid();
    }

    /** Waits for the next stdout line starting with {@code word}; fails if the JVM exits or overruns first. */
    Map<String, String> await(String word, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                kill();
                throw new IOException(name + " gave no '" + word + "' line within " + timeout.toSeconds() + " s"
                        + tail());
            }
            if (line.equals(EOF)) {
                lines.add(EOF);
                throw new IOException(name + " ended without a '" + word + "' line" + exitStatus() + tail());
            }
            if (line.equals(word) || line.startsWith(word + " ")) {
                return fields(line.substring(word.length()).trim());
            }
        }
    }

    void send(String command) throws IOException {
        stdin.write(command + "\n");
        stdin.flush();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the JVM to end by itself, then kills it. */
    void awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
        }
    }

    /**
     * Kills the JVM as {@link #close} does ({@code Process.destroyForcibly}, which is SIGKILL on Linux) and returns
     * its exit status: 128 + 9 when that signal ended it, -1 if it is still running.
     */
    int killAndReport() {
        kill();
        return process.isAlive() ? -1 : process.exitValue();
    }

    @Override
    public void close() {
        kill();
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(this);
    }

    private String exitStatus() {
        try {
            return process.waitFor(2, TimeUnit.SECONDS) ? " (exit status " + process.exitValue() + ")" : "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** The last lines of the child's log, so a failure says why without opening the file. */
    private String tail() {
        try {
            List<String> kept = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank() && !l.startsWith("\t") && !l.startsWith("WARNING: "))
                    .toList();
            List<String> shown = kept.subList(Math.max(0, kept.size() - 1), kept.size());
            return shown.isEmpty() ? " (log " + log + ")" : ": " + String.join(" | ", shown) + " (log " + log + ")";
        } catch (IOException e) {
            return " (log " + log + ")";
        }
    }

    private void readStdout() {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            // the process went away; EOF below tells the waiter
        }
        lines.add(EOF);
    }

    /** Parses {@code key=value key=value}. */
    static Map<String, String> fields(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : text.split(" ")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return fields;
    }

    /**
     * For the child's side: ends this JVM when the benchmark that started it goes away (its stdin closes), so a
     * killed benchmark leaves no broker or client behind. Not for brokers, whose stdin carries commands.
     */
    static void exitWithParent() {
        Thread watch = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is sent to clients and probes
                }
            } catch (IOException e) {
                // treated as the parent gone
            }
            Runtime.getRuntime().halt(3);
        }, "exit-with-parent");
        watch.setDaemon(true);
        watch.start();
    }
}
