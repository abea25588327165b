package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OffsetsAndRetentionTest {

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

    private static void createTopic(String name, Map<String, String> configs) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(configs))).all().get();
    }

    /** Sends one record per timestamp, one batch each. */
    private static void produce(String topic, long... timestamps) throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < timestamps.length; i++) {
                producer.send(new ProducerRecord<>(topic, 0, timestamps[i], "k" + i, "v" + i)).get();
            }
        }
    }

    private static ListOffsetsResultInfo offset(String topic, OffsetSpec spec) throws Exception {
        TopicPartition partition = new TopicPartition(topic, 0);
        return admin.listOffsets(Map.of(partition, spec)).all().get().get(partition);
    }

    @Test
    void earliestLatestByTimestampAndMaxTimestamp() throws Exception {
        createTopic("timed", Map.of());
        long now = System.currentTimeMillis();
        produce("timed", now - 5000, now - 3000, now - 4000, now - 1000);
        assertThat(offset("timed", OffsetSpec.earliest()).offset()).isZero();
        assertThat(offset("timed", OffsetSpec.latest()).offset()).isEqualTo(4);
        ListOffsetsResultInfo byTime = offset("timed", OffsetSpec.forTimestamp(now - 3500));
        assertThat(byTime.offset()).isEqualTo(1);
        assertThat(byTime.timestamp()).isEqualTo(now - 3000);
        ListOffsetsResultInfo max = offset("timed", OffsetSpec.maxTimestamp());
        assertThat(max.offset()).isEqualTo(3);
        assertThat(max.timestamp()).isEqualTo(now - 1000);
        assertThat(offset("timed", OffsetSpec.forTimestamp(now + 60_000)).offset()).isEqualTo(-1);

        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
            TopicPartition partition = new TopicPartition("timed", 0);
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(Map.of(partition, now - 4500));
            assertThat(found.get(partition).offset()).isEqualTo(1);
            assertThat(consumer.endOffsets(List.of(partition)).get(partition)).isEqualTo(4);
        }
    }

    @Test
    void logAppendTimeTopicsStampRecordsWithTheBrokersClock() throws Exception {
        createTopic("stamped", Map.of("message.timestamp.type", "LogAppendTime"));
        long before = System.currentTimeMillis();
        produce("stamped", 1000L);
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
            ConsumerRecord<String, String> record =
                    Clients.readAll(consumer, List.of(new TopicPartition("stamped", 0)), 1).get(0);
            assertThat(record.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
            assertThat(record.timestamp()).isGreaterThanOrEqualTo(before);
        }
    }

    @Test
    void aTimestampFarInTheFutureIsRejected() throws Exception {
        createTopic("future", Map.of());
        assertThatThrownBy(() -> produce("future", System.currentTimeMillis() + Duration.ofDays(2).toMillis()))
                .hasCauseInstanceOf(InvalidTimestampException.class);
    }

    @Test
    void deleteRecordsMovesTheLowWatermark() throws Exception {
        createTopic("trimmed", Map.of());
        long now = System.currentTimeMillis();
        produce("trimmed", now, now, now, now, now);
        TopicPartition partition = new TopicPartition("trimmed", 0);
        assertThat(admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(3))).lowWatermarks()
                .get(partition).get().lowWatermark()).isEqualTo(3);
        assertThat(offset("trimmed", OffsetSpec.earliest()).offset()).isEqualTo(3);
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
            List<ConsumerRecord<String, String>> records = Clients.readAll(consumer, List.of(partition), 2);
            assertThat(records).extracting(ConsumerRecord::offset).containsExactly(3L, 4L);
        }
        assertThatThrownBy(() -> admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(99))).all().get())
                .hasCauseInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void retentionByTimeAndBySizeMovesTheLogStartOffset() throws Exception {
        long now = System.currentTimeMillis();
        createTopic("expiring", Map.of("retention.ms", "60000"));
        produce("expiring", now - 600_000, now - 300_000, now);
        createTopic("bounded", Map.of("retention.bytes", "1"));
        produce("bounded", now, now, now);

        assertThat(awaitLogStart("expiring", 2)).isEqualTo(2);
        assertThat(awaitLogStart("bounded", 2)).isEqualTo(2);
    }

    private static long awaitLogStart(String topic, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long start = offset(topic, OffsetSpec.earliest()).offset();
        while (start < expected && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            start = offset(topic, OffsetSpec.earliest()).offset();
        }
        return start;
    }
}
