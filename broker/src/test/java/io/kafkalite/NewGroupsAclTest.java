package io.kafkalite;

import static io.kafkalite.SaslTest.plain;
import static io.kafkalite.SaslTest.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** Share and streams groups check the ACLs Kafka checks, with Kafka's errors. */
class NewGroupsAclTest {

    private static AclBinding allow(ResourceType type, String name, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry("User:alice", "*", op, AclPermissionType.ALLOW));
    }

    private static KafkaShareConsumer<String, String> shareConsumer(Map<String, Object> security, String group) {
        Properties props = new Properties();
        props.putAll(security);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return new KafkaShareConsumer<>(props);
    }

    @Test
    void shareConsumersAndAdminNeedTheGroupAndTopicAcls() throws Exception {
        try (KafkaLite broker = KafkaLite.builder()
                .brokerConfig("listeners", "SASL_PLAINTEXT://127.0.0.1:0")
                .brokerConfig("sasl.enabled.mechanisms", "PLAIN")
                .brokerConfig("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .brokerConfig("super.users", "User:admin")
                .brokerConfig("connection.failed.authentication.delay.ms", "0")
                .user("admin", "admin-secret")
                .user("alice", "alice-secret")
                .topic("jobs", 1)
                .topic("secrets", 1)
                .start();
             Admin admin = Admin.create(with(broker.bootstrapServers(), plain("admin", "admin-secret")))) {
            admin.createAcls(List.of(allow(ResourceType.GROUP, "alice-workers", AclOperation.READ),
                    allow(ResourceType.TOPIC, "jobs", AclOperation.READ),
                    allow(ResourceType.TOPIC, "jobs", AclOperation.DESCRIBE))).all().get();
            Map<String, Object> alice = new HashMap<>(with(broker.bootstrapServers(), plain("alice", "alice-secret")));

            try (KafkaShareConsumer<String, String> consumer = shareConsumer(alice, "someone-elses")) {
                consumer.subscribe(List.of("jobs"));
                assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(5)))
                        .isInstanceOf(GroupAuthorizationException.class);
            }
            try (KafkaShareConsumer<String, String> consumer = shareConsumer(alice, "alice-workers")) {
                consumer.subscribe(List.of("jobs"));
                assertThat(consumer.poll(Duration.ofMillis(500))).isEmpty(); // allowed: nothing to read yet
            }
            try (Admin asAlice = Admin.create(alice)) {
                assertThatThrownBy(() -> asAlice.listShareGroupOffsets(Map.of("someone-elses",
                        new ListShareGroupOffsetsSpec())).all().get()).cause()
                        .isInstanceOf(GroupAuthorizationException.class);
                assertThatThrownBy(() -> asAlice.describeStreamsGroups(List.of("someone-elses")).all().get()).cause()
                        .isInstanceOf(GroupAuthorizationException.class);
            }
        }
    }
}
