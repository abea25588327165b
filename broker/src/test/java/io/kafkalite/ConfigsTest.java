package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConfigsTest {

    static KafkaLite broker;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaLite.builder().brokerConfig("num.partitions", "3").start();
        admin = Clients.admin(broker.bootstrapServers());
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    private static Config describe(ConfigResource resource) throws Exception {
        return admin.describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(true))
                .all().get().get(resource);
    }

    @Test
    void topicOverridesAndDefaultsAreDescribedWithTheirSource() throws Exception {
        admin.createTopics(List.of(new NewTopic("described", 1, (short) 1)
                .configs(Map.of("retention.ms", "1234", "cleanup.policy", "compact")))).all().get();
        Config config = describe(new ConfigResource(ConfigResource.Type.TOPIC, "described"));
        ConfigEntry retention = config.get("retention.ms");
        assertThat(retention.value()).isEqualTo("1234");
        assertThat(retention.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(retention.synonyms()).extracting(ConfigEntry.ConfigSynonym::source)
                .contains(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(config.get("max.message.bytes").value()).isEqualTo("1048588");
        assertThat(config.get("max.message.bytes").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
    }

    @Test
    void brokerConfigsAreListedWithTheirDefaults() throws Exception {
        Config config = describe(new ConfigResource(ConfigResource.Type.BROKER, "1"));
        assertThat(config.get("num.partitions").value()).isEqualTo("3");
        assertThat(config.get("num.partitions").source()).isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(config.get("log.retention.hours").value()).isEqualTo("168");
        assertThat(config.get("log.retention.hours").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(config.get("auto.create.topics.enable").value()).isEqualTo("true");
    }

    @Test
    void incrementalAlterSetsDeletesAppendsAndSubtracts() throws Exception {
        admin.createTopics(List.of(new NewTopic("altered", 1, (short) 1).configs(Map.of("retention.ms", "5000")))).all().get();
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "altered");
        admin.incrementalAlterConfigs(Map.of(topic, List.of(
                new AlterConfigOp(new ConfigEntry("retention.bytes", "1048576"), AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry("retention.ms", null), AlterConfigOp.OpType.DELETE),
                new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.APPEND)))).all().get();
        Config config = describe(topic);
        assertThat(config.get("retention.bytes").value()).isEqualTo("1048576");
        assertThat(config.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(config.get("cleanup.policy").value()).isEqualTo("delete,compact");

        admin.incrementalAlterConfigs(Map.of(topic, List.of(
                new AlterConfigOp(new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.SUBTRACT)))).all().get();
        assertThat(describe(topic).get("cleanup.policy").value()).isEqualTo("compact");
    }

    @Test
    void invalidValuesAndBrokerChangesAreRefused() throws Exception {
        admin.createTopics(List.of(new NewTopic("guarded", 1, (short) 1))).all().get();
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "guarded");
        assertThatThrownBy(() -> admin.incrementalAlterConfigs(Map.of(topic, List.of(
                new AlterConfigOp(new ConfigEntry("message.timestamp.type", "Yesterday"), AlterConfigOp.OpType.SET))))
                .all().get()).hasMessageContaining("message.timestamp.type");
        ConfigResource brokerResource = new ConfigResource(ConfigResource.Type.BROKER, "1");
        assertThatThrownBy(() -> admin.incrementalAlterConfigs(Map.of(brokerResource, List.of(
                new AlterConfigOp(new ConfigEntry("num.partitions", "7"), AlterConfigOp.OpType.SET)))).all().get())
                .hasCauseInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("fixed at start");
    }
}
