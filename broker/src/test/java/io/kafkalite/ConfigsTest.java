package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSynonym;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResourceCollection;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfigCollection;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DescribeConfigs, IncrementalAlterConfigs and the legacy AlterConfigs, for topics and for the broker. */
class ConfigsTest {

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

    private static ConfigResource createTopic(String name, Map<String, String> configs) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(configs))).all().get();
        return new ConfigResource(ConfigResource.Type.TOPIC, name);
    }

    private static Config describe(Admin client, ConfigResource resource) throws Exception {
        return client.describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(true))
                .all().get().get(resource);
    }

    private static void alter(ConfigResource resource, AlterConfigOp... ops) throws Exception {
        admin.incrementalAlterConfigs(Map.of(resource, List.of(ops))).all().get();
    }

    private static AlterConfigOp op(String name, String value, OpType type) {
        return new AlterConfigOp(new ConfigEntry(name, value), type);
    }

    @Test
    void topicOverridesAreDynamicTopicConfigsAndTheRestBrokerDefaults() throws Exception {
        ConfigResource topic = createTopic("described-configs", Map.of("retention.ms", "60000"));

        Config config = describe(admin, topic);

        ConfigEntry retention = config.get("retention.ms");
        assertThat(retention.value()).isEqualTo("60000");
        assertThat(retention.source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(retention.isReadOnly()).isFalse();
        assertThat(retention.type()).isEqualTo(ConfigEntry.ConfigType.LONG);
        assertThat(retention.synonyms()).extracting(ConfigSynonym::name, ConfigSynonym::value, ConfigSynonym::source)
                .containsExactly(
                        tuple("retention.ms", "60000", ConfigSource.DYNAMIC_TOPIC_CONFIG),
                        tuple("log.retention.hours", "168", ConfigSource.DEFAULT_CONFIG));

        ConfigEntry cleanup = config.get("cleanup.policy");
        assertThat(cleanup.value()).isEqualTo("delete");
        assertThat(cleanup.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(cleanup.synonyms()).extracting(ConfigSynonym::name, ConfigSynonym::value, ConfigSynonym::source)
                .containsExactly(tuple("log.cleanup.policy", "delete", ConfigSource.DEFAULT_CONFIG));

        assertThat(config.get("max.message.bytes").value()).isEqualTo("1048588");
        assertThat(config.get("message.timestamp.type").value()).isEqualTo("CreateTime");
        assertThat(config.get("min.insync.replicas").value()).isEqualTo("1");
        assertThat(config.entries()).filteredOn(e -> e.source() == ConfigSource.DYNAMIC_TOPIC_CONFIG)
                .extracting(ConfigEntry::name).containsExactly("retention.ms");
    }

    @Test
    void describingTheConfigsOfAnUnknownTopicFails() {
        ConfigResource missing = new ConfigResource(ConfigResource.Type.TOPIC, "no-such-topic");

        assertThatThrownBy(() -> describe(admin, missing)).hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
    }

    /** As Kafka's broker answers (checked against Kafka 4.2.1): a topic resource without a name is not a topic. */
    @Test
    void aTopicConfigResourceWithoutANameIsAnInvalidRequest() {
        ConfigResource unnamed = new ConfigResource(ConfigResource.Type.TOPIC, "");

        assertThatThrownBy(() -> describe(admin, unnamed)).hasCauseInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> admin.incrementalAlterConfigs(Map.of(unnamed, List.of(new AlterConfigOp(
                new ConfigEntry("retention.ms", "1000"), OpType.SET)))).all().get())
                .hasCauseInstanceOf(InvalidRequestException.class);
    }

    @Test
    void brokerConfigsAreDescribedWithKafkaDefaultsAndAsReadOnly() throws Exception {
        Config config = describe(admin, new ConfigResource(ConfigResource.Type.BROKER, "1"));

        assertThat(config.get("num.partitions").value()).isEqualTo("1");
        assertThat(config.get("num.partitions").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(config.get("num.partitions").isReadOnly()).isTrue();
        assertThat(config.get("log.retention.hours").value()).isEqualTo("168");
        assertThat(config.get("log.retention.bytes").value()).isEqualTo("-1");
        assertThat(config.get("auto.create.topics.enable").value()).isEqualTo("true");
        assertThat(config.get("message.max.bytes").value()).isEqualTo("1048588");
    }

    @Test
    void brokerSettingsGivenAtStartAreStaticAndBecomeTopicDefaults() throws Exception {
        try (KafkaLite configured = KafkaLite.builder().brokerConfig("log.retention.hours", "2")
                .brokerConfig("num.partitions", "3").start();
             Admin configuredAdmin = Clients.admin(configured.bootstrapServers())) {
            configuredAdmin.createTopics(List.of(new NewTopic("inherits", Optional.empty(),
                    Optional.empty()))).all().get();

            Config brokerConfig = describe(configuredAdmin, new ConfigResource(ConfigResource.Type.BROKER, "1"));
            assertThat(brokerConfig.get("num.partitions").value()).isEqualTo("3");
            assertThat(brokerConfig.get("num.partitions").source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
            assertThat(brokerConfig.get("log.retention.hours").synonyms())
                    .extracting(ConfigSynonym::value, ConfigSynonym::source)
                    .containsExactly(tuple("2", ConfigSource.STATIC_BROKER_CONFIG),
                            tuple("168", ConfigSource.DEFAULT_CONFIG));

            ConfigEntry retention = describe(configuredAdmin, new ConfigResource(ConfigResource.Type.TOPIC, "inherits"))
                    .get("retention.ms");
            assertThat(retention.value()).isEqualTo("7200000");
            assertThat(retention.source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
            assertThat(retention.synonyms()).extracting(ConfigSynonym::name, ConfigSynonym::value, ConfigSynonym::source)
                    .containsExactly(
                            tuple("log.retention.hours", "2", ConfigSource.STATIC_BROKER_CONFIG),
                            tuple("log.retention.hours", "168", ConfigSource.DEFAULT_CONFIG));
            assertThat(configuredAdmin.describeTopics(List.of("inherits")).allTopicNames().get().get("inherits")
                    .partitions()).hasSize(3);
        }
    }

    @Test
    void incrementalSetAndDeleteChangeOnlyTheNamedConfigs() throws Exception {
        ConfigResource topic = createTopic("set-delete", Map.of("retention.ms", "60000", "segment.ms", "3600000"));

        alter(topic, op("retention.ms", "120000", OpType.SET), op("max.message.bytes", "2000", OpType.SET));
        Config afterSet = describe(admin, topic);
        assertThat(afterSet.get("retention.ms").value()).isEqualTo("120000");
        assertThat(afterSet.get("max.message.bytes").value()).isEqualTo("2000");
        assertThat(afterSet.get("segment.ms").value()).isEqualTo("3600000");

        alter(topic, op("retention.ms", null, OpType.DELETE), op("segment.bytes", null, OpType.DELETE));
        Config afterDelete = describe(admin, topic);
        assertThat(afterDelete.get("retention.ms").value()).isEqualTo("604800000");
        assertThat(afterDelete.get("retention.ms").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(afterDelete.get("max.message.bytes").value()).isEqualTo("2000");
    }

    @Test
    void appendAndSubtractEditListConfigs() throws Exception {
        ConfigResource topic = createTopic("list-edit", Map.of());

        alter(topic, op("cleanup.policy", "compact", OpType.APPEND));
        assertThat(describe(admin, topic).get("cleanup.policy").value()).isEqualTo("delete,compact");

        alter(topic, op("cleanup.policy", "delete", OpType.SUBTRACT));
        assertThat(describe(admin, topic).get("cleanup.policy").value()).isEqualTo("compact");

        assertThatThrownBy(() -> alter(topic, op("retention.ms", "1", OpType.APPEND)))
                .hasCauseInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("retention.ms");
        assertThat(describe(admin, topic).get("retention.ms").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
    }

    @Test
    void invalidAlterationsAreRejectedAndChangeNothing() throws Exception {
        ConfigResource topic = createTopic("alter-rejected", Map.of("retention.ms", "60000"));

        assertThatThrownBy(() -> alter(topic, op("retention.ms", "abc", OpType.SET)))
                .hasCauseInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> alter(topic, op("retention.ms", "1000", OpType.SET), op("no.such.config", "1", OpType.SET)))
                .hasCauseInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("no.such.config");
        assertThatThrownBy(() -> alter(new ConfigResource(ConfigResource.Type.TOPIC, "no-such-topic"),
                op("retention.ms", "1000", OpType.SET)))
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
        admin.incrementalAlterConfigs(Map.of(topic, List.of(op("retention.ms", "1000", OpType.SET))),
                new AlterConfigsOptions().validateOnly(true)).all().get();

        assertThat(describe(admin, topic).get("retention.ms").value()).isEqualTo("60000");
    }

    @Test
    void alteredTopicConfigTakesEffectForProducers() throws Exception {
        ConfigResource topic = createTopic("shrinking", Map.of());
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            producer.send(new ProducerRecord<>("shrinking", "x".repeat(2000))).get();

            alter(topic, op("max.message.bytes", "1000", OpType.SET));

            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("shrinking", "x".repeat(2000))).get())
                    .hasCauseInstanceOf(RecordTooLargeException.class);
            assertThat(producer.send(new ProducerRecord<>("shrinking", "small")).get().offset()).isEqualTo(1);
        }
    }

    @Test
    void alteringBrokerConfigsFailsWithAMessageSayingHowToSetThem() {
        for (String name : List.of("1", "")) {
            ConfigResource brokerResource = new ConfigResource(ConfigResource.Type.BROKER, name);
            assertThatThrownBy(() -> alter(brokerResource, op("log.retention.hours", "1", OpType.SET)))
                    .as("broker resource '%s'", name)
                    .hasCauseInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("brokerConfig");
        }
    }

    /** Admin in kafka-clients 4.x has no alterConfigs any more; 2.x and 3.x clients still send AlterConfigs. */
    @Test
    void legacyAlterConfigsReplacesEveryOverride() throws Exception {
        ConfigResource topic = createTopic("legacy-alter", Map.of("retention.ms", "60000", "segment.ms", "3600000"));
        AlterableConfigCollection configs = new AlterableConfigCollection();
        configs.add(new AlterableConfig().setName("cleanup.policy").setValue("compact"));
        AlterConfigsResourceCollection resources = new AlterConfigsResourceCollection();
        resources.add(new AlterConfigsResource().setResourceType(ConfigResource.Type.TOPIC.id())
                .setResourceName("legacy-alter").setConfigs(configs));

        try (RawClient raw = new RawClient(broker.host(), broker.port())) {
            AlterConfigsResponseData response = raw.send(ApiKeys.ALTER_CONFIGS, (short) 2,
                    new AlterConfigsRequestData().setResources(resources));
            assertThat(response.responses()).singleElement()
                    .satisfies(r -> assertThat(Errors.forCode(r.errorCode())).isEqualTo(Errors.NONE));
        }

        Config config = describe(admin, topic);
        assertThat(config.entries()).filteredOn(e -> e.source() == ConfigSource.DYNAMIC_TOPIC_CONFIG)
                .extracting(ConfigEntry::name, ConfigEntry::value)
                .containsExactly(tuple("cleanup.policy", "compact"));
    }
}
