package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compacted topics through real clients: latest record per key at its offset, tombstones, keys required. */
class CompactionTest {

    @TempDir
    Path dataDirectory;

    private static void createTopic(KafkaLite broker, String name, Map<String, String> configs) throws Exception {
        try (Admin admin = Clients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(configs))).all().get();
        }
    }

    /** Sends each record and waits for it, so each is a batch of its own; a null value is a tombstone. */
    private static void sendEach(KafkaLite broker, String topic, String... keysAndValues) throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < keysAndValues.length; i += 2) {
                producer.send(new ProducerRecord<>(topic, 0, keysAndValues[i], keysAndValues[i + 1])).get();
            }
        }
    }

    /** Everything in partition 0 from its start to its end; the consumer's last long poll is not waited for. */
    private static List<ConsumerRecord<String, String>> readAll(KafkaLite broker, String topic) {
        TopicPartition tp = new TopicPartition(topic, 0);
        KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of());
        try {
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<ConsumerRecord<String, String>> records = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            return records;
        } finally {
            consumer.close(Duration.ZERO);
        }
    }

    @Test
    void cleaningKeepsTheLatestRecordOfEachKeyAtItsOffset() throws Exception {
        try (KafkaLite broker = KafkaLite.builder().start()) {
            createTopic(broker, "prices", Map.of("cleanup.policy", "compact"));
            sendEach(broker, "prices", "apple", "1", "pear", "2", "apple", "3", "plum", "4", "pear", "5");

            assertThat(broker.cleanLogs()).isEqualTo(1);

            assertThat(readAll(broker, "prices")).extracting(ConsumerRecord::offset, ConsumerRecord::key, ConsumerRecord::value)
                    .containsExactly(tuple(2L, "apple", "3"), tuple(3L, "plum", "4"), tuple(4L, "pear", "5"));
            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
                TopicPartition tp = new TopicPartition("prices", 0);
                assertThat(consumer.beginningOffsets(List.of(tp))).containsEntry(tp, 0L);
                assertThat(consumer.endOffsets(List.of(tp))).containsEntry(tp, 5L);
            }
        }
    }

    @Test
    void recordsSentTogetherAreCleanedInsideTheirBatch() throws Exception {
        try (KafkaLite broker = KafkaLite.builder().start()) {
            createTopic(broker, "batched", Map.of("cleanup.policy", "compact"));
            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(),
                    Map.of(ProducerConfig.LINGER_MS_CONFIG, 1000, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"))) {
                for (int i = 0; i < 100; i++) {
                    producer.send(new ProducerRecord<>("batched", 0, "key-" + (i % 10), "value-" + i));
                }
                producer.flush();
            }
            sendEach(broker, "batched", "key-0", "last");

            broker.cleanLogs();

            List<ConsumerRecord<String, String>> records = readAll(broker, "batched");
            assertThat(records).hasSize(10);
            assertThat(records).extracting(ConsumerRecord::key).doesNotHaveDuplicates();
            assertThat(records.get(records.size() - 1)).extracting(ConsumerRecord::offset, ConsumerRecord::value)
                    .containsExactly(100L, "last");
            assertThat(records).filteredOn(r -> r.key().equals("key-9")).extracting(ConsumerRecord::value)
                    .containsExactly("value-99");
        }
    }

    @Test
    void aTombstoneStaysForDeleteRetentionMsAfterTheCleaningThatKeptItThenGoes() throws Exception {
        try (KafkaLite broker = KafkaLite.builder().manualClock().start()) {
            createTopic(broker, "users", Map.of("cleanup.policy", "compact", "delete.retention.ms", "60000"));
            sendEach(broker, "users", "ann", "admin", "bob", "guest", "ann", null);

            broker.cleanLogs();
            assertThat(readAll(broker, "users")).extracting(ConsumerRecord::key, ConsumerRecord::value)
                    .containsExactly(tuple("bob", "guest"), tuple("ann", null));

            broker.advanceClock(Duration.ofSeconds(59));
            broker.cleanLogs();
            assertThat(readAll(broker, "users")).extracting(ConsumerRecord::key).containsExactly("bob", "ann");

            broker.advanceClock(Duration.ofSeconds(2));
            broker.cleanLogs();
            assertThat(readAll(broker, "users")).extracting(ConsumerRecord::key).containsExactly("bob");
        }
    }

    @Test
    void aCompactedTopicRefusesRecordsWithoutAKey() throws Exception {
        try (KafkaLite broker = KafkaLite.builder().start()) {
            createTopic(broker, "keyed", Map.of("cleanup.policy", "compact"));
            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(),
                    Map.of(ProducerConfig.RETRIES_CONFIG, 0))) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>("keyed", 0, null, "anonymous")).get())
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(InvalidRecordException.class)
                        .hasMessageContaining("Compacted topic cannot accept message without key");
                assertThat(producer.send(new ProducerRecord<>("keyed", 0, "k", "named")).get().offset()).isZero();
            }
        }
    }

    @Test
    void minCompactionLagKeepsYoungRecordsUncleaned() throws Exception {
        try (KafkaLite broker = KafkaLite.builder().manualClock().start()) {
            createTopic(broker, "lagging", Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "3600000"));
            sendEach(broker, "lagging", "k", "1", "k", "2");

            assertThat(broker.cleanLogs()).isZero();
            assertThat(readAll(broker, "lagging")).extracting(ConsumerRecord::value).containsExactly("1", "2");
        }
    }

    @Test
    void theBackgroundCleanerCompactsOnceSegmentsRollAndTheLogIsDirtyEnough() throws Exception {
        try (KafkaLite broker = KafkaLite.builder().brokerConfig("log.cleaner.backoff.ms", "20").start()) {
            createTopic(broker, "rolling", Map.of("cleanup.policy", "compact", "segment.ms", "1",
                    "min.cleanable.dirty.ratio", "0.01"));
            sendEach(broker, "rolling", "k", "1", "k", "2", "k", "3");
            Thread.sleep(5); // the next record rolls the segment: everything before it may be cleaned

            sendEach(broker, "rolling", "other", "4");

            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            List<ConsumerRecord<String, String>> records = readAll(broker, "rolling");
            while (records.size() > 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
                records = readAll(broker, "rolling");
            }
            assertThat(records).extracting(ConsumerRecord::value).containsExactly("3", "4");
        }
    }

    @Test
    void aCompactOnlyTopicKeepsOldRecordsAndACompactDeleteTopicAlsoExpiresThem() throws Exception {
        long dayAgo = System.currentTimeMillis() - Duration.ofDays(1).toMillis();
        try (KafkaLite broker = KafkaLite.builder().start()) {
            createTopic(broker, "forever", Map.of("cleanup.policy", "compact", "retention.ms", "1000"));
            createTopic(broker, "expiring", Map.of("cleanup.policy", "compact,delete", "retention.ms", "1000"));
            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
                producer.send(new ProducerRecord<>("forever", 0, dayAgo, "k", "old")).get();
                producer.send(new ProducerRecord<>("expiring", 0, dayAgo, "k", "old")).get();
                producer.send(new ProducerRecord<>("expiring", 0, System.currentTimeMillis(), "j", "new")).get();
            }

            broker.cleanLogs();

            assertThat(readAll(broker, "forever")).extracting(ConsumerRecord::value).containsExactly("old");
            assertThat(readAll(broker, "expiring")).extracting(ConsumerRecord::value).containsExactly("new");
        }
    }

    @Test
    void aCompactedLogStaysCompactedAcrossARestartAndKeepsNumbering() throws Exception {
        try (KafkaLite broker = KafkaLite.builder().dataDirectory(dataDirectory).start()) {
            createTopic(broker, "state", Map.of("cleanup.policy", "compact"));
            sendEach(broker, "state", "a", "1", "a", "2", "b", "3");
            broker.cleanLogs();
        }
        try (KafkaLite broker = KafkaLite.builder().dataDirectory(dataDirectory).start()) {
            assertThat(readAll(broker, "state")).extracting(ConsumerRecord::offset, ConsumerRecord::value)
                    .containsExactly(tuple(1L, "2"), tuple(2L, "3"));
            sendEach(broker, "state", "b", "4");
            broker.cleanLogs();
            assertThat(readAll(broker, "state")).extracting(ConsumerRecord::offset, ConsumerRecord::value)
                    .containsExactly(tuple(1L, "2"), tuple(3L, "4"));
        }
    }
}
