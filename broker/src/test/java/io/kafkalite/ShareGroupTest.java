package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Share groups (KIP-932) with real {@link KafkaShareConsumer}s, on a manual clock so no test waits for a lock timeout. */
class ShareGroupTest {

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    private KafkaLite start(KafkaLite.Builder builder, String topic, int partitions) throws Exception {
        KafkaLite broker = closeLater(builder.manualClock().start());
        Admin admin = closeLater(Clients.admin(broker.bootstrapServers()));
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        return broker;
    }

    static void readFromEarliest(Admin admin, String group) throws Exception {
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), List.of(
                new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET))))
                .all().get();
    }

    static KafkaShareConsumer<String, String> shareConsumer(String bootstrap, String group, Map<String, Object> extra) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.putAll(extra);
        return new KafkaShareConsumer<>(props);
    }

    private static void produce(KafkaLite broker, String topic, int partitions, int count) throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, i % partitions, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    /** Polls until {@code done} holds for what arrived, or 30 s passed. */
    private static List<ConsumerRecord<String, String>> pollUntil(KafkaShareConsumer<String, String> consumer,
                                                                  Predicate<List<ConsumerRecord<String, String>>> done) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.test(records) && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        }
        return records;
    }

    @Test
    void threeConsumersOnTwoPartitionsGetEveryRecordExactlyOnce() throws Exception {
        KafkaLite broker = start(KafkaLite.builder(), "jobs", 2);
        readFromEarliest(closeables.stream().filter(Admin.class::isInstance).map(Admin.class::cast).findFirst()
                .orElseThrow(), "workers");
        int total = 3000;
        produce(broker, "jobs", 2, total);
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        List<String> duplicates = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Integer>> consumers = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                consumers.add(pool.submit(() -> {
                    int mine = 0;
                    try (KafkaShareConsumer<String, String> consumer = shareConsumer(broker.bootstrapServers(),
                            "workers", Map.of())) {
                        consumer.subscribe(List.of("jobs"));
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                        while (seen.size() < total && System.nanoTime() < deadline) {
                            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                                String id = record.partition() + "@" + record.offset();
                                if (seen.put(id, 1) != null) {
                                    duplicates.add(id);
                                }
                                assertThat(record.deliveryCount()).contains((short) 1);
                                mine++;
                            }
                        }
                        consumer.commitSync();
                    }
                    return mine;
                }));
            }
            int sum = 0;
            for (Future<Integer> consumer : consumers) {
                sum += consumer.get(60, TimeUnit.SECONDS);
            }
            assertThat(duplicates).isEmpty();
            assertThat(seen).hasSize(total);
            assertThat(sum).isEqualTo(total);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void releasedAndRejectedRecordsInExplicitMode() throws Exception {
        KafkaLite broker = start(KafkaLite.builder(), "tasks", 1);
        Admin admin = (Admin) closeables.get(1);
        readFromEarliest(admin, "explicit");
        produce(broker, "tasks", 1, 3);
        KafkaShareConsumer<String, String> consumer = closeLater(shareConsumer(broker.bootstrapServers(), "explicit",
                Map.of("share.acknowledgement.mode", "explicit")));
        consumer.subscribe(List.of("tasks"));
        List<ConsumerRecord<String, String>> first = pollUntil(consumer, r -> r.size() >= 3);
        assertThat(first).extracting(ConsumerRecord::value).containsExactly("v0", "v1", "v2");
        consumer.acknowledge(first.get(0), AcknowledgeType.ACCEPT);
        consumer.acknowledge(first.get(1), AcknowledgeType.RELEASE);
        consumer.acknowledge(first.get(2), AcknowledgeType.REJECT);
        consumer.commitSync();

        List<ConsumerRecord<String, String>> again = pollUntil(consumer, r -> !r.isEmpty());
        assertThat(again).extracting(ConsumerRecord::value).containsExactly("v1");
        assertThat(again.get(0).deliveryCount()).contains((short) 2);
        consumer.acknowledge(again.get(0), AcknowledgeType.ACCEPT);
        consumer.commitSync();
        // everything is done: the share-partition start offset moved past all three
        assertThat(admin.listShareGroupOffsets(Map.of("explicit",
                        new org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec())).all().get().get("explicit")
                .get(new org.apache.kafka.common.TopicPartition("tasks", 0)).startOffset()).isEqualTo(3);
    }

    @Test
    void recordsOfAStuckConsumerGoToAnotherAfterTheLockTimeout() throws Exception {
        KafkaLite broker = start(KafkaLite.builder(), "orders", 1);
        readFromEarliest((Admin) closeables.get(1), "stuck");
        produce(broker, "orders", 1, 5);
        KafkaShareConsumer<String, String> stuck = closeLater(shareConsumer(broker.bootstrapServers(), "stuck",
                Map.of("share.acknowledgement.mode", "explicit")));
        stuck.subscribe(List.of("orders"));
        assertThat(pollUntil(stuck, r -> r.size() >= 5)).hasSize(5);
        // the stuck consumer never acknowledges; another one gets nothing while the lock holds
        KafkaShareConsumer<String, String> other = closeLater(shareConsumer(broker.bootstrapServers(), "stuck", Map.of()));
        other.subscribe(List.of("orders"));
        assertThat(other.poll(Duration.ofMillis(500))).isEmpty();

        broker.advanceClock(Duration.ofSeconds(31)); // group.share.record.lock.duration.ms is 30 s
        List<ConsumerRecord<String, String>> redelivered = pollUntil(other, r -> r.size() >= 5);
        assertThat(redelivered).extracting(ConsumerRecord::value).containsExactly("v0", "v1", "v2", "v3", "v4");
        assertThat(redelivered).allSatisfy(r -> assertThat(r.deliveryCount()).contains((short) 2));
    }

    @Test
    void aReadCommittedShareGroupNeverSeesAbortedRecords() throws Exception {
        KafkaLite broker = start(KafkaLite.builder(), "payments", 1);
        Admin admin = (Admin) closeables.get(1);
        readFromEarliest(admin, "committed-only");
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, "committed-only"), List.of(
                new AlterConfigOp(new ConfigEntry("share.isolation.level", "read_committed"), AlterConfigOp.OpType.SET))))
                .all().get();
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(),
                Map.of("transactional.id", "payments-tx"))) {
            producer.initTransactions();
            producer.beginTransaction();
            for (String value : List.of("aborted-1", "aborted-2", "aborted-3")) {
                producer.send(new ProducerRecord<>("payments", 0, null, value));
            }
            producer.abortTransaction();
            producer.beginTransaction();
            for (String value : List.of("paid-1", "paid-2")) {
                producer.send(new ProducerRecord<>("payments", 0, null, value));
            }
            producer.commitTransaction();
        }
        KafkaShareConsumer<String, String> consumer = closeLater(shareConsumer(broker.bootstrapServers(),
                "committed-only", Map.of()));
        consumer.subscribe(List.of("payments"));
        List<ConsumerRecord<String, String>> records = pollUntil(consumer, r -> r.size() >= 2);
        consumer.commitSync();
        assertThat(consumer.poll(Duration.ofMillis(300))).isEmpty();
        assertThat(records).extracting(ConsumerRecord::value).containsExactly("paid-1", "paid-2");
    }

    @Test
    void acknowledgementsSurviveARestart(@TempDir Path dataDir) throws Exception {
        Set<String> acknowledged;
        try (KafkaLite broker = KafkaLite.builder().dataDirectory(dataDir).manualClock().start();
             Admin admin = Clients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("events", 1, (short) 1))).all().get();
            readFromEarliest(admin, "durable");
            produce(broker, "events", 1, 10);
            try (KafkaShareConsumer<String, String> consumer = shareConsumer(broker.bootstrapServers(), "durable",
                    Map.of("share.acknowledgement.mode", "explicit", "max.poll.records", 4))) {
                consumer.subscribe(List.of("events"));
                List<ConsumerRecord<String, String>> records = pollUntil(consumer, r -> r.size() >= 4);
                acknowledged = new java.util.TreeSet<>();
                for (ConsumerRecord<String, String> record : records) {
                    consumer.acknowledge(record, AcknowledgeType.ACCEPT);
                    acknowledged.add(record.value());
                }
                consumer.commitSync();
            }
        }
        try (KafkaLite broker = KafkaLite.builder().dataDirectory(dataDir).manualClock().start()) {
            KafkaShareConsumer<String, String> consumer = closeLater(shareConsumer(broker.bootstrapServers(), "durable",
                    Map.of()));
            consumer.subscribe(List.of("events"));
            List<ConsumerRecord<String, String>> rest = pollUntil(consumer, r -> r.size() >= 10 - acknowledged.size());
            Collection<String> values = rest.stream().map(ConsumerRecord::value).toList();
            assertThat(values).hasSize(10 - acknowledged.size()).doesNotContainAnyElementsOf(acknowledged);
            consumer.close();
            closeables.remove(consumer);
        }
    }
}
