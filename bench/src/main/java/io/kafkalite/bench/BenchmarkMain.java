package io.kafkalite.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs every scenario against Kafkalite and against Apache Kafka's broker, each broker in a JVM of its own and
 * every client workload in a fresh JVM, repetitions interleaved (A B B A ...), and prints the table and writes it
 * as JSON.
 *
 * <p>Arguments: the JSON file, then optionally {@code --only group,group} (cold, warm, per-test, throughput,
 * latency, join, footprint, scale, first-write, new-partitions, fd-limit, reset, restart, txn, new-groups,
 * security), {@code --with group,...} (add optional groups such as txn, new-groups or security to the default set)
 * and {@code --quick}
 * (fewer repetitions, smaller volumes).
 */
public final class BenchmarkMain {

    private final Report report = new Report();
    private final Harness harness;
    private final Set<String> only;
    private final Set<String> with;

    private BenchmarkMain(Harness harness, Set<String> only, Set<String> with) {
        this.harness = harness;
        this.only = only;
        this.with = with;
    }

    public static void main(String[] args) throws Exception {
        Path json = Path.of(args[0]);
        Set<String> only = Set.of();
        Set<String> with = Set.of();
        boolean quick = false;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--only" -> only = Set.of(args[++i].split(","));
                case "--with" -> with = Set.of(args[++i].split(","));
                case "--quick" -> quick = true;
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "' (--only group,..., --with group,..., --quick)");
            }
        }
        ChildJvm.logTo(json.toAbsolutePath().getParent().resolve("bench-logs"));
        long start = System.nanoTime();
        String loadAtStart = loadAverage();
        BenchmarkMain bench = new BenchmarkMain(Harness.create(quick), only, with);
        bench.run(Scenarios.all(quick));
        System.out.println();
        System.out.println(bench.report.table());
        bench.report.failures().forEach(f -> System.out.println("failed: " + f));
        Map<String, String> machine = machine();
        machine.put("mode", quick ? "quick" : "full");
        // a neighbour's build on the same cores shows here: the pair ratios are what to trust then
        machine.put("loadAverage", "start " + loadAtStart + ", end " + loadAverage());
        machine.put("minutes", String.format("%.1f", (System.nanoTime() - start) / 60e9));
        System.out.println("machine: " + machine);
        bench.report.writeJson(json, machine);
        System.out.println("results: " + json.toAbsolutePath());
        System.exit(0);
    }

    private boolean wanted(Scenario scenario) {
        if (!only.isEmpty()) {
            return only.contains(scenario.group());
        }
        return !Scenarios.OPTIONAL_GROUPS.contains(scenario.group()) || with.contains(scenario.group());
    }

    private void run(List<Scenario> scenarios) {
        Set<String> known = new HashSet<>();
        scenarios.forEach(s -> known.add(s.group()));
        for (String group : only) {
            if (!known.contains(group)) {
                throw new IllegalArgumentException("unknown group '" + group + "', known: " + known);
            }
        }
        for (Scenario scenario : scenarios) {
            if (wanted(scenario)) {
                report.declare(scenario);
                runScenario(scenario);
            }
        }
    }

    /**
     * Opens a trial per broker (each warms its broker), then runs the repetitions in pairs, alternating which
     * broker goes first (A B, B A, A B ...) so that drift on the machine hits both alike. A broker whose
     * repetition fails gets no further repetitions in this scenario; the other goes on.
     */
    private void runScenario(Scenario scenario) {
        long start = System.nanoTime();
        log(scenario.title() + ": " + scenario.repetitions() + " repetitions on " + scenario.brokers().size()
                + " broker(s)");
        Map<Broker, Scenario.Trial> trials = new EnumMap<>(Broker.class);
        try {
            for (Broker broker : scenario.brokers()) {
                try {
                    trials.put(broker, scenario.open(broker, harness));
                } catch (Exception e) {
                    fail(scenario, broker, e);
                }
            }
            for (int rep = 0; rep < scenario.repetitions(); rep++) {
                List<Broker> order = new ArrayList<>(List.of(Broker.KAFKALITE, Broker.KAFKA));
                if (rep % 2 == 1) {
                    java.util.Collections.reverse(order);
                }
                for (Broker broker : order) {
                    Scenario.Trial trial = trials.get(broker);
                    if (trial == null) {
                        continue;
                    }
                    try {
                        report.add(scenario, broker, rep, trial.repetition());
                    } catch (Exception e) {
                        fail(scenario, broker, e);
                        trials.remove(broker).close();
                    }
                }
            }
        } finally {
            trials.values().forEach(Scenario.Trial::close);
        }
        log(String.format("%s done in %.0f s", scenario.title(), (System.nanoTime() - start) / 1e9));
    }

    private void fail(Scenario scenario, Broker broker, Exception e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        log(scenario.title() + " failed on " + broker.label() + ": " + message);
        report.failure(scenario, broker, message);
    }

    private static Map<String, String> machine() {
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("cpus", String.valueOf(Runtime.getRuntime().availableProcessors()));
        machine.put("memoryGb", String.format("%.0f", ((com.sun.management.OperatingSystemMXBean)
                ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize() / 1e9));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("realKafka", org.apache.kafka.common.utils.AppInfoParser.getVersion());
        machine.put("childJvmFlags", String.join(" ", ChildJvm.flags()).replaceAll("--add-\\S+ ?", "").trim()
                + " + Chronicle's --add-opens/--add-exports");
        return machine;
    }

    /** The 1, 5 and 15 minute load averages of the machine. */
    private static String loadAverage() {
        try {
            String[] fields = java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static void log(String message) {
        System.err.println("[bench] " + message);
    }
}
