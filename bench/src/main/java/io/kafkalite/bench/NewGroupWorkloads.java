package io.kafkalite.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;

/**
 * Client workloads of Kafka 4.2's new groups (scenario group {@code new-groups}): share-group consume throughput
 * with three {@link KafkaShareConsumer}s (implicit acknowledgement) on a 2-partition topic, and the time a new Kafka
 * Streams application on the streams rebalance protocol (a stateful count: a changelog to create, tasks to assign)
 * takes from {@code start()} to its first processed record. Both brokers get the same group configs through Admin
 * ({@code share.auto.offset.reset=earliest}, {@code streams.initial.rebalance.delay.ms=0}); all else is each
 * broker's default.
 */
final class NewGroupWorkloads {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final int RECORD_BYTES = 100;

    private NewGroupWorkloads() {
    }

    /** Fills a 2-partition topic, then 3 share consumers drain it: records/s from subscribe to the last record. */
    static Map<String, Double> shareConsume(WorkloadContext context) throws Exception {
        String bootstrap = context.bootstrap();
        shareConsumeRate(bootstrap, context.intParam("count") / 10); // warm-up
        long cpuBefore = context.brokerCpuNanos();
        int count = context.intParam("count");
        double rate = shareConsumeRate(bootstrap, count);
        double cpuUs = (context.brokerCpuNanos() - cpuBefore) / 1e3 / count;
        return Map.of("shareRate", rate, "shareCpuUs", cpuUs);
    }

    private static double shareConsumeRate(String bootstrap, int count) throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "share-" + id;
        String group = "share-group-" + id;
        try (Admin admin = Clients.admin(bootstrap)) {
            Clients.createTopic(admin, topic, 2);
            setGroupConfig(admin, group, "share.auto.offset.reset", "earliest");
        }
        Clients.awaitWritable(bootstrap, topic, 2);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            byte[] value = new byte[RECORD_BYTES];
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, null, value));
            }
            producer.flush();
        }
        long expected = count + 2; // awaitWritable's empty record in each partition
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            long start = System.nanoTime();
            long[] done = new long[1];
            List<Future<?>> consumers = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                consumers.add(pool.submit(() -> {
                    try (KafkaShareConsumer<byte[], byte[]> consumer = shareConsumer(bootstrap, group)) {
                        consumer.subscribe(List.of(topic));
                        long deadline = System.nanoTime() + TIMEOUT.toNanos();
                        while (seen.size() < expected && System.nanoTime() < deadline) {
                            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                                seen.add(((long) record.partition() << 40) | record.offset());
                            }
                        }
                        synchronized (done) {
                            if (done[0] == 0 && seen.size() >= expected) {
                                done[0] = System.nanoTime();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> consumer : consumers) {
                consumer.get(TIMEOUT.toMillis() + 30_000, TimeUnit.MILLISECONDS);
            }
            Workloads.require(seen.size() >= expected, "share consumers received " + seen.size() + " of " + expected);
            return count / ((done[0] - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static KafkaShareConsumer<byte[], byte[]> shareConsumer(String bootstrap, String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaShareConsumer<>(props);
    }

    /** New stateful Streams apps on the streams protocol: the first of the JVM, then the median of further ones. */
    static Map<String, Double> streamsJoin(WorkloadContext context) throws Exception {
        double first = streamsJoinMillis(context.bootstrap());
        Samples warm = new Samples();
        for (int i = 0; i < context.intParam("joins"); i++) {
            warm.add(streamsJoinMillis(context.bootstrap()));
        }
        return Map.of("firstStreamsJoinMs", first, "streamsJoinMs", warm.median());
    }

    private static double streamsJoinMillis(String bootstrap) throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "streams-" + id;
        String application = "streams-join-" + id;
        try (Admin admin = Clients.admin(bootstrap)) {
            Clients.createTopic(admin, topic, 2);
            setGroupConfig(admin, application, "streams.initial.rebalance.delay.ms", "0");
        }
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            producer.send(new ProducerRecord<>(topic, "key".getBytes(), new byte[RECORD_BYTES])).get();
        }
        CountDownLatch processed = new CountDownLatch(1);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(topic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .groupByKey()
                .count()
                .toStream()
                .foreach((key, count) -> processed.countDown());
        Path stateDir = Files.createTempDirectory("kafkalite-bench-streams");
        Properties config = new Properties();
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, application);
        config.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        KafkaStreams streams = new KafkaStreams(builder.build(), config);
        try {
            long start = System.nanoTime();
            streams.start();
            Workloads.require(processed.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
                    "the streams application processed nothing within " + TIMEOUT);
            return (System.nanoTime() - start) / 1e6;
        } finally {
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
            streams.cleanUp();
            deleteRecursively(stateDir);
        }
    }

    private static void setGroupConfig(Admin admin, String group, String name, String value) throws Exception {
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group),
                List.of(new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET)))).all().get();
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (var paths = Files.walk(directory)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
