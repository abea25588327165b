package io.kafkalite.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@KafkaLiteTest(topics = "readings:2")
class ReadHelpersTest {

    @BeforeEach
    void writeThreeReadings(Producer<String, Long> producer) throws Exception {
        for (long i = 1; i <= 3; i++) {
            producer.send(new ProducerRecord<>("readings", (int) (i % 2), "sensor-" + i, i * 10)).get();
        }
    }

    @Test
    void deserializerOverloadsReadWithTheCallersDeserializersAndLeaveThemOpen(KafkaCluster kafka) {
        AtomicInteger closes = new AtomicInteger();
        StringDeserializer keys = new StringDeserializer() {
            @Override
            public void close() {
                closes.incrementAndGet();
            }
        };
        LongDeserializer values = new LongDeserializer() {
            @Override
            public void close() {
                closes.incrementAndGet();
            }
        };

        List<ConsumerRecord<String, Long>> all = kafka.readAll("readings", keys, values);
        assertThat(all).extracting(ConsumerRecord::value).containsExactlyInAnyOrder(10L, 20L, 30L);
        assertThat(kafka.awaitRecords("readings", 3, Duration.ofSeconds(30), keys, values)).hasSize(3);
        ConsumerRecord<String, Long> match = kafka.awaitRecord("readings", r -> r.value() == 20L,
                Duration.ofSeconds(30), keys, values);
        assertThat(match.key()).isEqualTo("sensor-2");
        assertThat(closes.get()).as("closes of the caller's deserializers").isZero();
    }

    @Test
    void readAllFailsRatherThanReturnAPartialResult(KafkaCluster kafka) {
        ClusterResource cluster = (ClusterResource) kafka;
        assertThatThrownBy(() -> cluster.readAll("readings", new StringDeserializer(), new LongDeserializer(),
                Duration.ZERO))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("readAll('readings') could not read to the end within PT0S")
                .hasMessageMatching("(?s).*partition \\d at offset \\d+ of \\d+.*");
    }

    @Test
    void readAllNamesATopicThatDoesNotExist(KafkaCluster kafka) {
        assertThatThrownBy(() -> kafka.readAll("no-such-topic")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Topic 'no-such-topic' does not exist");
    }
}
