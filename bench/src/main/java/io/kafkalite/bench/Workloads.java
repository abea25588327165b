package io.kafkalite.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The client workloads, each run the same way against either broker in a client JVM of its own
 * ({@link ClientMain}). Each returns its results by name; {@link Scenarios} turns them into figures.
 */
final class Workloads {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    /** Writes right after topic creation: Kafka's broker may not take them yet; plain retries ride that out. */
    private static final Map<String, Object> PLAIN_PRODUCER = Map.of(
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.LINGER_MS_CONFIG, 0);

    private Workloads() {
    }

    /** Fresh client JVM, broker already running: what the client alone costs to its first acknowledged produce. */
    static Map<String, Double> firstProduce(WorkloadContext context) throws Exception {
        produceOne(context.bootstrap(), "cold-" + UUID.randomUUID());
        return Map.of("firstProduceMs", (System.nanoTime() - context.mainStartNanos()) / 1e6);
    }

    /** The loop a test suite runs per test: topic, producer, consumer in a group, one record, close. */
    static Map<String, Double> perTestLoop(WorkloadContext context) throws Exception {
        try (Admin admin = Clients.admin(context.bootstrap())) {
            return perTest(context, () -> perTestMillis(context.bootstrap(), admin, Map.of(), Map.of(), false));
        }
    }

    /** The per-test loop with a transactional producer and a read_committed consumer. */
    static Map<String, Double> transactionalPerTestLoop(WorkloadContext context) throws Exception {
        try (Admin admin = Clients.admin(context.bootstrap())) {
            return perTest(context, () -> perTestMillis(context.bootstrap(), admin,
                    Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "per-test-" + UUID.randomUUID(),
                            ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000),
                    Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), true));
        }
    }

    @FunctionalInterface
    private interface Timed {
        double millis() throws Exception;
    }

    private static Map<String, Double> perTest(WorkloadContext context, Timed loop) throws Exception {
        for (int i = 0; i < context.intParam("warmup"); i++) {
            loop.millis();
        }
        Samples perTest = new Samples();
        int loops = context.intParam("loops");
        long cpu = context.brokerCpuNanos();
        for (int i = 0; i < loops; i++) {
            perTest.add(loop.millis());
        }
        double cpuMs = (context.brokerCpuNanos() - cpu) / 1e6 / loops;
        return Map.of("perTestMs", perTest.median(), "brokerCpuMsPerTest", cpuMs);
    }

    private static double perTestMillis(String bootstrap, Admin admin, Map<String, Object> producerConfigs,
                                        Map<String, Object> consumerConfigs, boolean transactional) throws Exception {
        String name = "per-test-" + UUID.randomUUID();
        long start = System.nanoTime();
        Clients.createTopic(admin, name, 1);
        Map<String, Object> consumerConfig = new HashMap<>(consumerConfigs);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, name);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, producerConfigs);
             KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, consumerConfig)) {
            consumer.subscribe(List.of(name));
            if (transactional) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(name, new byte[10]));
                producer.commitTransaction();
            } else {
                producer.send(new ProducerRecord<>(name, new byte[10])).get();
            }
            require(Clients.drain(consumer, 1, TIMEOUT) == 1, "per-test record not received");
        }
        return (System.nanoTime() - start) / 1e6;
    }

    /**
     * Produces {@code count} records of {@code size} bytes to a new 6-partition topic, then reads them back with an
     * assign-mode consumer: records/s both ways, and the broker's CPU time per record both ways. Every client carries
     * the context's client settings (those of a secure listener, or none).
     */
    static Map<String, Double> throughput(WorkloadContext context) throws Exception {
        int count = context.intParam("count");
        int size = context.intParam("size");
        String topic = "throughput-" + size + "-" + UUID.randomUUID();
        String bootstrap = context.bootstrap();
        Map<String, Object> security = context.clientConfigs();
        try (Admin admin = Clients.admin(bootstrap, security)) {
            // client code compiled before the measured part, against both brokers alike
            String warmup = topic + "-warmup";
            Clients.createTopic(admin, warmup, 6);
            Clients.awaitWritable(bootstrap, warmup, 6, security);
            produce(bootstrap, warmup, count / 5, size, security, context, new long[2]);
            consume(bootstrap, warmup, count / 5, security, context, new long[2]);
            Clients.createTopic(admin, topic, 6);
            Clients.awaitWritable(bootstrap, topic, 6, security);
            long cpu0 = context.brokerCpuNanos();
            long[] produceCpu = new long[2];
            double produceSeconds = produce(bootstrap, topic, count, size, security, context, produceCpu);
            long cpu1 = context.brokerCpuNanos();
            long[] consumeCpu = new long[2];
            double consumeSeconds = consume(bootstrap, topic, count, security, context, consumeCpu);
            long cpu2 = context.brokerCpuNanos();
            admin.deleteTopics(List.of(topic, warmup)).all().get(); // not measured: keeps the broker's state steady
            Map<String, Double> results = new LinkedHashMap<>();
            results.put("produceRate", count / produceSeconds);
            results.put("consumeRate", count / consumeSeconds);
            results.put("produceCpuUs", (cpu1 - cpu0) / 1e3 / count);
            results.put("consumeCpuUs", (cpu2 - cpu1) / 1e3 / count);
            // cores each side kept busy while timed: which one bounds the rate (2 cores in all on the reference machine)
            results.put("produceClientCores", produceCpu[0] / 1e9 / produceSeconds);
            results.put("produceBrokerCores", produceCpu[1] / 1e9 / produceSeconds);
            results.put("consumeClientCores", consumeCpu[0] / 1e9 / consumeSeconds);
            results.put("consumeBrokerCores", consumeCpu[1] / 1e9 / consumeSeconds);
            return results;
        }
    }

    /** The footprint probe's load: produce and consume, results not reported. */
    static Map<String, Double> produceAndConsume(WorkloadContext context) throws Exception {
        return throughput(context);
    }

    /** Transactions of {@code perTransaction} records each, {@code count} records of {@code size} bytes in all. */
    static Map<String, Double> transactionalProduce(WorkloadContext context) throws Exception {
        int count = context.intParam("count");
        int size = context.intParam("size");
        int perTransaction = context.intParam("perTransaction");
        String topic = "transactional-" + UUID.randomUUID();
        try (Admin admin = Clients.admin(context.bootstrap())) {
            Clients.createTopic(admin, topic, 6);
            Clients.awaitWritable(context.bootstrap(), topic, 6);
        }
        byte[] value = new byte[size];
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(context.bootstrap(), Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-" + UUID.randomUUID(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000))) {
            producer.initTransactions();
            long cpu = context.brokerCpuNanos();
            long start = System.nanoTime();
            for (int sent = 0; sent < count; sent += perTransaction) {
                producer.beginTransaction();
                for (int i = 0; i < perTransaction; i++) {
                    producer.send(new ProducerRecord<>(topic, value));
                }
                // kafka-clients' sender reads "no incomplete batches" before it takes the transaction lock, so on a
                // loaded machine it can send the EndTxn of a transaction whose batch it has not drained yet; both
                // brokers then answer INVALID_TXN_STATE, as Kafka must (the records are not in the transaction).
                // Flushing first closes that window (ARCHITECTURE.md, "Transactions").
                producer.flush();
                producer.commitTransaction();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return Map.of("produceRate", count / seconds,
                    "produceCpuUs", (context.brokerCpuNanos() - cpu) / 1e3 / count);
        }
    }

    /**
     * Returns the seconds until every record is acknowledged; fails on the first error. {@code cpu} gets the client's
     * and the broker's CPU nanoseconds over the same interval.
     */
    private static double produce(String bootstrap, String topic, int count, int size, Map<String, Object> configs,
                                  WorkloadContext context, long[] cpu) throws InterruptedException, IOException {
        byte[] value = new byte[size];
        CountDownLatch acked = new CountDownLatch(count);
        AtomicReference<Exception> failure = new AtomicReference<>();
        KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, configs);
        try {
            long clientCpu = context.clientCpuNanos();
            long brokerCpu = context.brokerCpuNanos();
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, value), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                    acked.countDown();
                });
            }
            // a stuck producer fails the repetition instead of the whole run
            if (!acked.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(acked.getCount() + " of " + count + " records not acknowledged within "
                        + TIMEOUT.toSeconds() + " s");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            cpu[0] = context.clientCpuNanos() - clientCpu;
            cpu[1] = context.brokerCpuNanos() - brokerCpu;
            require(failure.get() == null, "produce failed: " + failure.get());
            return seconds;
        } finally {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Reads a topic's 6 partitions from the beginning; returns seconds. {@code cpu} gets the client's and the
     * broker's CPU nanoseconds over the same interval.
     */
    private static double consume(String bootstrap, String topic, int count, Map<String, Object> configs,
                                  WorkloadContext context, long[] cpu) throws IOException {
        List<TopicPartition> partitions = IntStream.range(0, 6).mapToObj(p -> new TopicPartition(topic, p)).toList();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, configs)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long clientCpu = context.clientCpuNanos();
            long brokerCpu = context.brokerCpuNanos();
            long start = System.nanoTime();
            long expected = count + 6; // awaitWritable's empty record in each partition
            long received = Clients.drain(consumer, expected, TIMEOUT);
            double seconds = (System.nanoTime() - start) / 1e9;
            cpu[0] = context.clientCpuNanos() - clientCpu;
            cpu[1] = context.brokerCpuNanos() - brokerCpu;
            require(received == expected, "consumed " + received + " of " + expected);
            return seconds;
        }
    }

    /**
     * Records sent one at a time, each awaited by a polling consumer: p50, p99 and max of send to receipt, after
     * {@code warmup} unmeasured ones.
     */
    static Map<String, Double> latency(WorkloadContext context) throws Exception {
        int count = context.intParam("count");
        String topic = "latency-" + UUID.randomUUID();
        try (Admin admin = Clients.admin(context.bootstrap())) {
            Clients.createTopic(admin, topic, 1);
        }
        Clients.awaitWritable(context.bootstrap(), topic, 1);
        TopicPartition partition = new TopicPartition(topic, 0);
        Samples samples = new Samples();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(context.bootstrap(),
                Map.of(ProducerConfig.LINGER_MS_CONFIG, 0));
             KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(context.bootstrap(), Map.of())) {
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            consumer.position(partition);
            int warmup = context.intParam("warmup"); // the same client work before the measured records for both
            for (int i = -warmup; i < count; i++) {
                long sent = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, ByteBuffer.allocate(8).putLong(sent).array()));
                long deadline = sent + TIMEOUT.toNanos();
                boolean got = false;
                while (!got && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        long stamp = ByteBuffer.wrap(record.value()).getLong();
                        if (i >= 0) {
                            samples.add((System.nanoTime() - stamp) / 1e6);
                        }
                        got = true;
                    }
                }
                require(got, "latency record " + i + " not received");
            }
        }
        return Map.of("p50Ms", samples.percentile(50), "p99Ms", samples.percentile(99), "maxMs", samples.max());
    }

    /** New groups subscribe to a topic holding one record: ms until it arrives, first in this JVM and then warm. */
    static Map<String, Double> groupJoin(WorkloadContext context) throws Exception {
        String topic = "join-" + UUID.randomUUID();
        try (Admin admin = Clients.admin(context.bootstrap())) {
            Clients.createTopic(admin, topic, 1);
        }
        produceOne(context.bootstrap(), topic);
        double first = groupJoinMillis(context.bootstrap(), topic);
        Samples warm = new Samples();
        for (int i = 0; i < context.intParam("joins"); i++) {
            warm.add(groupJoinMillis(context.bootstrap(), topic));
        }
        return Map.of("firstJoinMs", first, "joinMs", warm.median());
    }

    private static double groupJoinMillis(String bootstrap, String topic) {
        long start = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap,
                Map.of(ConsumerConfig.GROUP_ID_CONFIG, "join-" + UUID.randomUUID()))) {
            consumer.subscribe(List.of(topic));
            require(Clients.drain(consumer, 1, TIMEOUT) >= 1, "group join record not received");
            return (System.nanoTime() - start) / 1e6;
        }
    }

    /** Creates {@code topics} topics of {@code partitions} partitions in batches of 100; seconds. */
    static Map<String, Double> createPartitions(WorkloadContext context) throws Exception {
        try (Admin admin = Clients.admin(context.bootstrap())) {
            long start = System.nanoTime();
            createTopics(admin, "scale", context.intParam("topics"), context.intParam("partitions"), Long.MAX_VALUE);
            return Map.of("seconds", (System.nanoTime() - start) / 1e9);
        }
    }

    /** Creates topics in batches of 100 (each batch awaited until led); returns their names. */
    private static List<String> createTopics(Admin admin, String prefix, int topics, int partitions,
                                             long deadlineNanos) {
        List<String> names = Clients.names(prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "-", topics);
        for (int from = 0; from < names.size(); from += 100) {
            require(System.nanoTime() < deadlineNanos, "out of time after creating " + from + " topics");
            Clients.createTopics(admin, names.subList(from, Math.min(names.size(), from + 100)).stream()
                    .map(n -> new NewTopic(n, partitions, (short) 1)).toList());
        }
        return names;
    }

    /**
     * One record to each partition of a new topic, one at a time: the first write to a partition (where a broker
     * sets up its storage) against a second write to the same partition. Medians in ms.
     */
    static Map<String, Double> firstWrite(WorkloadContext context) throws Exception {
        int partitions = context.intParam("partitions");
        String topic = "first-write-" + UUID.randomUUID();
        String warm = "first-write-warm-" + UUID.randomUUID();
        try (Admin admin = Clients.admin(context.bootstrap());
             KafkaProducer<byte[], byte[]> producer = Clients.producer(context.bootstrap(), PLAIN_PRODUCER)) {
            Clients.createTopic(admin, warm, 1);
            Clients.createTopic(admin, topic, partitions);
            for (int i = 0; i < 2000; i++) { // connection warm, and send paths compiled on both sides
                producer.send(new ProducerRecord<>(warm, new byte[10])).get();
            }
            producer.partitionsFor(topic); // metadata of the new topic known before the first timed write
            Samples first = new Samples();
            Samples second = new Samples();
            for (int p = 0; p < partitions; p++) {
                long start = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, p, null, new byte[10])).get();
                first.add((System.nanoTime() - start) / 1e6);
                // its twin: the same send to a partition written long ago, at the same moment
                long twin = System.nanoTime();
                producer.send(new ProducerRecord<>(warm, new byte[10])).get();
                second.add((System.nanoTime() - twin) / 1e6);
            }
            admin.deleteTopics(List.of(topic, warm)).all().get(); // not measured: later repetitions start alike
            return Map.of("firstWriteMs", first.median(), "secondWriteMs", second.median());
        }
    }

    /** Creates {@code topics} x {@code partitions} new partitions, then one record to each: seconds. */
    static Map<String, Double> newPartitions(WorkloadContext context) throws Exception {
        try (Admin admin = Clients.admin(context.bootstrap());
             KafkaProducer<byte[], byte[]> producer = Clients.producer(context.bootstrap(),
                     Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false))) {
            long start = System.nanoTime();
            int partitions = context.intParam("partitions");
            List<String> topics = createTopics(admin, "new", context.intParam("topics"), partitions, Long.MAX_VALUE);
            long created = System.nanoTime();
            writeOneEach(producer, topics, partitions);
            long written = System.nanoTime();
            admin.deleteTopics(topics).all().get(); // not measured: later repetitions start alike
            return Map.of("totalS", (written - start) / 1e9, "writeS", (written - created) / 1e9);
        }
    }

    /** One 10-byte record to each partition of {@code topics}, all acknowledged. */
    static void writeOneEach(KafkaProducer<byte[], byte[]> producer, List<String> topics, int partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (String topic : topics) {
            for (int p = 0; p < partitions; p++) {
                acks.add(producer.send(new ProducerRecord<>(topic, p, null, new byte[10])));
            }
        }
        producer.flush();
        for (Future<RecordMetadata> ack : acks) {
            ack.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /**
     * {@code topics} x {@code partitions} partitions, one record written to each and all read back: whether that
     * works within {@code budgetS}, and the broker's open files and RSS at the end (read from the OS).
     */
    static Map<String, Double> partitionsReadBack(WorkloadContext context) throws Exception {
        int partitions = context.intParam("partitions");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(context.intParam("budgetS"));
        Map<String, Double> results = new LinkedHashMap<>();
        double works = 0;
        long start = System.nanoTime();
        try (Admin admin = Clients.admin(context.bootstrap());
             KafkaProducer<byte[], byte[]> producer = Clients.producer(context.bootstrap(),
                     Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                             ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                             ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000))) {
            List<String> topics = createTopics(admin, "many", context.intParam("topics"), partitions, deadline);
            writeOneEach(producer, topics, partitions);
            require(System.nanoTime() < deadline, "out of time after writing");
            long expected = (long) topics.size() * partitions;
            List<TopicPartition> all = topics.stream()
                    .flatMap(t -> IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(t, p))).toList();
            try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(context.bootstrap(), Map.of())) {
                consumer.assign(all);
                consumer.seekToBeginning(all);
                long received = Clients.drain(consumer, expected,
                        Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                require(received == expected, "read back " + received + " of " + expected + " records");
            }
            works = 1;
            results.put("seconds", (System.nanoTime() - start) / 1e9);
        } catch (Exception e) {
            System.err.println("partitions read-back failed: " + e);
        }
        results.put("works", works);
        try {
            results.put("brokerOpenFiles", (double) context.brokerOpenFiles());
            results.put("brokerRssMb", context.brokerRssMb());
        } catch (java.io.IOException e) {
            System.err.println("broker process gone: " + e);
        }
        return results;
    }

    /**
     * A class declaring {@code topics} topics of {@code partitions} partitions: between tests the JUnit extension's
     * reset (embedded mode) deletes every consumer group and every non-internal topic through Admin and recreates
     * the declared topics. Each "test" writes a record to every partition and commits a group offset. Median ms.
     */
    static Map<String, Double> resetBetweenTests(WorkloadContext context) throws Exception {
        List<String> declared = Clients.names("declared-", context.intParam("topics"));
        int partitions = context.intParam("partitions");
        try (Admin admin = Clients.admin(context.bootstrap());
             KafkaProducer<byte[], byte[]> producer = Clients.producer(context.bootstrap(),
                     Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false))) {
            reset(admin, declared, partitions); // an earlier repetition may have left the declared topics
            Samples reset = new Samples();
            int warmup = context.intParam("warmup");
            int loops = context.intParam("loops");
            for (int i = 0; i < warmup + loops; i++) {
                writeOneEach(producer, declared, partitions); // the test
                admin.alterConsumerGroupOffsets("test-group",
                        Map.of(new TopicPartition(declared.get(0), 0), new OffsetAndMetadata(1))).all().get();
                long start = System.nanoTime();
                reset(admin, declared, partitions);
                if (i >= warmup) {
                    reset.add((System.nanoTime() - start) / 1e6);
                }
            }
            return Map.of("resetMs", reset.median());
        }
    }

    /**
     * The JUnit extension's reset before a test (StateReset, nobody else active): the run's groups and undeclared
     * topics deleted, the declared topics emptied with DeleteRecords (created when missing), in the same round trips.
     */
    private static void reset(Admin admin, List<String> declared, int partitions) throws Exception {
        Set<String> groups = admin.listConsumerGroups().all().get().stream()
                .map(ConsumerGroupListing::groupId).collect(Collectors.toSet());
        if (!groups.isEmpty()) {
            admin.deleteConsumerGroups(groups).all().get();
        }
        Set<String> topics = admin.listTopics().names().get().stream()
                .filter(t -> !t.startsWith("__")).collect(Collectors.toSet());
        Set<String> undeclared = topics.stream().filter(t -> !declared.contains(t)).collect(Collectors.toSet());
        if (!undeclared.isEmpty()) {
            admin.deleteTopics(undeclared).all().get();
        }
        List<String> missing = declared.stream().filter(t -> !topics.contains(t)).toList();
        List<String> present = declared.stream().filter(topics::contains).toList();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(present).allTopicNames().get().forEach((name, description) -> description.partitions()
                .forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, RecordsToDelete> deletes = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((partition, end) -> {
            if (end.offset() > 0) {
                deletes.put(partition, RecordsToDelete.beforeOffset(end.offset()));
            }
        });
        if (!deletes.isEmpty()) {
            admin.deleteRecords(deletes).all().get();
        }
        recreate(admin, missing, partitions);
    }

    /** As StateReset does: one topic at a time, retrying while an asynchronous delete has not finished. */
    private static void recreate(Admin admin, List<String> topics, int partitions) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (String topic : topics) {
            while (true) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
                    break;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException) || System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.onSpinWait();
                }
            }
        }
    }

    private static final String RESTART_TOPIC = "restart-records";
    private static final String RESTART_GROUP = "restart-group";

    /**
     * Fills a broker for the restart figure: {@code records} records of 100 B spread evenly over
     * {@code partitions} partitions, then {@code commits} offset commits (requests of one offset per partition,
     * moving forward, several requests in flight).
     */
    static Map<String, Double> fillForRestart(WorkloadContext context) throws Exception {
        int partitions = context.intParam("partitions");
        int records = context.intParam("records");
        int rounds = context.intParam("commits") / partitions;
        long start = System.nanoTime();
        try (Admin admin = Clients.admin(context.bootstrap());
             KafkaProducer<byte[], byte[]> producer = Clients.producer(context.bootstrap(), Map.of())) {
            Clients.createTopic(admin, RESTART_TOPIC, partitions);
            byte[] value = new byte[100];
            AtomicReference<Exception> failure = new AtomicReference<>();
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(RESTART_TOPIC, i % partitions, null, value), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush(); // returns once every send completed, its callback included
            require(failure.get() == null, "filling for the restart failed: " + failure.get());
            Deque<KafkaFuture<Void>> inFlight = new ArrayDeque<>();
            for (int round = 1; round <= rounds; round++) {
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (int p = 0; p < partitions; p++) {
                    offsets.put(new TopicPartition(RESTART_TOPIC, p), new OffsetAndMetadata(round));
                }
                inFlight.add(admin.alterConsumerGroupOffsets(RESTART_GROUP, offsets).all());
                if (inFlight.size() >= 32) {
                    inFlight.poll().get();
                }
            }
            for (KafkaFuture<Void> commit : inFlight) {
                commit.get();
            }
        }
        return Map.of("fillS", (System.nanoTime() - start) / 1e9);
    }

    /**
     * After a restart: ms until the group's committed offsets and the last record of every partition are read.
     * Fails unless every committed offset is the last one {@link #fillForRestart} committed and every partition's
     * last record is at the offset the fill left it (a partition that lost records resets to its start and so
     * shows a lower offset).
     */
    static Map<String, Double> readAfterRestart(WorkloadContext context) throws Exception {
        int partitions = context.intParam("partitions");
        long expectedOffset = context.intParam("commits") / partitions;
        long perPartition = context.intParam("records") / partitions;
        List<TopicPartition> all = IntStream.range(0, partitions)
                .mapToObj(p -> new TopicPartition(RESTART_TOPIC, p)).toList();
        try (Admin admin = Clients.admin(context.bootstrap());
             KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(context.bootstrap(), Map.of())) {
            long start = System.nanoTime();
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(RESTART_GROUP).partitionsToOffsetAndMetadata().get();
            for (TopicPartition partition : all) {
                OffsetAndMetadata offset = committed.get(partition);
                require(offset != null && offset.offset() == expectedOffset,
                        "committed offset of " + partition + " is " + offset + ", expected " + expectedOffset);
            }
            consumer.assign(all);
            all.forEach(p -> consumer.seek(p, perPartition - 1));
            Set<Integer> lastRead = new HashSet<>();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (lastRead.size() < partitions && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    require(record.offset() == perPartition - 1, "partition " + record.partition() + " gave offset "
                            + record.offset() + " where its last record, offset " + (perPartition - 1) + ", was expected");
                    lastRead.add(record.partition());
                }
            }
            require(lastRead.size() == partitions, "the last record of only " + lastRead.size() + " of " + partitions
                    + " partitions read after the restart within " + TIMEOUT.toSeconds() + " s");
            return Map.of("firstReadMs", (System.nanoTime() - start) / 1e6);
        }
    }

    private static void produceOne(String bootstrap, String topic) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            producer.send(new ProducerRecord<>(topic, new byte[10])).get();
        }
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}
