package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TopicAdminTest {

    static KafkaLite broker;
    Admin admin;

    @BeforeAll
    static void start() {
        broker = KafkaLite.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @BeforeEach
    void openAdmin() {
        admin = Clients.admin(broker.bootstrapServers());
    }

    @AfterEach
    void closeAdmin() {
        admin.close();
    }

    private TopicDescription describe(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    }

    @Test
    void createdTopicHasItsPartitionsOneReplicaAndATopicId() throws Exception {
        admin.createTopics(List.of(new NewTopic("payments", 4, (short) 3))).all().get();
        TopicDescription description = describe("payments");
        assertThat(description.partitions()).hasSize(4);
        assertThat(description.partitions().get(0).replicas()).hasSize(1);
        assertThat(description.partitions().get(0).leader().id()).isEqualTo(1);
        assertThat(description.topicId().toString()).isNotEqualTo("AAAAAAAAAAAAAAAAAAAAAA");
        assertThat(admin.listTopics().names().get()).contains("payments");
    }

    @Test
    void validateOnlyCreatesNothing() throws Exception {
        admin.createTopics(List.of(new NewTopic("dry-run", 2, (short) 1)), new CreateTopicsOptions().validateOnly(true))
                .all().get();
        assertThat(admin.listTopics().names().get()).doesNotContain("dry-run");
    }

    @Test
    void badRequestsGetKafkasErrors() throws Exception {
        admin.createTopics(List.of(new NewTopic("exists", 1, (short) 1))).all().get();
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("exists", 1, (short) 1))).all().get())
                .hasCauseInstanceOf(TopicExistsException.class);
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("bad name!", 1, (short) 1))).all().get())
                .hasCauseInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("unknown-config", 1, (short) 1)
                .configs(Map.of("no.such.config", "1")))).all().get())
                .hasCauseInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("bad-value", 1, (short) 1)
                .configs(Map.of("retention.ms", "abc")))).all().get())
                .hasCauseInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("retention.ms");
        assertThat(admin.listTopics().names().get()).doesNotContain("bad name!", "unknown-config", "bad-value");
    }

    @Test
    void partitionsGrowButNeverShrink() throws Exception {
        admin.createTopics(List.of(new NewTopic("growing", 2, (short) 1))).all().get();
        admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(5))).all().get();
        assertThat(describe("growing").partitions()).hasSize(5);
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            assertThat(producer.send(new ProducerRecord<>("growing", 4, "k", "v")).get().partition()).isEqualTo(4);
        }
        assertThatThrownBy(() -> admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(3))).all().get())
                .hasCauseInstanceOf(InvalidPartitionsException.class);
        assertThatThrownBy(() -> admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(5))).all().get())
                .hasCauseInstanceOf(InvalidPartitionsException.class);
    }

    @Test
    void deletedTopicIsGoneAndARecreatedOneStartsEmpty() throws Exception {
        admin.createTopics(List.of(new NewTopic("short-lived", 1, (short) 1))).all().get();
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            producer.send(new ProducerRecord<>("short-lived", "k", "old")).get();
        }
        admin.deleteTopics(List.of("short-lived")).all().get();
        assertThat(admin.listTopics().names().get()).doesNotContain("short-lived");

        admin.createTopics(List.of(new NewTopic("short-lived", 1, (short) 1))).all().get();
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            assertThat(producer.send(new ProducerRecord<>("short-lived", "k", "new")).get().offset()).isZero();
        }
    }

    @Test
    void topicsCanBeDeletedById() throws Exception {
        admin.createTopics(List.of(new NewTopic("by-id", 1, (short) 1))).all().get();
        TopicDescription description = describe("by-id");
        admin.deleteTopics(TopicCollection.ofTopicIds(List.of(description.topicId()))).all().get();
        assertThat(admin.listTopics().names().get()).doesNotContain("by-id");
    }

    @Test
    void describeClusterShowsOneNodeThatIsAlsoTheController() throws Exception {
        DescribeClusterResult cluster = admin.describeCluster();
        assertThat(cluster.nodes().get()).hasSize(1);
        assertThat(cluster.controller().get().id()).isEqualTo(1);
        assertThat(cluster.nodes().get().iterator().next().port()).isEqualTo(broker.port());
        assertThat(cluster.clusterId().get()).isNotBlank();
    }

    @Test
    void unknownTopicsAreCreatedOnFirstUseUnlessDisabled() throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            producer.send(new ProducerRecord<>("auto-created", "k", "v")).get();
        }
        assertThat(admin.listTopics().names().get()).contains("auto-created");

        try (KafkaLite strict = KafkaLite.builder().brokerConfig("auto.create.topics.enable", "false").start();
             KafkaProducer<String, String> producer = Clients.producer(strict.bootstrapServers(),
                     Map.of("max.block.ms", 1500))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("never-created", "k", "v")).get())
                    .isInstanceOfAny(ExecutionException.class, org.apache.kafka.common.errors.TimeoutException.class);
            try (Admin strictAdmin = Clients.admin(strict.bootstrapServers())) {
                assertThat(strictAdmin.listTopics().names().get()).isEqualTo(Set.of());
            }
        }
    }
}
