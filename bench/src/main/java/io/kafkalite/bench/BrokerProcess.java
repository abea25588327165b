package io.kafkalite.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A broker running in a JVM of its own ({@link BrokerHost}), seen from the benchmark. */
final class BrokerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    /** What the JDK reports for a process a signal ended: 128 + the signal's number (SIGKILL is 9). */
    private static final int SIGKILL_EXIT_STATUS = 128 + 9;

    private final Broker broker;
    private final ChildJvm jvm;
    private final String bootstrap;
    private final String clientBootstrap;
    private final SecureListener secure;
    private final double startMs;

    private BrokerProcess(Broker broker, ChildJvm jvm, Map<String, String> ready, SecureListener secure) {
        this.broker = broker;
        this.jvm = jvm;
        this.bootstrap = ready.get("bootstrap");
        this.clientBootstrap = ready.getOrDefault("clientBootstrap", bootstrap);
        this.secure = secure;
        this.startMs = Double.parseDouble(ready.get("startMs"));
    }

    /**
     * How a broker JVM is started: which broker, on which data, with which configs and file limit, and whether its
     * clients use a {@link SecureListener} (null: the plaintext listener).
     */
    record Spec(Broker broker, Path dataDirectory, Map<String, String> configs, int fileLimit, SecureListener secure) {

        static Spec of(Broker broker) {
            return new Spec(broker, null, Map.of(), 0, null);
        }

        Spec withDataDirectory(Path directory) {
            return new Spec(broker, directory, configs, fileLimit, secure);
        }

        Spec withFileLimit(int limit) {
            return new Spec(broker, dataDirectory, configs, limit, secure);
        }

        /** The broker gets the listener's configs beside its plaintext one; clients use the secure listener. */
        Spec withSecureListener(SecureListener listener) {
            Map<String, String> merged = new LinkedHashMap<>(configs);
            merged.putAll(listener.brokerConfigs(broker));
            return new Spec(broker, dataDirectory, merged, fileLimit, listener);
        }
    }

    static BrokerProcess start(Spec spec, Harness harness) throws Exception {
        List<String> args = new ArrayList<>();
        args.add(spec.broker().label());
        if (spec.dataDirectory() != null) {
            args.add("data-dir=" + spec.dataDirectory());
        }
        if (spec.secure() != null) {
            args.add("client-listener=" + SecureListener.NAME);
        }
        spec.configs().forEach((name, value) -> args.add("config:" + name + "=" + value));
        ChildJvm jvm = ChildJvm.start("broker-" + spec.broker().label(), harness.brokerClasspath(spec.broker()),
                BrokerHost.class.getName(), args, spec.fileLimit(), List.of());
        try {
            BrokerProcess process = new BrokerProcess(spec.broker(), jvm, jvm.await("ready", START_TIMEOUT), spec.secure());
            if (spec.secure() != null) {
                spec.secure().addUser(process.bootstrap, process.clientBootstrap);
            }
            return process;
        } catch (Exception e) {
            jvm.close();
            throw e;
        }
    }

    Broker broker() {
        return broker;
    }

    /** Where clients connect: the secure listener's address if the broker has one for them, else the plaintext one. */
    String clientBootstrap() {
        return clientBootstrap;
    }

    /** The client settings file of the secure listener clients use, or null for plaintext clients. */
    Path clientConfigFile() {
        return secure == null ? null : secure.clientConfigFile();
    }

    long pid() {
        return jvm.pid();
    }

    /** Time {@code start()} took inside the broker JVM. */
    double startMs() {
        return startMs;
    }

    /** Heap after GC and the broker's own threads (from the broker JVM), RSS and open files (from the OS). */
    Map<String, Double> stats() throws IOException, InterruptedException {
        Map<String, Double> stats = new LinkedHashMap<>();
        jvm.send("stats");
        jvm.await("stats", Duration.ofSeconds(60)).forEach((k, v) -> stats.put(k, Double.parseDouble(v)));
        stats.put("rssMb", OsProcess.rssMb(pid()));
        stats.put("openFiles", (double) OsProcess.openFiles(pid()));
        return stats;
    }

    /** Stops the broker cleanly; returns the time its {@code close()} took. Kills it if it does not stop. */
    double stop() throws IOException, InterruptedException {
        try {
            jvm.send("stop");
            double closeMs = Double.parseDouble(jvm.await("stopped", STOP_TIMEOUT).get("closeMs"));
            jvm.awaitExit(Duration.ofSeconds(10));
            return closeMs;
        } finally {
            jvm.close();
        }
    }

    /**
     * Kills the broker JVM with SIGKILL, as a crash (kill -9): the broker gets no {@code close()}, so it checkpoints
     * and flushes nothing. Fails unless that signal is what ended it.
     */
    void kill() {
        int status = jvm.killAndReport();
        if (status != SIGKILL_EXIT_STATUS) {
            throw new IllegalStateException("the " + broker.label() + " broker JVM (pid " + pid() + ") was to die of "
                    + "SIGKILL (exit status " + SIGKILL_EXIT_STATUS + ") but ended with status " + status);
        }
    }

    /** Stops the broker cleanly if it still runs (so it removes its temporary data), else kills it. */
    @Override
    public void close() {
        if (jvm.isAlive()) {
            try {
                stop();
            } catch (IOException | InterruptedException | RuntimeException e) {
                jvm.close();
            }
        }
        jvm.close();
    }
}
