package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker restarted on the same data directory keeps every acknowledged record, topic and config. */
class RestartTest {

    @TempDir
    Path dataDirectory;

    private KafkaLite start() {
        return KafkaLite.builder().dataDirectory(dataDirectory).start();
    }

    @Test
    void topicsIdsConfigsRecordsAndLogStartOffsetsSurviveARestart() throws Exception {
        Uuid ordersId;
        try (KafkaLite broker = start(); Admin admin = Clients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(
                    new NewTopic("orders", 2, (short) 1).configs(Map.of("retention.ms", "86400000")),
                    new NewTopic("doomed", 1, (short) 1))).all().get();
            admin.createPartitions(Map.of("orders", NewPartitions.increaseTo(3))).all().get();
            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
                for (int i = 0; i < 30; i++) {
                    producer.send(new ProducerRecord<>("orders", i % 3, "k" + i, "v" + i));
                }
                producer.flush();
            }
            admin.deleteRecords(Map.of(new TopicPartition("orders", 0), RecordsToDelete.beforeOffset(4))).all().get();
            admin.deleteTopics(List.of("doomed")).all().get();
            ordersId = admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders").topicId();
        }

        try (KafkaLite broker = start(); Admin admin = Clients.admin(broker.bootstrapServers())) {
            assertThat(admin.listTopics().names().get()).containsExactly("orders");
            assertThat(admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders").topicId()).isEqualTo(ordersId);
            assertThat(admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders").partitions()).hasSize(3);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "orders");
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get("retention.ms").value()).isEqualTo("86400000");

            List<TopicPartition> partitions = List.of(new TopicPartition("orders", 0), new TopicPartition("orders", 1),
                    new TopicPartition("orders", 2));
            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
                List<ConsumerRecord<String, String>> records = Clients.readAll(consumer, partitions, 26);
                assertThat(records).hasSize(26);
                assertThat(records.stream().filter(r -> r.partition() == 0).map(ConsumerRecord::offset))
                        .containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
                assertThat(records.stream().filter(r -> r.partition() == 1).map(ConsumerRecord::value).toList())
                        .startsWith("v1", "v4").endsWith("v28");
            }
            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
                assertThat(producer.send(new ProducerRecord<>("orders", 1, "k", "after restart")).get().offset()).isEqualTo(10);
            }
        }
    }
}
