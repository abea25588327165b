package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DeleteRecords and retention move the log start offset; consumers and ListOffsets follow it. */
class DeleteRecordsAndRetentionTest {

    private static final long DAY_AGO = System.currentTimeMillis() - Duration.ofDays(1).toMillis();

    static KafkaLite broker;
    static Admin admin;

    @BeforeAll
    static void start() {
        broker = KafkaLite.builder().brokerConfig("log.retention.check.interval.ms", "50").start();
        admin = Clients.admin(broker.bootstrapServers());
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    /** Creates a one-partition topic and writes one batch per timestamp, values v0, v1, ... */
    private static TopicPartition topic(String name, Map<String, String> configs, long... timestamps) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(configs))).all().get();
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < timestamps.length; i++) {
                producer.send(new ProducerRecord<>(name, 0, timestamps[i], "k" + i, "v" + i)).get();
            }
        }
        return new TopicPartition(name, 0);
    }

    private static long[] timestamps(int count, long timestamp) {
        long[] timestamps = new long[count];
        Arrays.fill(timestamps, timestamp);
        return timestamps;
    }

    private static long earliest(TopicPartition tp) throws Exception {
        return admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset();
    }

    /** Polls the log start offset until it reaches {@code expected} (retention runs on its own schedule). */
    private static void awaitLogStartOffset(TopicPartition tp, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        long current = earliest(tp);
        while (current != expected && System.nanoTime() < deadline) {
            current = earliest(tp);
        }
        assertThat(current).as("log start offset of %s", tp).isEqualTo(expected);
    }

    @Test
    void deleteRecordsMovesTheLowWatermarkAndConsumersStartThere() throws Exception {
        TopicPartition tp = topic("trimmed", Map.of(), timestamps(10, System.currentTimeMillis()));

        long lowWatermark = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(4)))
                .lowWatermarks().get(tp).get().lowWatermark();

        assertThat(lowWatermark).isEqualTo(4);
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
            assertThat(consumer.beginningOffsets(List.of(tp))).containsEntry(tp, 4L);
            assertThat(consumer.endOffsets(List.of(tp))).containsEntry(tp, 10L);
            List<ConsumerRecord<String, String>> records = Clients.readAll(consumer, List.of(tp), 6);
            assertThat(records).extracting(ConsumerRecord::offset).containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
            assertThat(records.get(0).value()).isEqualTo("v4");
        }
    }

    @Test
    void deleteRecordsNeverMovesTheLowWatermarkBack() throws Exception {
        TopicPartition tp = topic("trimmed-twice", Map.of(), timestamps(5, System.currentTimeMillis()));
        admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(3))).all().get();

        long lowWatermark = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(1)))
                .lowWatermarks().get(tp).get().lowWatermark();

        assertThat(lowWatermark).isEqualTo(3);
        assertThat(earliest(tp)).isEqualTo(3);
    }

    @Test
    void deleteRecordsUpToTheHighWatermarkEmptiesThePartitionButKeepsOffsets() throws Exception {
        TopicPartition tp = topic("emptied", Map.of(), timestamps(3, System.currentTimeMillis()));

        admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(3))).all().get();

        assertThat(earliest(tp)).isEqualTo(3);
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of());
             KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
            assertThat(producer.send(new ProducerRecord<>("emptied", 0, null, "after")).get().offset()).isEqualTo(3);
            assertThat(Clients.readAll(consumer, List.of(tp), 1)).extracting(ConsumerRecord::value).containsExactly("after");
        }
    }

    @Test
    void deleteRecordsBeyondTheHighWatermarkFails() throws Exception {
        TopicPartition tp = topic("overshoot", Map.of(), timestamps(3, System.currentTimeMillis()));

        assertThatThrownBy(() -> admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(4))).all().get())
                .hasCauseInstanceOf(org.apache.kafka.common.errors.OffsetOutOfRangeException.class);
        assertThat(earliest(tp)).isZero();
    }

    @Test
    void consumerPositionedBelowTheLowWatermarkIsResetOrToldItIsOutOfRange() throws Exception {
        TopicPartition tp = topic("below-start", Map.of(), timestamps(6, System.currentTimeMillis()));
        admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(2))).all().get();

        try (KafkaConsumer<String, String> resetting = Clients.consumer(broker.bootstrapServers(), Map.of())) {
            resetting.assign(List.of(tp));
            resetting.seek(tp, 0);
            assertThat(Clients.poll(resetting, 4)).extracting(ConsumerRecord::offset).containsExactly(2L, 3L, 4L, 5L);
        }
        try (KafkaConsumer<String, String> strict = Clients.consumer(broker.bootstrapServers(),
                Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"))) {
            strict.assign(List.of(tp));
            strict.seek(tp, 0);
            assertThatThrownBy(() -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < deadline) {
                    strict.poll(Duration.ofMillis(100));
                }
            }).isInstanceOf(OffsetOutOfRangeException.class);
        }
    }

    @Test
    void timeRetentionDropsRecordsWhoseTimestampIsOlderThanRetentionMs() throws Exception {
        long now = System.currentTimeMillis();
        TopicPartition tp = topic("time-retained", Map.of("retention.ms", "600000"),
                DAY_AGO, DAY_AGO + 1, DAY_AGO + 2, now, now);

        awaitLogStartOffset(tp, 3);

        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
            assertThat(Clients.readAll(consumer, List.of(tp), 2)).extracting(ConsumerRecord::value)
                    .containsExactly("v3", "v4");
        }
    }

    @Test
    void loweringRetentionMsOnALiveTopicAppliesIt() throws Exception {
        TopicPartition tp = topic("retention-lowered", Map.of(), DAY_AGO, DAY_AGO, System.currentTimeMillis());
        assertThat(earliest(tp)).isZero();

        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, "retention-lowered"),
                List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "600000"), AlterConfigOp.OpType.SET))))
                .all().get();

        awaitLogStartOffset(tp, 2);
    }

    @Test
    void sizeRetentionKeepsOnlyTheNewestBatchesWithinRetentionBytes() throws Exception {
        TopicPartition tp = topic("size-retained", Map.of("retention.bytes", "1"),
                timestamps(5, System.currentTimeMillis()));

        awaitLogStartOffset(tp, 4);

        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
            assertThat(consumer.endOffsets(List.of(tp))).containsEntry(tp, 5L);
            assertThat(Clients.readAll(consumer, List.of(tp), 1)).extracting(ConsumerRecord::value).containsExactly("v4");
        }
    }
}
