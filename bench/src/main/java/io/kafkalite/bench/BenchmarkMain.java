package io.kafkalite.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Runs every workload against Kafkalite and against Apache Kafka's broker in one run on this machine, and prints
 * the table (median [min-max] of several repetitions, ratio Kafkalite / Kafka) and writes it as JSON.
 *
 * <p>Arguments: the JSON file, then optionally {@code --only group,group} (cold, warm, per-test, throughput,
 * latency, join, footprint, scale) and {@code --quick} (fewer repetitions, smaller volumes).
 */
public final class BenchmarkMain {

    private static final List<String> BROKERS = List.of(KafkaliteTarget.NAME, RealKafkaTarget.NAME);

    private final Report report = new Report();
    private final Set<String> only;
    private final boolean quick;

    private BenchmarkMain(Set<String> only, boolean quick) {
        this.only = only;
        this.quick = quick;
    }

    public static void main(String[] args) throws Exception {
        Path json = Path.of(args[0]);
        Set<String> only = Set.of();
        boolean quick = false;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--only")) {
                only = Set.of(args[++i].split(","));
            } else if (args[i].equals("--quick")) {
                quick = true;
            }
        }
        BenchmarkMain bench = new BenchmarkMain(only, quick);
        bench.run();
        System.out.println();
        System.out.println(bench.report.table());
        bench.report.failures().forEach(f -> System.out.println("failed: " + f));
        Map<String, String> machine = machine();
        System.out.println("machine: " + machine);
        bench.report.writeJson(json, machine);
        System.out.println("results: " + json.toAbsolutePath());
        System.exit(0); // a stuck client of a failed workload may still hold non-daemon threads
    }

    private boolean wanted(String group) {
        return only.isEmpty() || only.contains(group);
    }

    private int reps(int full) {
        return quick ? Math.max(1, full / 3) : full;
    }

    private void run() {
        for (String broker : BROKERS) {
            log("== " + broker);
            if (wanted("cold")) {
                attempt(broker, "cold start", () -> coldStart(broker));
            }
            if (wanted("warm")) {
                attempt(broker, "warm start", () -> warmStart(broker));
            }
            if (wanted("per-test") || wanted("throughput") || wanted("latency") || wanted("join")) {
                attempt(broker, "broker start", () -> steadyState(broker));
            }
            if (wanted("footprint")) {
                attempt(broker, "footprint", () -> footprint(broker));
            }
            if (wanted("scale")) {
                attempt(broker, "scale", () -> scale(broker));
            }
        }
    }

    /** A workload that fails is reported and the run goes on: one stuck broker must not hide every figure. */
    private void attempt(String broker, String workload, Workload work) {
        try {
            work.run();
        } catch (Exception | AssertionError e) {
            log(workload + " failed on " + broker + ": " + e);
            report.failure(workload + " on " + broker + ": " + e.getMessage());
        }
    }

    @FunctionalInterface
    private interface Workload {
        void run() throws Exception;
    }

    private void coldStart(String broker) throws Exception {
        Samples start = new Samples();
        Samples firstProduce = new Samples();
        Samples close = new Samples();
        for (int i = 0; i < reps(5); i++) {
            Map<String, Double> probe = probe("cold-start", broker);
            start.add(probe.get("startMs"));
            firstProduce.add(probe.get("firstProduceMs"));
            close.add(probe.get("closeMs"));
        }
        report.add("cold start: start() returns", "ms", broker, start);
        report.add("cold start: to first acked produce", "ms", broker, firstProduce);
        report.add("close after cold start", "ms", broker, close);

        // What the client alone costs in a fresh JVM, against an already-running broker of the same kind.
        Samples clientOnly = new Samples();
        try (Target running = Target.create(broker)) {
            running.start();
            for (int i = 0; i < reps(5); i++) {
                clientOnly.add(probe("client-only", running.bootstrapServers()).get("firstProduceMs"));
            }
        }
        report.add("client alone: fresh JVM to first acked produce", "ms", broker, clientOnly);
        Samples added = new Samples();
        added.add(firstProduce.median() - clientOnly.median());
        report.add("broker's share of cold first produce", "ms", broker, added);
        log("cold start done");
    }

    private void warmStart(String broker) throws Exception {
        // Load the broker's and the client's classes once, then measure further brokers in this JVM.
        try (Target first = Target.create(broker)) {
            first.start();
            produceOne(first.bootstrapServers());
        }
        Samples start = new Samples();
        Samples toProduce = new Samples();
        for (int i = 0; i < reps(10); i++) {
            long t0 = System.nanoTime();
            try (Target target = Target.create(broker)) {
                target.start();
                start.add((System.nanoTime() - t0) / 1e6);
                produceOne(target.bootstrapServers());
                toProduce.add((System.nanoTime() - t0) / 1e6);
            }
        }
        report.add("warm start: start() returns", "ms", broker, start);
        report.add("warm start: to first acked produce", "ms", broker, toProduce);
        log("warm start done");
    }

    private void steadyState(String broker) throws Exception {
        try (Target target = Target.create(broker)) {
            target.start();
            String bootstrap = target.bootstrapServers();
            try (Admin admin = Clients.admin(bootstrap)) {
                if (wanted("per-test")) {
                    attempt(broker, "per-test loop", () -> perTest(broker, bootstrap, admin));
                }
                if (wanted("throughput")) {
                    attempt(broker, "throughput 100 B",
                            () -> throughput(broker, bootstrap, admin, quick ? 200_000 : 1_000_000, 100));
                    attempt(broker, "throughput 1 KiB",
                            () -> throughput(broker, bootstrap, admin, quick ? 20_000 : 100_000, 1024));
                }
                if (wanted("latency")) {
                    attempt(broker, "latency", () -> latency(broker, bootstrap, admin));
                }
                if (wanted("join")) {
                    attempt(broker, "group join", () -> groupJoin(broker, bootstrap, admin));
                }
            }
        }
    }

    private void perTest(String broker, String bootstrap, Admin admin) {
        Samples perTest = new Samples();
        for (int i = 0; i < reps(3); i++) {
            Workloads.perTestMillis(bootstrap, admin); // warm-up
        }
        for (int i = 0; i < reps(15); i++) {
            perTest.add(Workloads.perTestMillis(bootstrap, admin));
        }
        report.add("per-test loop (topic, producer, group consumer, 1 record, close)", "ms", broker, perTest);
        log("per-test done");
    }

    private void latency(String broker, String bootstrap, Admin admin) {
        Samples latency = Workloads.latencies(bootstrap, admin, quick ? 500 : 2000);
        report.add("send-to-receipt latency p50", "ms", broker, latency.percentile(50));
        report.add("send-to-receipt latency p99", "ms", broker, latency.percentile(99));
        report.add("send-to-receipt latency max", "ms", broker, latency.max());
        log("latency done");
    }

    private void groupJoin(String broker, String bootstrap, Admin admin) throws Exception {
        String topic = "join-" + UUID.randomUUID();
        Clients.createTopic(admin, topic, 1);
        produceOne(bootstrap, topic);
        report.add("group join: first group, subscribe to first record", "ms", broker,
                Workloads.groupJoinMillis(bootstrap, topic));
        Samples join = new Samples();
        for (int i = 0; i < reps(5); i++) {
            join.add(Workloads.groupJoinMillis(bootstrap, topic));
        }
        report.add("group join: new group, subscribe to first record", "ms", broker, join);
        log("join done");
    }

    private void throughput(String broker, String bootstrap, Admin admin, int count, int size) {
        Samples produce = new Samples();
        Samples consume = new Samples();
        for (int i = 0; i < reps(3); i++) {
            String topic = "throughput-" + size + "-" + UUID.randomUUID();
            produce.add(Workloads.produceRate(bootstrap, admin, topic, count, size));
            consume.add(Workloads.consumeRate(bootstrap, topic, count));
        }
        String label = count + " x " + size + " B, 6 partitions";
        report.add("produce " + label, "records/s", broker, produce);
        report.add("produce " + label + " (MB/s)", "MB/s", broker, mb(produce, size));
        report.add("consume " + label, "records/s", broker, consume);
        report.add("consume " + label + " (MB/s)", "MB/s", broker, mb(consume, size));
        log("throughput " + size + " B done");
    }

    private static Samples mb(Samples rates, int size) {
        Samples mb = new Samples();
        mb.add(rates.median() * size / 1e6);
        return mb;
    }

    private void footprint(String broker) throws Exception {
        Map<String, Samples> figures = new LinkedHashMap<>();
        for (int i = 0; i < reps(3); i++) {
            probe("footprint", broker).forEach((k, v) -> figures.computeIfAbsent(k, x -> new Samples()).add(v));
        }
        report.add("idle broker: heap after GC", "MB", broker, figures.get("idleHeapMb"));
        report.add("idle broker: RSS of its JVM", "MB", broker, figures.get("idleRssMb"));
        report.add("idle broker: its own threads", "threads", broker, figures.get("idleThreads"));
        report.add("after 200k records: heap after GC", "MB", broker, figures.get("loadedHeapMb"));
        report.add("after 200k records: RSS of its JVM", "MB", broker, figures.get("loadedRssMb"));
        report.add("after 200k records: threads", "threads", broker, figures.get("loadedThreads"));
        log("footprint done");
    }

    private void scale(String broker) throws Exception {
        int topics = quick ? 100 : 1000;
        try (Target target = Target.create(broker)) {
            target.start();
            try (Admin admin = Clients.admin(target.bootstrapServers())) {
                long heapBefore = heapAfterGc();
                long filesBefore = Probes.openFiles();
                double seconds = Workloads.createPartitions(admin, topics, 10);
                report.add("create " + topics * 10 + " partitions (" + topics + " topics x 10)", "s", broker, seconds);
                report.add("heap grown by those partitions", "MB", broker, (heapAfterGc() - heapBefore) / 1048576.0);
                report.add("open files grown by those partitions", "files", broker, Probes.openFiles() - filesBefore);
            }
        }
        log("scale done");
    }

    private static long heapAfterGc() throws InterruptedException {
        System.gc();
        Thread.sleep(200); // lets the collector finish before reading; not a measured wait
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void produceOne(String bootstrap) throws Exception {
        produceOne(bootstrap, "warm-" + UUID.randomUUID());
    }

    private static void produceOne(String bootstrap, String topic) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            producer.send(new ProducerRecord<>(topic, new byte[10])).get();
        }
    }

    /** Runs a {@link Probes} measurement in a fresh JVM with this JVM's class path and module flags. */
    private static Map<String, Double> probe(String kind, String argument) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-") || a.startsWith("-Dorg.slf4j"))
                .forEach(command::add);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Probes.class.getName(), kind, argument));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String last = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                last = line;
            }
        }
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0 || last == null) {
            throw new IllegalStateException("probe " + kind + " " + argument + " failed");
        }
        Map<String, Double> values = new HashMap<>();
        for (String pair : last.trim().split(" ")) {
            String[] kv = pair.split("=");
            values.put(kv[0], Double.parseDouble(kv[1]));
        }
        return values;
    }

    private static Map<String, String> machine() throws IOException {
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("cpus", String.valueOf(Runtime.getRuntime().availableProcessors()));
        machine.put("memoryGb", String.format("%.0f", ((com.sun.management.OperatingSystemMXBean)
                ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize() / 1e9));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("realKafka", org.apache.kafka.common.utils.AppInfoParser.getVersion());
        return machine;
    }

    private static void log(String message) {
        System.err.println("[bench] " + message);
    }
}
