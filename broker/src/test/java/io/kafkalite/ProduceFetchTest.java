package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProduceFetchTest {

    static KafkaLite broker;

    @BeforeAll
    static void start() {
        broker = KafkaLite.builder().topic("orders", 3).start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void idempotentProducerRecordsAreReadBackInOrderPerPartition() throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < 100; i++) {
                RecordMetadata md = producer.send(new ProducerRecord<>("orders", i % 3, "k" + i, "v" + i)).get();
                assertThat(md.offset()).isEqualTo(i / 3);
            }
        }
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
            List<TopicPartition> partitions = IntStream.range(0, 3).mapToObj(p -> new TopicPartition("orders", p)).toList();
            List<ConsumerRecord<String, String>> records = Clients.readAll(consumer, partitions, 100);
            assertThat(records).hasSize(100);
            for (int p = 0; p < 3; p++) {
                int partition = p;
                List<String> values = records.stream().filter(r -> r.partition() == partition).map(ConsumerRecord::value).toList();
                List<String> expected = IntStream.range(0, 100).filter(i -> i % 3 == partition).mapToObj(i -> "v" + i).toList();
                assertThat(values).isEqualTo(expected);
            }
        }
    }
}
