package io.kafkalite.bench;

import java.io.IOException;
import java.util.Map;

/** What a client workload gets in its JVM: where the broker is, the broker's process id, and its parameters. */
final class WorkloadContext {

    private final long mainStartNanos;
    private final String bootstrap;
    private final long brokerPid;
    private final Map<String, String> params;

    WorkloadContext(long mainStartNanos, Map<String, String> args) {
        this.mainStartNanos = mainStartNanos;
        this.bootstrap = args.get("bootstrap");
        this.brokerPid = Long.parseLong(args.get("brokerPid"));
        this.params = args;
    }

    /** {@link System#nanoTime()} when this JVM's main method began. */
    long mainStartNanos() {
        return mainStartNanos;
    }

    String bootstrap() {
        return bootstrap;
    }

    int intParam(String name) {
        String value = params.get(name);
        if (value == null) {
            throw new IllegalArgumentException("workload parameter '" + name + "' missing");
        }
        return Integer.parseInt(value);
    }

    /** CPU time (user + system) the broker's process has used so far; sample before and after a measured part. */
    long brokerCpuNanos() throws IOException {
        return OsProcess.cpuNanos(brokerPid);
    }

    /** CPU time (user + system) this client JVM has used so far, from the OS as for the broker. */
    long clientCpuNanos() throws IOException {
        return OsProcess.cpuNanos(ProcessHandle.current().pid());
    }

    long brokerOpenFiles() throws IOException {
        return OsProcess.openFiles(brokerPid);
    }

    double brokerRssMb() throws IOException {
        return OsProcess.rssMb(brokerPid);
    }
}
