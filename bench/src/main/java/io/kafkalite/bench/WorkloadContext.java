package io.kafkalite.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * What a client workload gets in its JVM: where the broker is, the broker's process id, its parameters, and the
 * settings every client sets to reach that listener (from the properties file named by {@code clientConfig}).
 */
final class WorkloadContext {

    private final long mainStartNanos;
    private final String bootstrap;
    private final long brokerPid;
    private final OsProcess.CpuClock brokerCpu;
    private final OsProcess.CpuClock clientCpu = new OsProcess.CpuClock(ProcessHandle.current().pid());
    private final Map<String, String> params;
    private final Map<String, Object> clientConfigs;

    WorkloadContext(long mainStartNanos, Map<String, String> args) throws IOException {
        this.mainStartNanos = mainStartNanos;
        this.bootstrap = args.get("bootstrap");
        this.brokerPid = Long.parseLong(args.get("brokerPid"));
        this.brokerCpu = new OsProcess.CpuClock(brokerPid);
        this.params = args;
        this.clientConfigs = args.containsKey("clientConfig") ? load(Path.of(args.get("clientConfig"))) : Map.of();
    }

    private static Map<String, Object> load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        Map<String, Object> configs = new HashMap<>();
        properties.forEach((k, v) -> configs.put((String) k, v));
        return Map.copyOf(configs);
    }

    /** {@link System#nanoTime()} when this JVM's main method began. */
    long mainStartNanos() {
        return mainStartNanos;
    }

    String bootstrap() {
        return bootstrap;
    }

    /** Security settings for every client of this workload (empty on a plaintext listener). */
    Map<String, Object> clientConfigs() {
        return clientConfigs;
    }

    int intParam(String name) {
        String value = params.get(name);
        if (value == null) {
            throw new IllegalArgumentException("workload parameter '" + name + "' missing");
        }
        return Integer.parseInt(value);
    }

    /**
     * CPU time (user + system) the broker's process has used since this workload first asked; sample before and
     * after a measured part.
     */
    long brokerCpuNanos() throws IOException {
        return brokerCpu.nanos();
    }

    /** CPU time (user + system) this client JVM has used since it first asked, from the OS as for the broker. */
    long clientCpuNanos() throws IOException {
        return clientCpu.nanos();
    }

    long brokerOpenFiles() throws IOException {
        return OsProcess.openFiles(brokerPid);
    }

    double brokerRssMb() throws IOException {
        return OsProcess.rssMb(brokerPid);
    }
}
