package io.kafkalite.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kafkalite.KafkaLite;
import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GroupAndAdminTest {

    static KafkaLite broker;

    @BeforeAll
    static void start() {
        broker = KafkaLite.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    @Test
    void adminCreatesDescribesAndDeletesATopic() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("managed", 3, (short) 1)
                    .configs(Map.of("retention.ms", "3600000")))).all().get();
            assertThat(admin.listTopics().names().get()).contains("managed");
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "managed");
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get("retention.ms").value()).isEqualTo("3600000");
            try (KafkaConsumer<byte[], byte[]> consumer = Clients.bytesConsumer(broker.bootstrapServers(), Map.of())) {
                assertThat(consumer.partitionsFor("managed")).hasSize(3);
            }
            admin.deleteTopics(List.of("managed")).all().get();
            assertThat(admin.listTopics().names().get()).doesNotContain("managed");
        }
    }

    @Test
    void aGroupConsumerResumesFromTheCommittedOffset() throws Exception {
        String topic = "group-input";
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
        try (KafkaProducer<byte[], byte[]> producer = Clients.bytesProducer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < 40; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, null, ("r" + i).getBytes()));
            }
            producer.flush();
        }
        Map<String, Object> group = Map.of(ConsumerConfig.GROUP_ID_CONFIG, "compat-group");
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.bytesConsumer(broker.bootstrapServers(), group)) {
            consumer.subscribe(Collections.singletonList(topic));
            assertThat(Clients.poll(consumer, 40)).hasSize(40);
            consumer.commitSync();
        }
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets("compat-group").partitionsToOffsetAndMetadata().get();
            assertThat(committed.get(new TopicPartition(topic, 0)).offset()).isEqualTo(20);
            assertThat(committed.get(new TopicPartition(topic, 1)).offset()).isEqualTo(20);
        }
        try (KafkaProducer<byte[], byte[]> producer = Clients.bytesProducer(broker.bootstrapServers(), Map.of())) {
            producer.send(new ProducerRecord<>(topic, 0, null, "after".getBytes())).get();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.bytesConsumer(broker.bootstrapServers(), group)) {
            consumer.subscribe(Collections.singletonList(topic));
            List<ConsumerRecord<byte[], byte[]>> resumed = Clients.poll(consumer, 1);
            assertThat(resumed).hasSize(1);
            assertThat(new String(resumed.get(0).value())).isEqualTo("after");
            assertThat(resumed.get(0).offset()).isEqualTo(20);
        }
        try (Admin admin = admin()) {
            assertThat(admin.listConsumerGroups().all().get()).extracting(g -> g.groupId()).contains("compat-group");
            Set<String> names = Set.of("compat-group");
            admin.deleteConsumerGroups(names).all().get();
        }
    }
}
