package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Retention on a broker whose clock the test moves: no waiting for the retention check, and a compact-only
 * topic is never cut by retention.ms, whatever its records' age.
 */
class ManualClockRetentionTest {

    private static long earliest(Admin admin, TopicPartition tp) throws Exception {
        return admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset();
    }

    private static void write(KafkaLite broker, String topic, int count) throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k" + i, "v" + i)).get();
            }
        }
    }

    @Test
    void advancingTheClockPastRetentionMsDropsRecordsAtOnceButSparesCompactedTopics() throws Exception {
        try (KafkaLite broker = KafkaLite.builder().manualClock().start();
             Admin admin = Clients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(
                    new NewTopic("deleted-by-age", 1, (short) 1).configs(Map.of("retention.ms", "60000")),
                    new NewTopic("compacted", 1, (short) 1).configs(Map.of("retention.ms", "60000",
                            "cleanup.policy", "compact")))).all().get();
            write(broker, "deleted-by-age", 3);
            write(broker, "compacted", 3);
            TopicPartition deleted = new TopicPartition("deleted-by-age", 0);
            TopicPartition compacted = new TopicPartition("compacted", 0);

            broker.advanceClock(Duration.ofSeconds(30));
            assertThat(earliest(admin, deleted)).isZero();

            broker.advanceClock(Duration.ofMinutes(2));
            assertThat(earliest(admin, deleted)).isEqualTo(3);
            assertThat(earliest(admin, compacted)).isZero();
        }
    }

    @Test
    void aBrokerOnTheSystemClockRefusesToBeAdvanced() {
        try (KafkaLite broker = KafkaLite.start()) {
            assertThatThrownBy(() -> broker.advanceClock(Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("manualClock()");
        }
    }
}
