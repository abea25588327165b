package io.kafkalite.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static io.kafkalite.bench.Figure.higher;
import static io.kafkalite.bench.Figure.info;
import static io.kafkalite.bench.Figure.lower;

/**
 * Every scenario of the benchmark, in the order they run. Adding a workload: a method in {@link Workloads}, a
 * constant in {@link ClientWorkload}, and a {@code Scenario.client(...)} entry here naming its figures.
 */
final class Scenarios {

    /** Groups that run only when asked for ({@code --only} or {@code --with}). */
    static final Set<String> OPTIONAL_GROUPS = Set.of("txn", "new-groups", "security");

    private Scenarios() {
    }

    static List<Scenario> all(boolean quick) {
        int reps = quick ? 3 : 5;
        List<Scenario> all = new ArrayList<>();
        all.add(coldStart(reps));
        all.add(new Scenario("warm", "warm start", reps, Set.of(Broker.KAFKALITE, Broker.KAFKA), List.of(
                lower("startMs", "warm start: start() returns (median of 10 in one JVM)", "ms"),
                lower("toProduceMs", "warm start: to first acked produce", "ms")),
                (broker, harness) -> probeTrial(harness, "warm-start", broker)));
        all.add(Scenario.client("per-test", "per-test loop", ClientWorkload.PER_TEST)
                .param("warmup", quick ? 2 : 3).param("loops", quick ? 6 : 15).repetitions(reps)
                .figure(lower("perTestMs", "per-test loop (topic, producer, group consumer, 1 record, close)", "ms"))
                .figure(lower("brokerCpuMsPerTest", "per-test loop: broker CPU per test", "ms"))
                .build());
        // both sizes 1M records, as the targets name them: a run of 100k x 1 KiB lasts under a second, which
        // measures the JVMs' warm-up more than either broker
        int count = quick ? 200_000 : 1_000_000;
        all.add(throughput(count, 100, reps));
        all.add(throughput(count, 1024, reps));
        all.add(Scenario.client("latency", "latency", ClientWorkload.LATENCY)
                // the client JVM is fresh for every repetition: while its JIT still compiles the send and poll
                // paths, its compilations, not the broker, make the tail (p99 5 ms after 500 warm-up records,
                // 3-4 ms after 10,000, 2 ms after 20,000, against the same warm Kafkalite)
                .param("count", quick ? 1000 : 5000).param("warmup", quick ? 5000 : 20_000).repetitions(reps)
                .figure(lower("p50Ms", "send-to-receipt latency p50", "ms"))
                .figure(lower("p99Ms", "send-to-receipt latency p99", "ms"))
                .figure(lower("maxMs", "send-to-receipt latency max", "ms"))
                .build());
        all.add(Scenario.client("join", "group join", ClientWorkload.GROUP_JOIN)
                .param("joins", 5).repetitions(reps)
                .figure(lower("firstJoinMs", "group join: first group of a fresh client JVM, to first record", "ms"))
                .figure(lower("joinMs", "group join: further new groups (median of 5), to first record", "ms"))
                .build());
        all.add(Scenario.client("footprint", "footprint", ClientWorkload.PRODUCE_AND_CONSUME)
                .param("count", 200_000).param("size", 100).freshBroker().brokerStats().repetitions(reps)
                .figure(lower("before.heapMb", "idle broker: heap after GC", "MB"))
                .figure(lower("before.rssMb", "idle broker: RSS of its JVM", "MB"))
                .figure(lower("before.threads", "idle broker: its own threads", "threads"))
                .figure(lower("after.heapMb", "after 200k records: heap after GC", "MB"))
                .figure(lower("after.rssMb", "after 200k records: RSS of its JVM", "MB"))
                .figure(lower("after.threads", "after 200k records: threads", "threads"))
                .build());
        int scaleTopics = quick ? 100 : 1000;
        all.add(Scenario.client("scale", "partition creation", ClientWorkload.CREATE_PARTITIONS)
                .param("topics", scaleTopics).param("partitions", 10).freshBroker().brokerStats()
                .repetitions(quick ? 2 : 3) // a fresh Kafka broker per repetition takes minutes here
                .figure(lower("seconds", "create " + scaleTopics * 10 + " partitions (" + scaleTopics + " topics x 10)",
                        "s"))
                .figure(lower("grown.heapMb", "heap grown by those partitions", "MB"))
                .figure(lower("grown.openFiles", "open files grown by those partitions", "files"))
                .build());
        int firstWrites = quick ? 50 : 200;
        all.add(Scenario.client("first-write", "first write to a new partition", ClientWorkload.FIRST_WRITE)
                .param("partitions", firstWrites).repetitions(reps)
                .figure(lower("firstWriteMs", "first write to a new partition (median of " + firstWrites + ")", "ms"))
                .figure(lower("secondWriteMs", "... a write to a long-written partition right after each (median)", "ms"))
                .build());
        int newTopics = quick ? 50 : 200;
        all.add(Scenario.client("new-partitions", "records to new partitions", ClientWorkload.NEW_PARTITIONS)
                .param("topics", newTopics).param("partitions", 10).withoutWarmup().repetitions(reps)
                .figure(lower("totalS", "one record to each of " + newTopics * 10
                        + " new partitions (create + write)", "s"))
                .figure(lower("writeS", "... of which the writes", "s"))
                .build());
        all.add(Scenario.client("fd-limit", "10,000 partitions under ulimit -n 1024",
                        ClientWorkload.PARTITIONS_READ_BACK)
                .param("topics", 1000).param("partitions", 10).param("budgetS", 180)
                .freshBroker().fileLimit(1024).timeout(Duration.ofMinutes(6)).repetitions(1)
                .figure(higher("works", "10,000 partitions written and read back, ulimit -n 1024 (1 = works)", "0/1"))
                .figure(lower("brokerOpenFiles", "... broker's open files at the end", "files"))
                .figure(lower("brokerRssMb", "... broker's RSS at the end", "MB"))
                .build());
        all.add(Scenario.client("reset", "reset between tests", ClientWorkload.RESET_BETWEEN_TESTS)
                .param("topics", 5).param("partitions", 6)
                .param("warmup", quick ? 2 : 3).param("loops", quick ? 6 : 15).repetitions(reps)
                .figure(lower("resetMs", "reset between tests, 5 topics x 6 partitions (as the extension: delete records)", "ms"))
                .build());
        all.add(new Scenario("reset", "reset between tests, embedded", reps, Set.of(Broker.KAFKALITE), List.of(
                lower("resetMs", "... the extension's reset on its embedded broker (KafkaLite.reset, one step)", "ms")),
                (broker, harness) -> probeTrial(harness, "embedded-reset", broker)));
        all.add(restart(quick, reps, FillerEnd.CLEAN_STOP));
        all.add(restart(quick, reps, FillerEnd.KILL_9));
        all.add(Scenario.client("txn", "transactional produce", ClientWorkload.TRANSACTIONAL_PRODUCE)
                .param("count", quick ? 20_000 : 100_000).param("size", 100).param("perTransaction", 100)
                .timeout(Duration.ofMinutes(3)).repetitions(reps)
                .figure(higher("produceRate", "transactional produce " + (quick ? 20_000 : 100_000)
                        + " x 100 B, 100 per transaction", "records/s"))
                .figure(lower("produceCpuUs", "transactional produce: broker CPU per record", "us"))
                .build());
        all.add(Scenario.client("txn", "transactional per-test loop", ClientWorkload.TRANSACTIONAL_PER_TEST)
                .param("warmup", quick ? 2 : 3).param("loops", quick ? 6 : 15)
                .timeout(Duration.ofMinutes(3)).repetitions(reps)
                .figure(lower("perTestMs", "per-test loop with a transactional producer, read_committed", "ms"))
                .build());
        int shared = quick ? 50_000 : 200_000;
        all.add(Scenario.client("new-groups", "share group consume", ClientWorkload.SHARE_CONSUME)
                .param("count", shared).timeout(Duration.ofMinutes(4)).repetitions(reps)
                .figure(higher("shareRate", "share group: 3 consumers, 2 partitions, " + shared + " x 100 B",
                        "records/s"))
                .figure(lower("shareCpuUs", "share group: broker CPU per record", "us"))
                .build());
        all.add(Scenario.client("new-groups", "streams group join", ClientWorkload.STREAMS_JOIN)
                .param("joins", 3).timeout(Duration.ofMinutes(4)).repetitions(reps)
                .figure(lower("firstStreamsJoinMs", "streams group: first new app of a client JVM, start() to first "
                        + "processed record", "ms"))
                .figure(lower("streamsJoinMs", "streams group: further new apps (median of 3)", "ms"))
                .build());
        String secured = SecureListener.NAME + " " + SecureListener.MECHANISM + ": ";
        all.add(throughput(Scenario.client("security", SecureListener.NAME + " throughput 100 B",
                ClientWorkload.THROUGHPUT).secure(), secured, count, 100, reps));
        all.add(new Scenario("security", "warm start with TLS", reps, Set.of(Broker.KAFKALITE), List.of(
                lower("startMs", "warm start, SSL listener with generated certificates: start() returns (median of 10)",
                        "ms"),
                lower("toProduceMs", "... to first acked produce over SSL", "ms")),
                (broker, harness) -> probeTrial(harness, "warm-start-tls", broker)));
        return all;
    }

    private static Scenario throughput(int count, int size, int reps) {
        return throughput(Scenario.client("throughput", "throughput " + size + " B", ClientWorkload.THROUGHPUT), "",
                count, size, reps);
    }

    /** The throughput workload's figures, labelled {@code prefix} + what was sent. */
    private static Scenario throughput(Scenario.ClientBuilder scenario, String prefix, int count, int size, int reps) {
        String label = count + " x " + size + " B, 6 partitions";
        scenario.param("count", count).param("size", size).repetitions(reps);
        directionFigures(scenario, "produce", prefix + "produce " + label, size);
        directionFigures(scenario, "consume", prefix + "consume " + label, size);
        return scenario.build();
    }

    /** One direction's figures: records/s, MB/s, broker CPU per record and the cores each JVM kept busy. */
    private static void directionFigures(Scenario.ClientBuilder scenario, String key, String label, int size) {
        scenario.figure(higher(key + "Rate", label, "records/s"))
                .figure(higher(key + "Rate", "", "").scaled(size / 1e6, label + " (MB/s)", "MB/s"))
                .figure(lower(key + "CpuUs", label + ": broker CPU per record", "us"))
                .figure(info(key + "ClientCores", label + ": cores the client JVM kept busy", "cores"))
                .figure(info(key + "BrokerCores", label + ": cores the broker JVM kept busy", "cores"));
    }

    /**
     * Each repetition: a fresh JVM holding broker and client (start, first produce, close), then a fresh client
     * JVM alone against a running broker of the same kind; the difference is the broker's share.
     */
    private static Scenario coldStart(int reps) {
        return new Scenario("cold", "cold start", reps, Set.of(Broker.KAFKALITE, Broker.KAFKA), List.of(
                lower("startMs", "cold start: start() returns (fresh JVM)", "ms"),
                lower("firstProduceMs", "cold start: to first acked produce", "ms"),
                lower("closeMs", "close after cold start", "ms"),
                lower("clientOnlyMs", "client alone: fresh JVM to first acked produce", "ms"),
                lower("brokerShareMs", "broker's share of cold first produce", "ms")),
                (broker, harness) -> {
                    BrokerProcess running = harness.startBroker(BrokerProcess.Spec.of(broker));
                    try {
                        harness.runClient(ClientWorkload.FIRST_PRODUCE, running, Map.of(), Duration.ofMinutes(2));
                    } catch (Exception e) {
                        running.close();
                        throw e;
                    }
                    return new Scenario.Trial() {
                        @Override
                        public Map<String, Double> repetition() throws Exception {
                            Map<String, Double> results = new LinkedHashMap<>(
                                    harness.runProbe("cold-start", broker, Duration.ofMinutes(2)));
                            double clientOnly = harness.runClient(ClientWorkload.FIRST_PRODUCE, running, Map.of(),
                                    Duration.ofMinutes(2)).get("firstProduceMs");
                            results.put("clientOnlyMs", clientOnly);
                            results.put("brokerShareMs", results.get("firstProduceMs") - clientOnly);
                            return results;
                        }

                        @Override
                        public void close() {
                            running.close();
                        }
                    };
                });
    }

    private static Scenario.Trial probeTrial(Harness harness, String kind, Broker broker) {
        return new Scenario.Trial() {
            @Override
            public Map<String, Double> repetition() throws Exception {
                return harness.runProbe(kind, broker, Duration.ofMinutes(3));
            }

            @Override
            public void close() {
                // each probe JVM ended with its repetition
            }
        };
    }

    /** How the broker that fills the restart scenario's data directory ends before the restarts. */
    private enum FillerEnd {
        CLEAN_STOP("after a clean stop"),
        KILL_9("after kill -9");

        private final String label;

        FillerEnd(String label) {
            this.label = label;
        }
    }

    /**
     * Kafkalite only (Kafka's test broker keeps its data in a directory of its own): one broker fills a data
     * directory with records and offset commits and then ends as {@code end} says, stopped cleanly or killed with
     * SIGKILL once the fill was acknowledged. Each repetition starts a broker JVM on a copy of that directory, so
     * every repetition recovers from the same end, and reads the committed offsets and every partition's last
     * record back (the read fails if any of them is missing).
     */
    private static Scenario restart(boolean quick, int reps, FillerEnd end) {
        int records = quick ? 100_000 : 1_000_000;
        int commits = quick ? 100_000 : 1_000_000;
        String label = "restart on " + records / 1000 + "k records + " + commits / 1000 + "k offset commits "
                + end.label;
        Map<String, Object> params = Map.of("records", records, "commits", commits, "partitions", 100);
        return new Scenario("restart", "restart " + end.label, reps, Set.of(Broker.KAFKALITE), List.of(
                lower("startMs", label + ": start() returns", "ms"),
                lower("launchToReadyMs", "... " + end.label + ": broker JVM launch to ready", "ms"),
                lower("firstReadMs", "... " + end.label + ": then committed offsets + last record of 100 partitions"
                        + " read", "ms")),
                (broker, harness) -> {
                    Path root = Files.createTempDirectory("kafkalite-bench-restart");
                    Path filled = root.resolve("filled");
                    Path restartedData = root.resolve("restarted");
                    try (BrokerProcess filler = harness.startBroker(
                            BrokerProcess.Spec.of(broker).withDataDirectory(filled))) {
                        harness.runClient(ClientWorkload.FILL_FOR_RESTART, filler, params, Duration.ofMinutes(10));
                        switch (end) {
                            case CLEAN_STOP -> filler.stop();
                            case KILL_9 -> filler.kill();
                        }
                    } catch (Exception e) {
                        deleteRecursively(root);
                        throw e;
                    }
                    BrokerProcess.Spec spec = BrokerProcess.Spec.of(broker).withDataDirectory(restartedData);
                    return new Scenario.Trial() {
                        @Override
                        public Map<String, Double> repetition() throws Exception {
                            copyRecursively(filled, restartedData);
                            try {
                                long launch = System.nanoTime();
                                try (BrokerProcess restarted = harness.startBroker(spec)) {
                                    double launchToReady = (System.nanoTime() - launch) / 1e6;
                                    Map<String, Double> results = new LinkedHashMap<>(harness.runClient(
                                            ClientWorkload.READ_AFTER_RESTART, restarted, params,
                                            Duration.ofMinutes(3)));
                                    results.put("startMs", restarted.startMs());
                                    results.put("launchToReadyMs", launchToReady);
                                    restarted.stop();
                                    return results;
                                }
                            } finally {
                                deleteRecursively(restartedData);
                            }
                        }

                        @Override
                        public void close() {
                            deleteRecursively(root);
                        }
                    };
                });
    }

    /** Copies a directory tree to {@code target}, which must not exist yet. */
    private static void copyRecursively(Path source, Path target) throws IOException {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Files.copy(path, target.resolve(source.relativize(path).toString()));
            }
        }
    }

    static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("[bench] could not delete " + directory + ": " + e);
        }
    }
}
