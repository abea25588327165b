package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A disk without room: producers are told KAFKA_STORAGE_ERROR, everything else keeps working, nothing is lost. */
class StorageFaultTest {

    private static final TopicPartition EVENTS_0 = new TopicPartition("events", 0);

    @TempDir
    Path dataDirectory;

    private static Map<String, Object> noRetries() {
        return Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.RETRIES_CONFIG, 0,
                ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
    }

    @Test
    void aFullDiskRefusesProducesWithAStorageErrorWhileReadsCommitsAndAdminGoOn() throws Exception {
        try (KafkaLite broker = KafkaLite.builder().dataDirectory(dataDirectory).topic("events", 2).start();
             KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("events", 0, "k" + i, "v" + i)).get();
            }
        }

        // a free-space reserve larger than any disk: every append finds the disk full
        try (KafkaLite broker = KafkaLite.builder().dataDirectory(dataDirectory)
                .brokerConfig("kafkalite.log.min.free.bytes", String.valueOf(Long.MAX_VALUE / 4)).start();
             KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), noRetries());
             KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(),
                     Map.of("group.id", "readers"));
             Admin admin = Clients.admin(broker.bootstrapServers())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("events", 1, "k", "refused")).get())
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(KafkaStorageException.class)
                    .hasMessageContaining("is full")
                    .hasMessageContaining("kafkalite.log.min.free.bytes");

            List<ConsumerRecord<String, String>> records = Clients.readAll(consumer, List.of(EVENTS_0), 10);
            assertThat(records).extracting(ConsumerRecord::value).containsExactly(
                    "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
            consumer.commitSync(Map.of(EVENTS_0, new OffsetAndMetadata(10)));
            admin.createTopics(List.of(new NewTopic("created-meanwhile", 1, (short) 1))).all().get();
        }

        try (KafkaLite broker = KafkaLite.builder().dataDirectory(dataDirectory).start();
             KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of());
             KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(),
                     Map.of("group.id", "readers"));
             Admin admin = Clients.admin(broker.bootstrapServers())) {
            assertThat(producer.send(new ProducerRecord<>("events", 0, "k", "after")).get().offset()).isEqualTo(10);
            assertThat(consumer.committed(java.util.Set.of(EVENTS_0)).get(EVENTS_0).offset()).isEqualTo(10);
            assertThat(admin.listTopics().names().get()).contains("created-meanwhile");
            assertThat(Clients.readAll(consumer, List.of(EVENTS_0), 11)).extracting(ConsumerRecord::value)
                    .endsWith("v9", "after");
        }
    }
}
