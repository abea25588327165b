package io.kafkalite;

import static io.kafkalite.SaslTest.plain;
import static io.kafkalite.SaslTest.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ACLs with StandardAuthorizer semantics, enforced on real clients' produce, fetch, groups, admin and metadata. */
class AclTest {

    private static KafkaLite.Builder secured() {
        return KafkaLite.builder()
                .brokerConfig("listeners", "SASL_PLAINTEXT://127.0.0.1:0")
                .brokerConfig("sasl.enabled.mechanisms", "PLAIN")
                .brokerConfig("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .brokerConfig("super.users", "User:admin")
                .brokerConfig("connection.failed.authentication.delay.ms", "0")
                .user("admin", "admin-secret")
                .user("alice", "alice-secret")
                .topic("alice-orders", 1)
                .topic("bob-secrets", 1);
    }

    private static AclBinding allow(String principal, ResourceType type, String name, PatternType pattern, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
    }

    private static Map<String, Object> alice(KafkaLite broker) {
        return with(broker.bootstrapServers(), plain("alice", "alice-secret"));
    }

    @Test
    void anUnauthorizedPrincipalGetsKafkasErrorsAndLearnsNothingAboutOtherTopics() throws Exception {
        try (KafkaLite broker = secured().start();
             Admin admin = Admin.create(with(broker.bootstrapServers(), plain("admin", "admin-secret")))) {
            admin.createAcls(List.of(
                    allow("User:alice", ResourceType.TOPIC, "alice-", PatternType.PREFIXED, AclOperation.WRITE),
                    allow("User:alice", ResourceType.TOPIC, "alice-", PatternType.PREFIXED, AclOperation.READ),
                    allow("User:alice", ResourceType.GROUP, "alice-group", PatternType.LITERAL, AclOperation.READ))).all().get();
            admin.createTopics(List.of(new NewTopic("bob-more", 1, (short) 1))).all().get();

            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), alice(broker))) {
                producer.send(new ProducerRecord<>("alice-orders", "k", "mine")).get(); // idempotent: InitProducerId passes
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>("bob-secrets", "k", "theirs")).get())
                        .cause().isInstanceOf(TopicAuthorizationException.class);
            }
            try (Admin asAlice = Admin.create(alice(broker))) {
                assertThat(asAlice.listTopics().names().get()).containsExactly("alice-orders");
                for (String topic : List.of("bob-secrets", "bob-does-not-exist")) {
                    assertThatThrownBy(() -> asAlice.describeTopics(List.of(topic)).allTopicNames().get())
                            .cause().isInstanceOf(TopicAuthorizationException.class);
                    assertThatThrownBy(() -> asAlice.listOffsets(Map.of(new TopicPartition(topic, 0), OffsetSpec.latest()))
                            .all().get()).cause().isInstanceOf(TopicAuthorizationException.class);
                }
                assertThatThrownBy(() -> asAlice.createTopics(List.of(new NewTopic("alice-new", 1, (short) 1))).all().get())
                        .cause().isInstanceOf(TopicAuthorizationException.class);
                assertThat(asAlice.describeCluster(new DescribeClusterOptions().includeAuthorizedOperations(true))
                        .authorizedOperations().get()).isEmpty();
                assertThat(asAlice.describeTopics(List.of("alice-orders"),
                        new org.apache.kafka.clients.admin.DescribeTopicsOptions().includeAuthorizedOperations(true))
                        .allTopicNames().get().get("alice-orders").authorizedOperations())
                        .containsExactlyInAnyOrder(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE);
            }
            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), alice(broker))) {
                consumer.assign(List.of(new TopicPartition("bob-secrets", 0)));
                assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(5))).isInstanceOf(TopicAuthorizationException.class);
            }
            Map<String, Object> otherGroup = new HashMap<>(alice(broker));
            otherGroup.put(ConsumerConfig.GROUP_ID_CONFIG, "not-alices-group");
            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), otherGroup)) {
                consumer.subscribe(List.of("alice-orders"));
                assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(5))).isInstanceOf(GroupAuthorizationException.class);
                assertThatThrownBy(() -> consumer.commitSync(Map.of(new TopicPartition("alice-orders", 0),
                        new OffsetAndMetadata(1)))).isInstanceOf(GroupAuthorizationException.class);
            }
            Map<String, Object> ownGroup = new HashMap<>(alice(broker));
            ownGroup.put(ConsumerConfig.GROUP_ID_CONFIG, "alice-group");
            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), ownGroup)) {
                consumer.subscribe(List.of("alice-orders"));
                assertThat(Clients.poll(consumer, 1)).hasSize(1);
                consumer.commitSync(Map.of(new TopicPartition("alice-orders", 0), new OffsetAndMetadata(1)));
            }
            try (Admin asAlice = Admin.create(alice(broker))) {
                // READ on her group implies DESCRIBE; groups she may not describe are not listed
                assertThat(asAlice.listConsumerGroups().all().get())
                        .extracting(org.apache.kafka.clients.admin.ConsumerGroupListing::groupId).containsExactly("alice-group");
            }
        }
    }

    @Test
    void transactionsNeedWriteOnTheTransactionalIdAndReadOnTheGroupOfTheirOffsets() throws Exception {
        try (KafkaLite broker = secured().start();
             Admin admin = Admin.create(with(broker.bootstrapServers(), plain("admin", "admin-secret")))) {
            admin.createAcls(List.of(
                    allow("User:alice", ResourceType.TOPIC, "alice-", PatternType.PREFIXED, AclOperation.WRITE),
                    allow("User:alice", ResourceType.TRANSACTIONAL_ID, "alice-tx", PatternType.LITERAL,
                            AclOperation.WRITE))).all().get();
            Map<String, Object> unlisted = new HashMap<>(alice(broker));
            unlisted.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "someone-elses-tx");
            unlisted.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), unlisted)) {
                assertThatThrownBy(producer::initTransactions)
                        .isInstanceOf(org.apache.kafka.common.errors.TransactionalIdAuthorizationException.class);
            }

            Map<String, Object> allowed = new HashMap<>(alice(broker));
            allowed.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "alice-tx");
            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), allowed)) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("alice-orders", 0, "k", "in a transaction")).get();
                assertThatThrownBy(() -> producer.sendOffsetsToTransaction(
                        Map.of(new TopicPartition("alice-orders", 0), new OffsetAndMetadata(1)),
                        new org.apache.kafka.clients.consumer.ConsumerGroupMetadata("no-read-on-this-group")))
                        .isInstanceOf(GroupAuthorizationException.class);
            }
        }
    }

    @Test
    void denyWinsOverAllowAndSuperUsersBypassAcls() throws Exception {
        try (KafkaLite broker = secured().start();
             Admin admin = Admin.create(with(broker.bootstrapServers(), plain("admin", "admin-secret")))) {
            admin.createAcls(List.of(
                    allow("User:*", ResourceType.TOPIC, "*", PatternType.LITERAL, AclOperation.ALL),
                    new AclBinding(new ResourcePattern(ResourceType.TOPIC, "bob-", PatternType.PREFIXED),
                            new AccessControlEntry("User:alice", "*", AclOperation.WRITE, AclPermissionType.DENY)))).all().get();
            Map<String, Object> nonIdempotent = new HashMap<>(alice(broker));
            nonIdempotent.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), nonIdempotent)) {
                producer.send(new ProducerRecord<>("alice-orders", "k", "v")).get();
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>("bob-secrets", "k", "v")).get())
                        .cause().isInstanceOf(TopicAuthorizationException.class);
            }
            try (Admin asAlice = Admin.create(alice(broker))) {
                // a DENY of WRITE does not deny DESCRIBE
                assertThat(asAlice.describeTopics(List.of("bob-secrets")).allTopicNames().get()).containsKey("bob-secrets");
            }
            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(),
                    with(broker.bootstrapServers(), plain("admin", "admin-secret")))) {
                producer.send(new ProducerRecord<>("bob-secrets", "k", "by the super user")).get();
            }
        }
    }

    @Test
    void aclsAreDescribedDeletedAndKeptAcrossARestart(@TempDir Path data) throws Exception {
        KafkaLite.Builder builder = secured().dataDirectory(data);
        AclBinding aliceReads = allow("User:alice", ResourceType.TOPIC, "alice-orders", PatternType.LITERAL, AclOperation.READ);
        AclBinding aliceWrites = allow("User:alice", ResourceType.TOPIC, "alice-", PatternType.PREFIXED, AclOperation.WRITE);
        try (KafkaLite broker = builder.start();
             Admin admin = Admin.create(with(broker.bootstrapServers(), plain("admin", "admin-secret")))) {
            admin.createAcls(List.of(aliceReads, aliceWrites)).all().get();
            AclBindingFilter byMatch = new AclBindingFilter(new ResourcePatternFilter(ResourceType.TOPIC, "alice-orders",
                    PatternType.MATCH), AccessControlEntryFilter.ANY);
            assertThat(admin.describeAcls(byMatch).values().get()).containsExactlyInAnyOrder(aliceReads, aliceWrites);
            Collection<AclBinding> deleted = admin.deleteAcls(List.of(aliceWrites.toFilter())).all().get();
            assertThat(deleted).containsExactly(aliceWrites);
            try (Admin asAlice = Admin.create(alice(broker))) {
                assertThatThrownBy(() -> asAlice.describeAcls(AclBindingFilter.ANY).values().get())
                        .cause().isInstanceOf(org.apache.kafka.common.errors.ClusterAuthorizationException.class);
            }
        }
        try (KafkaLite restarted = builder.start();
             Admin admin = Admin.create(with(restarted.bootstrapServers(), plain("admin", "admin-secret")))) {
            assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get()).containsExactly(aliceReads);
        }
    }

    @Test
    void withoutAnAuthorizerEverythingIsAllowedAndAclApisSaySecurityIsDisabled() throws Exception {
        try (KafkaLite broker = KafkaLite.start(); Admin admin = Clients.admin(broker.bootstrapServers())) {
            assertThatThrownBy(() -> admin.describeAcls(AclBindingFilter.ANY).values().get())
                    .cause().isInstanceOf(SecurityDisabledException.class);
            Set<AclOperation> operations = admin.describeCluster(new DescribeClusterOptions().includeAuthorizedOperations(true))
                    .authorizedOperations().get();
            assertThat(operations).contains(AclOperation.ALTER, AclOperation.DESCRIBE, AclOperation.CREATE);
        }
    }

    @Test
    void allowEveryoneIfNoAclFoundOpensResourcesWithoutAcls() throws Exception {
        try (KafkaLite broker = secured().brokerConfig("allow.everyone.if.no.acl.found", "true").start();
             Admin admin = Admin.create(with(broker.bootstrapServers(), plain("admin", "admin-secret")))) {
            admin.createAcls(List.of(allow("User:admin", ResourceType.TOPIC, "bob-secrets", PatternType.LITERAL,
                    AclOperation.ALL))).all().get();
            try (Admin asAlice = Admin.create(alice(broker))) {
                assertThat(asAlice.listTopics().names().get()).containsExactly("alice-orders");
            }
        }
    }

    @Test
    void mutualTlsPrincipalsFollowTheMappingRules() throws Exception {
        try (KafkaLite broker = KafkaLite.builder()
                .brokerConfig("listeners", "SSL://127.0.0.1:0")
                .brokerConfig("ssl.client.auth", "required")
                .brokerConfig("ssl.principal.mapping.rules", "RULE:^CN=([^,]+),OU=.*$/$1/L,DEFAULT")
                .brokerConfig("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .brokerConfig("super.users", "User:CN=operator")
                .topic("payments", 1)
                .start()) {
            var certificates = broker.certificates();
            Map<String, Object> operator = TlsTest.sslClient(certificates, "bootstrap.servers", broker.bootstrapServers());
            operator.putAll(certificates.clientCertificate("CN=operator").clientSettings());
            try (Admin admin = Admin.create(operator)) {
                admin.createAcls(List.of(allow("User:alice", ResourceType.TOPIC, "payments", PatternType.LITERAL,
                        AclOperation.WRITE))).all().get();
            }
            Map<String, Object> alice = TlsTest.sslClient(certificates, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
            alice.putAll(certificates.clientCertificate("CN=Alice,OU=payments").clientSettings());
            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), alice)) {
                producer.send(new ProducerRecord<>("payments", "k", "v")).get(); // User:alice by the rule
            }
            Map<String, Object> bob = TlsTest.sslClient(certificates, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
            bob.putAll(certificates.clientCertificate("CN=Bob,OU=payments").clientSettings());
            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), bob)) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>("payments", "k", "v")).get())
                        .cause().isInstanceOf(TopicAuthorizationException.class);
            }
        }
    }

    @Test
    void badAclsAreRefusedWithKafkasMessages() throws Exception {
        try (KafkaLite broker = secured().start();
             Admin admin = Admin.create(with(broker.bootstrapServers(), plain("admin", "admin-secret")))) {
            assertThatThrownBy(() -> admin.createAcls(List.of(allow("User:alice", ResourceType.CLUSTER, "other",
                    PatternType.LITERAL, AclOperation.ALTER))).all().get())
                    .hasMessageContaining("The only valid name for the CLUSTER resource is kafka-cluster");
        }
        assertThatThrownBy(() -> secured().brokerConfig("authorizer.class.name", "com.example.MyAuthorizer").start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("StandardAuthorizer");
    }
}
