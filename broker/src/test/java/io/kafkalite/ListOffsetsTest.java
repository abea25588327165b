package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ListOffsets through Admin and consumers, and how the broker treats record timestamps. */
class ListOffsetsTest {

    /** Records get explicit timestamps ten minutes in the past, so lookups do not depend on the clock. */
    private static final long BASE = System.currentTimeMillis() - Duration.ofMinutes(10).toMillis();

    static KafkaLite broker;
    static Admin admin;

    @BeforeAll
    static void start() {
        broker = KafkaLite.builder().start();
        admin = Clients.admin(broker.bootstrapServers());
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    /** Creates a one-partition topic holding one record per timestamp offset from BASE, one batch each. */
    private static TopicPartition topicWithTimestamps(String name, long... offsetsFromBase) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
        TopicPartition tp = new TopicPartition(name, 0);
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < offsetsFromBase.length; i++) {
                producer.send(new ProducerRecord<>(name, 0, BASE + offsetsFromBase[i], "k" + i, "v" + i)).get();
            }
        }
        return tp;
    }

    private static ListOffsetsResultInfo list(TopicPartition tp, OffsetSpec spec) throws Exception {
        return admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).get();
    }

    @Test
    void adminListsEarliestLatestAndOffsetsByTimestamp() throws Exception {
        TopicPartition tp = topicWithTimestamps("admin-offsets", 0, 1000, 2000, 3000, 4000);

        assertThat(list(tp, OffsetSpec.earliest()).offset()).isZero();
        assertThat(list(tp, OffsetSpec.latest()).offset()).isEqualTo(5);
        ListOffsetsResultInfo exact = list(tp, OffsetSpec.forTimestamp(BASE + 2000));
        assertThat(exact.offset()).isEqualTo(2);
        assertThat(exact.timestamp()).isEqualTo(BASE + 2000);
        ListOffsetsResultInfo between = list(tp, OffsetSpec.forTimestamp(BASE + 2500));
        assertThat(between.offset()).isEqualTo(3);
        assertThat(between.timestamp()).isEqualTo(BASE + 3000);
        assertThat(list(tp, OffsetSpec.forTimestamp(BASE - 60_000)).offset()).isZero();
        assertThat(list(tp, OffsetSpec.forTimestamp(BASE + 5000)).offset()).isEqualTo(-1);
    }

    @Test
    void maxTimestampFindsTheRecordWithTheLargestTimestampEvenIfNotTheLast() throws Exception {
        TopicPartition tp = topicWithTimestamps("max-timestamp", 0, 9000, 2000, 9000, 4000);

        ListOffsetsResultInfo max = list(tp, OffsetSpec.maxTimestamp());

        assertThat(max.offset()).isEqualTo(1);
        assertThat(max.timestamp()).isEqualTo(BASE + 9000);
    }

    @Test
    void maxTimestampLooksInsideBatches() throws Exception {
        admin.createTopics(List.of(new NewTopic("max-in-batch", 1, (short) 1))).all().get();
        TopicPartition tp = new TopicPartition("max-in-batch", 0);
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(),
                Map.of("linger.ms", 60_000, "batch.size", 1 << 20))) {
            long[] timestamps = {0, 7000, 3000};
            for (long t : timestamps) {
                producer.send(new ProducerRecord<>("max-in-batch", 0, BASE + t, null, "v"));
            }
            producer.flush();
        }

        ListOffsetsResultInfo max = list(tp, OffsetSpec.maxTimestamp());

        assertThat(max.offset()).isEqualTo(1);
        assertThat(max.timestamp()).isEqualTo(BASE + 7000);
        assertThat(list(tp, OffsetSpec.forTimestamp(BASE + 1000)).offset()).isEqualTo(1);
    }

    @Test
    void emptyPartitionHasEqualEarliestAndLatestAndNoTimestampMatch() throws Exception {
        admin.createTopics(List.of(new NewTopic("empty-offsets", 2, (short) 1))).all().get();
        TopicPartition tp = new TopicPartition("empty-offsets", 1);

        assertThat(list(tp, OffsetSpec.earliest()).offset()).isZero();
        assertThat(list(tp, OffsetSpec.latest()).offset()).isZero();
        assertThat(list(tp, OffsetSpec.maxTimestamp()).offset()).isEqualTo(-1);
        assertThat(list(tp, OffsetSpec.forTimestamp(0)).offset()).isEqualTo(-1);
    }

    @Test
    void consumerSeesTheSameOffsets() throws Exception {
        TopicPartition tp = topicWithTimestamps("consumer-offsets", 0, 1000, 2000);
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
            assertThat(consumer.beginningOffsets(List.of(tp))).containsEntry(tp, 0L);
            assertThat(consumer.endOffsets(List.of(tp))).containsEntry(tp, 3L);

            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(Map.of(tp, BASE + 500));
            assertThat(found.get(tp).offset()).isEqualTo(1);
            assertThat(found.get(tp).timestamp()).isEqualTo(BASE + 1000);
            assertThat(consumer.offsetsForTimes(Map.of(tp, BASE + 10_000)).get(tp)).isNull();

            consumer.assign(List.of(tp));
            consumer.seek(tp, found.get(tp).offset());
            List<ConsumerRecord<String, String>> records = Clients.poll(consumer, 2);
            assertThat(records).extracting(ConsumerRecord::offset).containsExactly(1L, 2L);
            assertThat(records).extracting(ConsumerRecord::timestamp).containsExactly(BASE + 1000, BASE + 2000);
            assertThat(records).extracting(ConsumerRecord::timestampType).containsOnly(TimestampType.CREATE_TIME);
        }
    }

    @Test
    void logAppendTimeTopicsStampRecordsWithTheBrokerClock() throws Exception {
        admin.createTopics(List.of(new NewTopic("append-time", 1, (short) 1)
                .configs(Map.of("message.timestamp.type", "LogAppendTime")))).all().get();
        TopicPartition tp = new TopicPartition("append-time", 0);
        long before = System.currentTimeMillis();
        RecordMetadata written;
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            written = producer.send(new ProducerRecord<>("append-time", 0, 1_000L, "k", "v")).get();
        }
        long after = System.currentTimeMillis();

        assertThat(written.timestamp()).isBetween(before, after);
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
            ConsumerRecord<String, String> record = Clients.readAll(consumer, List.of(tp), 1).get(0);
            assertThat(record.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
            assertThat(record.timestamp()).isEqualTo(written.timestamp());
        }
        ListOffsetsResultInfo max = list(tp, OffsetSpec.maxTimestamp());
        assertThat(max.timestamp()).isEqualTo(written.timestamp());
        assertThat(list(tp, OffsetSpec.forTimestamp(before)).offset()).isZero();
    }

    @Test
    void createTimeMoreThanAnHourInTheFutureIsRejected() throws Exception {
        admin.createTopics(List.of(new NewTopic("future", 1, (short) 1))).all().get();
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            long farFuture = System.currentTimeMillis() + Duration.ofHours(2).toMillis();
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("future", 0, farFuture, "k", "v")).get())
                    .hasCauseInstanceOf(InvalidTimestampException.class);

            long nearFuture = System.currentTimeMillis() + Duration.ofMinutes(10).toMillis();
            RecordMetadata accepted = producer.send(new ProducerRecord<>("future", 0, nearFuture, "k", "v")).get();
            assertThat(accepted.offset()).isZero();
            assertThat(accepted.timestamp()).isEqualTo(nearFuture);
        }
    }
}
