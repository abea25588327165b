package io.kafkalite.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@KafkaLiteTest(brokerConfig = "log.retention.hours=48")
@BrokerConfig(name = "num.partitions", value = "3")
@Topic(name = "audit-trail", partitions = 2, configs = {
        @TopicConfig(name = "cleanup.policy", value = "compact,delete"),
        @TopicConfig(name = "retention.ms", value = "600000")})
class TypedAnnotationsTest {

    @Test
    void aDeclaredTopicTakesConfigValuesWithCommas(Admin admin) throws Exception {
        assertThat(admin.describeTopics(List.of("audit-trail")).allTopicNames().get().get("audit-trail").partitions())
                .hasSize(2);
        Config config = configs(admin, ConfigResource.Type.TOPIC, "audit-trail");
        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact,delete");
        assertThat(config.get("retention.ms").value()).isEqualTo("600000");
    }

    @Test
    @Tag("embedded") // an external cluster keeps its own broker configs
    void typedAndStringBrokerConfigsReachTheEmbeddedBroker(Admin admin) throws Exception {
        String node = admin.describeCluster().nodes().get().iterator().next().idString();
        Config config = configs(admin, ConfigResource.Type.BROKER, node);
        assertThat(config.get("num.partitions").value()).isEqualTo("3");
        assertThat(config.get("log.retention.hours").value()).isEqualTo("48");
    }

    @Test
    void aTestTopicTakesPartitionsAndConfigs(@TopicPartitions(3)
                                             @TopicConfig(name = "cleanup.policy", value = "compact,delete")
                                             @TopicConfig(name = "min.compaction.lag.ms", value = "100")
                                             TestTopic topic, Admin admin) throws Exception {
        assertThat(topic.partitions()).isEqualTo(3);
        assertThat(admin.describeTopics(List.of(topic.name())).allTopicNames().get().get(topic.name()).partitions())
                .hasSize(3);
        Config config = configs(admin, ConfigResource.Type.TOPIC, topic.name());
        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact,delete");
        assertThat(config.get("min.compaction.lag.ms").value()).isEqualTo("100");
    }

    private static Config configs(Admin admin, ConfigResource.Type type, String name) throws Exception {
        ConfigResource resource = new ConfigResource(type, name);
        return admin.describeConfigs(List.of(resource)).all().get().get(resource);
    }
}
