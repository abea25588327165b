package io.kafkalite.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import io.kafkalite.KafkaLite;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@KafkaLiteTest(topics = {"orders:3", "audit:1:cleanup.policy=compact,retention.ms=60000"})
class KafkaLiteTestAnnotationTest {

    private final KafkaCluster kafka;

    KafkaLiteTestAnnotationTest(KafkaCluster kafka) {
        this.kafka = kafka;
    }

    @Test
    void declaredTopicsExistWithTheirPartitionsAndConfigs(Admin admin) throws Exception {
        assertThat(admin.listTopics().names().get()).contains("orders", "audit");
        assertThat(admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders").partitions()).hasSize(3);
        ConfigResource audit = new ConfigResource(ConfigResource.Type.TOPIC, "audit");
        Config config = admin.describeConfigs(List.of(audit)).all().get().get(audit);
        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(config.get("retention.ms").value()).isEqualTo("60000");
    }

    @Test
    void injectedProducerAndConsumerUseTheDeclaredTypes(Producer<String, String> producer,
                                                       Consumer<String, String> consumer) throws Exception {
        producer.send(new ProducerRecord<>("orders", "order-1", "42 EUR")).get();
        consumer.subscribe(List.of("orders"));
        ConsumerRecord<String, String> received = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (received == null && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                received = record;
            }
        }
        assertThat(received).isNotNull();
        assertThat(received.key()).isEqualTo("order-1");
        assertThat(received.value()).isEqualTo("42 EUR");
    }

    @Test
    void keyAndValueTypesBeyondStrings(Producer<Long, byte[]> producer, Producer<UUID, Integer> other) throws Exception {
        producer.send(new ProducerRecord<>("orders", 0, 7L, new byte[] {(byte) 0xff, 0})).get();
        UUID id = UUID.randomUUID();
        other.send(new ProducerRecord<>("audit", id, 99)).get();

        List<ConsumerRecord<Long, byte[]>> longs = kafka.awaitRecords("orders", 1, Duration.ofSeconds(30), Long.class, byte[].class);
        assertThat(longs.stream().filter(r -> r.partition() == 0).findFirst().orElseThrow().value())
                .containsExactly((byte) 0xff, 0);
        ConsumerRecord<UUID, Integer> match = kafka.awaitRecord("audit", r -> r.key().equals(id),
                Duration.ofSeconds(30), UUID.class, Integer.class);
        assertThat(match.key()).isEqualTo(id);
        assertThat(match.value()).isEqualTo(99);
    }

    @Test
    void readAllReturnsEveryRecordWithoutAGroup(Producer<String, String> producer, Admin admin) throws Exception {
        for (int i = 0; i < 9; i++) {
            producer.send(new ProducerRecord<>("orders", i % 3, "k" + i, "v" + i));
        }
        producer.flush();
        Set<String> groupsBefore = groupIds(admin);
        assertThat(kafka.readAll("orders")).extracting(ConsumerRecord::value)
                .containsExactlyInAnyOrder("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8");
        assertThat(groupIds(admin)).isEqualTo(groupsBefore);
    }

    private static Set<String> groupIds(Admin admin) throws Exception {
        return admin.listConsumerGroups().all().get().stream().map(g -> g.groupId()).collect(Collectors.toSet());
    }

    @Test
    @Tag("embedded")
    void embeddedBrokerAndBootstrapPropertiesAreAvailable(KafkaLite broker) {
        assertThat(kafka.isEmbedded()).isTrue();
        assertThat(broker.bootstrapServers()).isEqualTo(kafka.bootstrapServers());
        assertThat(kafka.clientConfig()).containsEntry("bootstrap.servers", kafka.bootstrapServers());
        for (String property : Set.of("spring.kafka.bootstrap-servers", "kafka.bootstrap.servers")) {
            assertThat(System.getProperty(property)).isEqualTo(kafka.bootstrapServers());
        }
    }

    @Test
    void clientPropertiesAdjustOneParameter(@ClientProperties({"group.id=billing", "client.id=billing-reader"})
                                            Consumer<String, String> consumer, Admin admin) throws Exception {
        consumer.subscribe(List.of("orders"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100));
        }
        assertThat(admin.listConsumerGroups().all().get()).extracting(g -> g.groupId()).contains("billing");
        assertThat(Map.of("group", consumer.groupMetadata().groupId())).containsEntry("group", "billing");
    }
}
