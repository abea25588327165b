package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
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
        broker = KafkaLite.builder().topic("orders", 3).topic("large-requests", 2).start();
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

    /**
     * Requests of 32 KiB and more are read into a buffer the connection reuses: with five requests in flight and
     * acks=0 (answered by no answer, so the next request is read at once), every record must still come back intact.
     */
    @Test
    void largeRequestsPipelinedOnOneConnectionKeepEveryRecordIntact() throws Exception {
        String topic = "large-requests";
        int count = 3_000;
        for (String acks : List.of("all", "0")) {
            List<byte[]> sent = new ArrayList<>();
            Random random = new Random(acks.hashCode());
            try (KafkaProducer<byte[], byte[]> producer = Clients.bytesProducer(broker.bootstrapServers(), Map.of(
                    ProducerConfig.ACKS_CONFIG, acks, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, acks.equals("all"),
                    ProducerConfig.BATCH_SIZE_CONFIG, 48 << 10, ProducerConfig.LINGER_MS_CONFIG, 5))) {
                List<Future<RecordMetadata>> acked = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    byte[] value = new byte[200 + random.nextInt(2000)];
                    random.nextBytes(value);
                    sent.add(value);
                    acked.add(producer.send(new ProducerRecord<>(topic, i % 2, null, value)));
                }
                producer.flush();
                for (Future<RecordMetadata> ack : acked) {
                    ack.get();
                }
            }
            try (KafkaConsumer<byte[], byte[]> consumer = Clients.bytesConsumer(broker.bootstrapServers())) {
                List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
                List<ConsumerRecord<byte[], byte[]>> all = Clients.readAll(consumer, partitions, sent.size() * (acks.equals("all") ? 1 : 2));
                for (int p = 0; p < 2; p++) {
                    int partition = p;
                    List<byte[]> values = all.stream().filter(r -> r.partition() == partition).map(ConsumerRecord::value)
                            .toList();
                    List<byte[]> expected = IntStream.range(0, count).filter(i -> i % 2 == partition).mapToObj(sent::get).toList();
                    // the acks=0 round comes second: its records follow the first round's in each partition
                    assertThat(values.subList(values.size() - expected.size(), values.size()))
                            .as("acks=" + acks + ", partition " + partition).containsExactlyElementsOf(expected);
                }
            }
        }
    }
}
