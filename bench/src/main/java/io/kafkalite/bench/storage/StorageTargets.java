package io.kafkalite.bench.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.kafkalite.KafkaLite;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The storage targets of issue 9, each against brokers in JVMs of their own (this JVM runs only the clients):
 *
 * <pre>
 * first-write   one record to each of 2,000 new partitions (200 topics x 10), each send awaited: per-partition
 *               latency (median, p99) and the total
 * many          10,000 partitions (1,000 topics x 10) written once each and read back, broker under ulimit -n 1024:
 *               its open files and RSS afterwards
 * reset         what the JUnit extension does between tests of a class declaring 5 topics x 6 partitions
 * consume       1,000,000 x 100 B and 100,000 x 1 KiB over 6 partitions consumed by a new consumer; Kafkalite and
 *               Kafka repetitions interleaved (A, B, A, B...), each pair's ratio reported with the spread
 * restart       1,000,000 records and 1,000,000 offset commits, then SIGKILL or SIGTERM and a restart: until ready,
 *               and until the last record and the committed offset are read
 * </pre>
 *
 * Usage: {@code StorageTargets <kafkalite.jar> <workload> [kafka]}; with {@code kafka} the workload also runs against
 * Apache Kafka's broker where that broker can.
 */
public final class StorageTargets {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private StorageTargets() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        boolean kafka = args.length > 2 && args[2].equals("kafka");
        switch (args[1]) {
            case "first-write" -> firstWrite(jar, kafka);
            case "many" -> many(jar, kafka);
            case "reset" -> reset(jar, kafka);
            case "consume" -> consume(jar, kafka, args.length > 3 ? Integer.parseInt(args[3]) : 5);
            case "restart" -> restart(jar);
            default -> throw new IllegalArgumentException("unknown workload " + args[1]);
        }
    }

    // ---------------------------------------------------------------- first write to new partitions

    private static void firstWrite(Path jar, boolean kafka) throws Exception {
        try (BrokerProcess broker = BrokerProcess.kafkalite(jar, 0, "--port", "0")) {
            firstWrite("kafkalite", broker.bootstrap());
        }
        if (kafka) {
            try (BrokerProcess broker = BrokerProcess.kafka(0)) {
                firstWrite("kafka", broker.bootstrap());
            }
        }
    }

    private static void firstWrite(String name, String bootstrap) throws Exception {
        List<String> topics = names("fresh", 200);
        try (Admin admin = admin(bootstrap);
             KafkaProducer<byte[], byte[]> producer = producer(bootstrap, Map.of(ProducerConfig.LINGER_MS_CONFIG, 0))) {
            // warm both sides up (JIT, connections) on a topic of its own, which then gives each first write a twin
            createTopics(admin, List.of("warm"), 10);
            for (int i = 0; i < 4000; i++) {
                producer.send(new ProducerRecord<>("warm", i % 10, null, new byte[100])).get();
            }
            long created = System.nanoTime();
            createTopics(admin, topics, 10);
            double createMs = (System.nanoTime() - created) / 1e6;
            for (String topic : topics) {
                producer.partitionsFor(topic); // the client's metadata, so that only the broker's writes are timed
            }
            long[] first = new long[topics.size() * 10];
            long[] existing = new long[first.length];
            long firstTotal = 0;
            int n = 0;
            for (String topic : topics) {
                for (int p = 0; p < 10; p++) {
                    long t0 = System.nanoTime();
                    producer.send(new ProducerRecord<>(topic, p, null, new byte[100])).get();
                    first[n] = System.nanoTime() - t0;
                    firstTotal += first[n];
                    // the same send to a partition written long ago, right after: what any write costs at this moment
                    long t1 = System.nanoTime();
                    producer.send(new ProducerRecord<>("warm", p, null, new byte[100])).get();
                    existing[n++] = System.nanoTime() - t1;
                }
            }
            Arrays.sort(first);
            Arrays.sort(existing);
            System.out.printf("%s first-write: 2000 partitions created in %.0f ms; one record to each of them, each send"
                    + " awaited: total %.0f ms, median %.3f ms, p99 %.3f ms; the same send to an old partition"
                    + " between them: median %.3f ms, p99 %.3f ms%n", name, createMs, firstTotal / 1e6,
                    first[first.length / 2] / 1e6, first[first.length * 99 / 100] / 1e6,
                    existing[existing.length / 2] / 1e6, existing[existing.length * 99 / 100] / 1e6);
        }
    }

    // ---------------------------------------------------------------- 10,000 partitions under ulimit -n 1024

    private static void many(Path jar, boolean kafka) throws Exception {
        Path data = Files.createTempDirectory("many-");
        try (BrokerProcess broker = BrokerProcess.kafkalite(jar, 1024, "--port", "0", "--data-dir", data.toString())) {
            many("kafkalite (ulimit -n 1024)", broker);
        } finally {
            deleteRecursively(data);
        }
        if (kafka) {
            try (BrokerProcess broker = BrokerProcess.kafka(1024)) {
                many("kafka (ulimit -n 1024)", broker);
            } catch (RuntimeException e) {
                System.out.println("kafka (ulimit -n 1024) many: failed: " + firstLine(e));
            }
        }
    }

    private static void many(String name, BrokerProcess broker) throws Exception {
        String bootstrap = broker.bootstrap();
        List<String> topics = names("many", 1000);
        long start = System.nanoTime();
        try (Admin admin = admin(bootstrap)) {
            for (int i = 0; i < topics.size(); i += 100) {
                createTopics(admin, topics.subList(i, i + 100), 10);
            }
        }
        double createMs = (System.nanoTime() - start) / 1e6;
        long written;
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, Map.of())) {
            for (String topic : topics) {
                producer.partitionsFor(topic); // metadata first: a send to an unknown topic waits for it
            }
            written = System.nanoTime();
            awaitAll(producer, topics.stream().flatMap(t -> IntStream.range(0, 10)
                    .mapToObj(p -> new ProducerRecord<byte[], byte[]>(t, p, null, (t + "-" + p).getBytes()))).toList());
        }
        double writeMs = (System.nanoTime() - written) / 1e6;
        long read = System.nanoTime();
        List<TopicPartition> partitions = topics.stream()
                .flatMap(t -> IntStream.range(0, 10).mapToObj(p -> new TopicPartition(t, p))).toList();
        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, Map.of())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (seen.size() < partitions.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    require(new String(record.value()).equals(record.topic() + "-" + record.partition()), "wrong record");
                    seen.add(record.topic() + "-" + record.partition());
                }
            }
        }
        double readMs = (System.nanoTime() - read) / 1e6;
        require(seen.size() == partitions.size(), "read back " + seen.size() + " of " + partitions.size());
        System.out.printf("%s many: 10000 partitions created in %.0f ms, written in %.0f ms, read back in %.0f ms;"
                + " broker holds %d open files, RSS %d MB%n", name, createMs, writeMs, readMs, broker.openFiles(),
                broker.rssMegabytes());
    }

    // ---------------------------------------------------------------- per-test reset

    /**
     * The JUnit extension's reset between tests of a class declaring 5 topics x 6 partitions, after a test that wrote
     * to each partition and committed a group's offsets. The extension runs in the test's JVM with the embedded
     * broker, so this does too: {@code KafkaLite.reset} (what the extension calls now), then the Admin calls it made
     * before (list and delete groups, list and delete topics, create topics), and those against Kafka's broker.
     */
    private static void reset(Path jar, boolean kafka) throws Exception {
        List<String> declared = names("declared", 5);
        Map<String, KafkaLite.TopicSpec> specs = new LinkedHashMap<>();
        declared.forEach(name -> specs.put(name, new KafkaLite.TopicSpec(6, Map.of())));
        try (KafkaLite broker = KafkaLite.builder().start()) {
            reset("kafkalite, KafkaLite.reset (the extension)", broker.bootstrapServers(), declared,
                    () -> broker.reset(specs));
            reset("kafkalite, through Admin", broker.bootstrapServers(), declared, null);
        }
        if (kafka) {
            try (BrokerProcess broker = BrokerProcess.kafka(0)) {
                reset("kafka, through Admin", broker.bootstrap(), declared, null);
            }
        }
    }

    private static void reset(String name, String bootstrap, List<String> declared, Runnable reset) throws Exception {
        int rounds = 30;
        long[] resets = new long[rounds];
        try (Admin admin = admin(bootstrap);
             KafkaProducer<byte[], byte[]> producer = producer(bootstrap, Map.of(ProducerConfig.LINGER_MS_CONFIG, 0))) {
            Set<String> existing = admin.listTopics().names().get();
            createTopics(admin, declared.stream().filter(t -> !existing.contains(t)).toList(), 6);
            for (int round = 0; round < rounds; round++) {
                // the test: a record in every partition, and a group with committed offsets
                awaitAll(producer, declared.stream().flatMap(t -> IntStream.range(0, 6)
                        .mapToObj(p -> new ProducerRecord<byte[], byte[]>(t, p, null, new byte[10]))).toList());
                try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap,
                        Map.of(ConsumerConfig.GROUP_ID_CONFIG, "test-" + round))) {
                    consumer.commitSync(Map.of(new TopicPartition(declared.get(0), 0), new OffsetAndMetadata(1)));
                }
                long t0 = System.nanoTime();
                if (reset != null) {
                    reset.run();
                } else {
                    Collection<ConsumerGroupListing> groups = admin.listConsumerGroups().all().get();
                    if (!groups.isEmpty()) {
                        admin.deleteConsumerGroups(groups.stream().map(ConsumerGroupListing::groupId).toList()).all().get();
                    }
                    Set<String> topics = admin.listTopics().names().get().stream()
                            .filter(t -> !t.startsWith("__")).collect(Collectors.toSet());
                    admin.deleteTopics(topics).all().get();
                    createTopics(admin, declared, 6);
                }
                resets[round] = System.nanoTime() - t0;
            }
        }
        long[] steady = Arrays.copyOfRange(resets, 5, rounds);
        Arrays.sort(steady);
        System.out.printf("reset 5 topics x 6 partitions, %s: median %.2f ms, min %.2f ms, max %.2f ms over %d resets%n",
                name, steady[steady.length / 2] / 1e6, steady[0] / 1e6, steady[steady.length - 1] / 1e6, steady.length);
    }

    // ---------------------------------------------------------------- consume throughput, interleaved

    private static void consume(Path jar, boolean kafka, int repetitions) throws Exception {
        for (int[] shape : new int[][] {{1_000_000, 100}, {100_000, 1024}}) {
            int count = shape[0];
            int size = shape[1];
            try (BrokerProcess lite = BrokerProcess.kafkalite(jar, 0, "--port", "0");
                 BrokerProcess real = kafka ? BrokerProcess.kafka(0) : null) {
                fill(lite.bootstrap(), count, size);
                if (real != null) {
                    fill(real.bootstrap(), count, size);
                }
                // warm both the same: one untimed read each
                consumeRate(lite.bootstrap(), count);
                if (real != null) {
                    consumeRate(real.bootstrap(), count);
                }
                List<Double> liteRates = new ArrayList<>();
                List<Double> realRates = new ArrayList<>();
                List<Double> ratios = new ArrayList<>();
                List<Double> liteCpu = new ArrayList<>();
                List<Double> realCpu = new ArrayList<>();
                for (int rep = 0; rep < repetitions; rep++) {
                    double liteRate = consumeRate(lite.bootstrap(), count);
                    liteRates.add(liteRate);
                    liteCpu.add(lastClientCpuShare);
                    if (real != null) {
                        double realRate = consumeRate(real.bootstrap(), count);
                        realRates.add(realRate);
                        realCpu.add(lastClientCpuShare);
                        ratios.add(liteRate / realRate);
                    }
                }
                System.out.printf("consume %d x %d B, 6 partitions: kafkalite %s records/s%s%n", count, size,
                        spread(liteRates, "%.0f"), real == null ? "" : "; kafka " + spread(realRates, "%.0f")
                                + "; ratio per interleaved pair " + spread(ratios, "%.2f"));
                System.out.printf("  consuming thread on CPU: kafkalite %s%s of the time%n", spread(liteCpu, "%.2f"),
                        real == null ? "" : ", kafka " + spread(realCpu, "%.2f"));
            }
        }
    }

    private static String spread(List<Double> values, String format) {
        List<Double> sorted = values.stream().sorted().toList();
        return "median " + String.format(format, sorted.get(sorted.size() / 2)) + " [" + String.format(format, sorted.get(0))
                + "-" + String.format(format, sorted.get(sorted.size() - 1)) + "]";
    }

    private static void fill(String bootstrap, int count, int size) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            createTopics(admin, List.of("consumed"), 6);
        }
        byte[] value = new byte[size];
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, Map.of())) {
            CountDownLatch acked = new CountDownLatch(count);
            AtomicReference<Exception> failure = new AtomicReference<>();
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>("consumed", value), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                    acked.countDown();
                });
            }
            require(acked.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS) && failure.get() == null, "fill failed: " + failure);
        }
    }

    /** Records per second a new consumer reads; also notes how much of that time its polling thread was on CPU. */
    private static double consumeRate(String bootstrap, int count) {
        List<TopicPartition> partitions = IntStream.range(0, 6).mapToObj(p -> new TopicPartition("consumed", p)).toList();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, Map.of())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long start = System.nanoTime();
            long cpuStart = threads.getCurrentThreadCpuTime();
            long received = 0;
            long deadline = start + TIMEOUT.toNanos();
            while (received < count && System.nanoTime() < deadline) {
                received += consumer.poll(Duration.ofMillis(100)).count();
            }
            long wall = System.nanoTime() - start;
            lastClientCpuShare = (double) (threads.getCurrentThreadCpuTime() - cpuStart) / wall;
            require(received == count, "consumed " + received + " of " + count);
            return count / (wall / 1e9);
        }
    }

    /** Of the last consumeRate's wall time, the share the consuming thread spent on CPU (1: the client is the limit). */
    private static double lastClientCpuShare;

    // ---------------------------------------------------------------- restart

    private static void restart(Path jar) throws Exception {
        Path data = Files.createTempDirectory("restart-");
        try {
            String[] args = {"--port", "0", "--data-dir", data.toString()};
            TopicPartition first = new TopicPartition("history", 0);
            try (BrokerProcess broker = BrokerProcess.kafkalite(jar, 0, args)) {
                fillRestart(broker.bootstrap());
                broker.kill();
            }
            for (String how : List.of("after SIGKILL", "after SIGTERM", "after SIGTERM (2)")) {
                try (BrokerProcess broker = BrokerProcess.kafkalite(jar, 0, args)) {
                    long ready = System.nanoTime();
                    long committed = committedOffset(broker.bootstrap(), first);
                    long last = lastRecordOffset(broker.bootstrap());
                    double readBackMs = (System.nanoTime() - ready) / 1e6;
                    long expectedLast = IntStream.range(0, 1_000_000).filter(i -> i % 6 == 5).count() - 1;
                    require(committed == 999_999 && last == expectedLast, "restart lost data: committed " + committed
                            + ", last offset " + last);
                    System.out.printf("restart %s (1,000,000 records, 1,000,000 offset commits): process launch to ready"
                            + " %.0f ms; then committed offset and last record read in %.0f ms%n", how,
                            broker.readyMillis(), readBackMs);
                    broker.output().lines().filter(l -> l.contains("Replayed") || l.contains("Recovered"))
                            .forEach(l -> System.out.println("  broker: " + l));
                    broker.stop();
                }
            }
        } finally {
            deleteRecursively(data);
        }
    }

    private static void fillRestart(String bootstrap) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            createTopics(admin, List.of("history"), 6);
        }
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, Map.of())) {
            byte[] value = new byte[100];
            CountDownLatch acked = new CountDownLatch(1_000_000);
            for (int i = 0; i < 1_000_000; i++) {
                producer.send(new ProducerRecord<>("history", i % 6, null, value), (m, e) -> acked.countDown());
            }
            require(acked.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "fill failed");
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, Map.of(ConsumerConfig.GROUP_ID_CONFIG, "restarted"))) {
            TopicPartition partition = new TopicPartition("history", 0);
            for (int i = 0; i < 999_999; i++) {
                consumer.commitAsync(Map.of(partition, new OffsetAndMetadata(i)), null);
                if (i % 10_000 == 0) {
                    consumer.commitSync(Map.of(partition, new OffsetAndMetadata(i)));
                }
            }
            consumer.commitSync(Map.of(partition, new OffsetAndMetadata(999_999)));
        }
    }

    private static long committedOffset(String bootstrap, TopicPartition partition) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, Map.of(ConsumerConfig.GROUP_ID_CONFIG, "restarted"))) {
            OffsetAndMetadata committed = consumer.committed(Set.of(partition)).get(partition);
            return committed == null ? -1 : committed.offset();
        }
    }

    private static long lastRecordOffset(String bootstrap) {
        TopicPartition last = new TopicPartition("history", 5);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, Map.of())) {
            long end = consumer.endOffsets(List.of(last)).get(last);
            consumer.assign(List.of(last));
            consumer.seek(last, end - 1);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    return record.offset();
                }
            }
            return -1;
        }
    }

    // ---------------------------------------------------------------- helpers

    private static List<String> names(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
    }

    private static void createTopics(Admin admin, List<String> names, int partitions) throws Exception {
        admin.createTopics(names.stream().map(n -> new NewTopic(n, partitions, (short) 1)).toList()).all().get();
    }

    private static void awaitAll(KafkaProducer<byte[], byte[]> producer, List<ProducerRecord<byte[], byte[]>> records)
            throws InterruptedException {
        CountDownLatch acked = new CountDownLatch(records.size());
        AtomicReference<Exception> failure = new AtomicReference<>();
        for (ProducerRecord<byte[], byte[]> record : records) {
            producer.send(record, (metadata, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
                acked.countDown();
            });
        }
        require(acked.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS) && failure.get() == null, "produce failed: " + failure);
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap, Map<String, Object> extra) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.putAll(extra);
        return new KafkaProducer<>(props);
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, Map<String, Object> extra) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putAll(extra);
        return new KafkaConsumer<>(props);
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    private static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage());
        return message.lines().limit(3).collect(Collectors.joining(" | "));
    }

    private static void deleteRecursively(Path directory) throws java.io.IOException {
        try (var paths = Files.walk(directory)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
