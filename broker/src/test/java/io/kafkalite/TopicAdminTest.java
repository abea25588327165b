package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CreateTopics, DescribeTopics (Metadata), CreatePartitions, DeleteTopics and DescribeCluster through a real Admin. */
class TopicAdminTest {

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

    @Test
    void createdTopicIsDescribedWithItsPartitionsLeaderAndId() throws Exception {
        CreateTopicsResult created = admin.createTopics(List.of(new NewTopic("described", 4, (short) 1)));
        created.all().get();
        Uuid id = created.topicId("described").get();

        TopicDescription description = admin.describeTopics(List.of("described")).allTopicNames().get().get("described");

        assertThat(id).isNotEqualTo(Uuid.ZERO_UUID);
        assertThat(description.topicId()).isEqualTo(id);
        assertThat(description.isInternal()).isFalse();
        assertThat(description.partitions()).extracting(TopicPartitionInfo::partition).containsExactly(0, 1, 2, 3);
        for (TopicPartitionInfo partition : description.partitions()) {
            assertThat(partition.leader().id()).isEqualTo(1);
            assertThat(partition.replicas()).extracting(Node::id).containsExactly(1);
            assertThat(partition.isr()).extracting(Node::id).containsExactly(1);
        }
        assertThat(created.numPartitions("described").get()).isEqualTo(4);
        assertThat(admin.describeTopics(TopicCollection.ofTopicIds(List.of(id))).allTopicIds().get().get(id).name())
                .isEqualTo("described");
    }

    @Test
    void replicationFactorThreeIsAcceptedAndReportedAsOneReplica() throws Exception {
        CreateTopicsResult created = admin.createTopics(List.of(new NewTopic("replicated", 2, (short) 3)));
        created.all().get();

        assertThat(created.replicationFactor("replicated").get()).isEqualTo(1);
        TopicDescription description = admin.describeTopics(List.of("replicated")).allTopicNames().get().get("replicated");
        assertThat(description.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(1));
    }

    @Test
    void defaultPartitionCountAndReplicationFactorComeFromTheBroker() throws Exception {
        CreateTopicsResult created = admin.createTopics(List.of(new NewTopic("defaulted", Optional.empty(), Optional.empty())));
        created.all().get();

        assertThat(created.numPartitions("defaulted").get()).isEqualTo(1);
        assertThat(created.replicationFactor("defaulted").get()).isEqualTo(1);
    }

    @Test
    void topicConfigsGivenAtCreationAreReturnedAndDescribed() throws Exception {
        CreateTopicsResult created = admin.createTopics(List.of(new NewTopic("configured", 1, (short) 1)
                .configs(Map.of("retention.ms", "60000", "cleanup.policy", "compact"))));
        created.all().get();

        assertThat(created.config("configured").get().get("retention.ms").value()).isEqualTo("60000");
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "configured");
        Config described = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        assertThat(described.get("retention.ms").value()).isEqualTo("60000");
        assertThat(described.get("cleanup.policy").value()).isEqualTo("compact");
    }

    @Test
    void validateOnlyCreatesNothing() throws Exception {
        CreateTopicsResult validated = admin.createTopics(List.of(new NewTopic("validated", 3, (short) 1)),
                new CreateTopicsOptions().validateOnly(true));
        validated.all().get();

        assertThat(validated.numPartitions("validated").get()).isEqualTo(3);
        assertThat(admin.listTopics().names().get()).doesNotContain("validated");
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("validated!", 1, (short) 1)),
                new CreateTopicsOptions().validateOnly(true)).all().get()).hasCauseInstanceOf(InvalidTopicException.class);
    }

    @Test
    void creatingAnExistingTopicFailsWithTopicExists() throws Exception {
        admin.createTopics(List.of(new NewTopic("twice", 1, (short) 1))).all().get();

        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("twice", 2, (short) 1))).all().get())
                .hasCauseInstanceOf(TopicExistsException.class);
        assertThat(admin.describeTopics(List.of("twice")).allTopicNames().get().get("twice").partitions()).hasSize(1);
    }

    @Test
    void invalidTopicNamesAreRejected() {
        for (String name : List.of("has space", "slash/name", "..", "x".repeat(250))) {
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get())
                    .as(name).hasCauseInstanceOf(InvalidTopicException.class);
        }
    }

    @Test
    void aNameDifferingOnlyInDotOrUnderscoreCollidesUntilTheOtherTopicIsDeleted() throws Exception {
        admin.createTopics(List.of(new NewTopic("metrics.clash", 1, (short) 1))).all().get();

        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("metrics_clash", 1, (short) 1))).all().get())
                .hasCauseInstanceOf(InvalidTopicException.class).hasMessageContaining("collides with existing topic 'metrics.clash'");
        admin.deleteTopics(List.of("metrics.clash")).all().get();
        admin.createTopics(List.of(new NewTopic("metrics_clash", 1, (short) 1))).all().get();
        assertThat(admin.listTopics().names().get()).contains("metrics_clash").doesNotContain("metrics.clash");
    }

    @Test
    void unknownConfigsAndBadValuesAreRejectedAndCreateNothing() throws Exception {
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("bad-config", 1, (short) 1)
                .configs(Map.of("no.such.config", "1")))).all().get())
                .hasCauseInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("no.such.config");
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("bad-config", 1, (short) 1)
                .configs(Map.of("retention.ms", "abc")))).all().get())
                .hasCauseInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("retention.ms");
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("bad-config", 1, (short) 1)
                .configs(Map.of("cleanup.policy", "shred")))).all().get())
                .hasCauseInstanceOf(InvalidConfigurationException.class);

        assertThat(admin.listTopics().names().get()).doesNotContain("bad-config");
    }

    @Test
    void zeroPartitionsAndZeroReplicationFactorAreRejected() {
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("no-partitions", 0, (short) 1))).all().get())
                .hasCauseInstanceOf(InvalidPartitionsException.class);
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("no-replicas", 1, (short) 0))).all().get())
                .hasCauseInstanceOf(InvalidReplicationFactorException.class);
    }

    @Test
    void listTopicsNamesEveryCreatedTopic() throws Exception {
        admin.createTopics(List.of(new NewTopic("listed-a", 1, (short) 1), new NewTopic("listed-b", 2, (short) 1)))
                .all().get();

        assertThat(admin.listTopics().names().get()).contains("listed-a", "listed-b");
        assertThat(admin.listTopics().namesToListings().get().get("listed-b").topicId()).isNotEqualTo(Uuid.ZERO_UUID);
    }

    @Test
    void createPartitionsGrowsATopicThatProducersThenUse() throws Exception {
        admin.createTopics(List.of(new NewTopic("growing", 1, (short) 1))).all().get();

        admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(3))).all().get();

        assertThat(admin.describeTopics(List.of("growing")).allTopicNames().get().get("growing").partitions()).hasSize(3);
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            RecordMetadata written = producer.send(new ProducerRecord<>("growing", 2, "k", "v")).get();
            assertThat(written.partition()).isEqualTo(2);
            assertThat(written.offset()).isZero();
        }
    }

    @Test
    void createPartitionsToTheSameOrASmallerCountFails() throws Exception {
        admin.createTopics(List.of(new NewTopic("fixed", 2, (short) 1))).all().get();

        assertThatThrownBy(() -> admin.createPartitions(Map.of("fixed", NewPartitions.increaseTo(2))).all().get())
                .hasCauseInstanceOf(InvalidPartitionsException.class);
        assertThatThrownBy(() -> admin.createPartitions(Map.of("fixed", NewPartitions.increaseTo(1))).all().get())
                .hasCauseInstanceOf(InvalidPartitionsException.class);
        assertThatThrownBy(() -> admin.createPartitions(Map.of("missing", NewPartitions.increaseTo(4))).all().get())
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(admin.describeTopics(List.of("fixed")).allTopicNames().get().get("fixed").partitions()).hasSize(2);
    }

    @Test
    void deletedTopicRecreatedUnderTheSameNameStartsEmptyAtOffsetZero() throws Exception {
        admin.createTopics(List.of(new NewTopic("recycled", 1, (short) 1))).all().get();
        Uuid firstId = admin.describeTopics(List.of("recycled")).allTopicNames().get().get("recycled").topicId();
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>("recycled", "old-" + i)).get();
            }
        }

        admin.deleteTopics(List.of("recycled")).all().get();
        assertThat(admin.listTopics().names().get()).doesNotContain("recycled");
        admin.createTopics(List.of(new NewTopic("recycled", 1, (short) 1))).all().get();

        assertThat(admin.describeTopics(List.of("recycled")).allTopicNames().get().get("recycled").topicId())
                .isNotEqualTo(firstId);
        assertRecreatedTopicHoldsOnlyNewRecords("recycled");
    }

    @Test
    void topicDeletedByIdIsGoneAndItsNameReusable() throws Exception {
        Uuid id = admin.createTopics(List.of(new NewTopic("by-id", 2, (short) 1))).topicId("by-id").get();
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            producer.send(new ProducerRecord<>("by-id", 0, null, "old")).get();
        }

        admin.deleteTopics(TopicCollection.ofTopicIds(List.of(id))).all().get();

        assertThat(admin.listTopics().names().get()).doesNotContain("by-id");
        assertThatThrownBy(() -> admin.deleteTopics(TopicCollection.ofTopicIds(List.of(id))).all().get())
                .hasCauseInstanceOf(UnknownTopicIdException.class);
        assertThatThrownBy(() -> admin.deleteTopics(List.of("by-id")).all().get())
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
        admin.createTopics(List.of(new NewTopic("by-id", 1, (short) 1))).all().get();
        assertRecreatedTopicHoldsOnlyNewRecords("by-id");
    }

    private static void assertRecreatedTopicHoldsOnlyNewRecords(String topic) throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of());
             KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
            assertThat(consumer.endOffsets(List.of(tp)).get(tp)).isZero();
            assertThat(producer.send(new ProducerRecord<>(topic, 0, null, "new")).get().offset()).isZero();
            List<ConsumerRecord<String, String>> records = Clients.readAll(consumer, List.of(tp), 1);
            assertThat(records).extracting(ConsumerRecord::value).containsExactly("new");
            assertThat(consumer.endOffsets(List.of(tp)).get(tp)).isEqualTo(1);
        }
    }

    @Test
    void describeClusterShowsThisNodeAsTheOnlyBrokerAndTheController() throws Exception {
        DescribeClusterResult cluster = admin.describeCluster();

        Node node = new Node(1, broker.host(), broker.port());
        assertThat(cluster.nodes().get()).containsExactly(node);
        assertThat(cluster.controller().get()).isEqualTo(node);
        assertThat(cluster.clusterId().get()).isNotBlank().isEqualTo(admin.describeCluster().clusterId().get());
    }

    @Test
    void producingToAnUnknownTopicCreatesItWithTheDefaultPartitionCount() throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            RecordMetadata written = producer.send(new ProducerRecord<>("auto-created", "k", "v")).get();
            assertThat(written.offset()).isZero();
        }

        TopicDescription description = admin.describeTopics(List.of("auto-created")).allTopicNames().get().get("auto-created");
        assertThat(description.partitions()).hasSize(1);
        assertThat(description.topicId()).isNotEqualTo(Uuid.ZERO_UUID);
    }

    @Test
    void withoutAutoCreationProducingToAnUnknownTopicTimesOutAndCreatesNothing() throws Exception {
        try (KafkaLite strict = KafkaLite.builder().brokerConfig("auto.create.topics.enable", "false").start();
             Admin strictAdmin = Clients.admin(strict.bootstrapServers());
             KafkaProducer<String, String> producer = Clients.producer(strict.bootstrapServers(),
                     Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 500))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("never-created", "k", "v")).get())
                    .hasCauseInstanceOf(TimeoutException.class)
                    .hasMessageContaining("never-created");

            assertThat(strictAdmin.listTopics().names().get()).doesNotContain("never-created");
            assertThatThrownBy(() -> strictAdmin.describeTopics(List.of("never-created")).allTopicNames().get())
                    .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
        }
    }

    @Test
    void consumerAssignedToAnUnknownTopicDoesNotCreateItWhenAutoCreationIsOff() throws Exception {
        try (KafkaLite strict = KafkaLite.builder().brokerConfig("auto.create.topics.enable", "false").start();
             Admin strictAdmin = Clients.admin(strict.bootstrapServers());
             KafkaConsumer<String, String> consumer = Clients.consumer(strict.bootstrapServers(), Map.of())) {
            assertThat(consumer.partitionsFor("ghost")).isEmpty();

            assertThat(strictAdmin.listTopics().names().get()).isEqualTo(Set.of());
        }
    }
}
