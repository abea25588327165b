package io.kafkalite.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import io.kafkalite.KafkaLite;
import io.kafkalite.security.GeneratedCertificates;
import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SASL (PLAIN, SCRAM-SHA-256/512, OAUTHBEARER), TLS, mutual TLS and ACLs against this module's kafka-clients
 * version, through the shaded broker jar: one broker with a SASL_PLAINTEXT, an SSL (client certificates required)
 * and a SASL_SSL listener.
 */
class SecurityTest {

    /**
     * kafka-clients before 3.9 read the SASL login from {@code Subject.getSubject}, which throws on Java 23 and later,
     * so those clients cannot log in over SASL there, whatever the broker; 3.9 brought the shim that avoids it
     * (KAFKA-17078).
     */
    static final boolean SASL_CLIENT_RUNS_HERE = Runtime.version().feature() < 23
            || classExists("org.apache.kafka.common.internals.SecurityManagerCompatibility");

    static KafkaLite broker;
    static GeneratedCertificates certificates;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaLite.builder()
                .brokerConfig("listeners", "SASL_PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,SASL_SSL://127.0.0.1:0")
                .brokerConfig("listener.name.ssl.ssl.client.auth", "required")
                .brokerConfig("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .brokerConfig("super.users", "User:admin;User:CN=admin")
                .brokerConfig("connection.failed.authentication.delay.ms", "0")
                .user("admin", "admin-secret")
                .user("alice", "alice-secret")
                .topic("secret", 1)
                .topic("alice-orders", 1)
                .start();
        certificates = broker.certificates();
        try (Admin admin = Admin.create(superUserOverMutualTls())) {
            admin.createAcls(List.of(
                    allow(ResourceType.TOPIC, "alice-", PatternType.PREFIXED, AclOperation.READ),
                    allow(ResourceType.TOPIC, "alice-", PatternType.PREFIXED, AclOperation.WRITE),
                    allow(ResourceType.GROUP, "alice-", PatternType.PREFIXED, AclOperation.READ))).all().get();
        }
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static boolean classExists(String name) {
        try {
            Class.forName(name, false, SecurityTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static void assumeSaslClientRunsHere() {
        assumeTrue(SASL_CLIENT_RUNS_HERE, "kafka-clients before 3.9 cannot log in over SASL on Java "
                + Runtime.version().feature() + " (Subject.getSubject throws; fixed in 3.9, KAFKA-17078)");
    }

    /** The SSL listener with a client certificate for CN=admin, a super user. */
    private static Map<String, Object> superUserOverMutualTls() {
        Map<String, Object> config = client("SSL", null, null, null);
        config.putAll(certificates.clientCertificate("CN=admin").clientSettings());
        return config;
    }

    private static AclBinding allow(ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:alice", "*", operation, AclPermissionType.ALLOW));
    }

    /** Client settings for a listener (by its protocol name) and a SASL mechanism and user. */
    static Map<String, Object> client(String protocol, String mechanism, String user, String password) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", broker.bootstrapServers(protocol));
        config.put("security.protocol", protocol);
        config.put("default.api.timeout.ms", 20_000);
        config.put("request.timeout.ms", 10_000);
        if (protocol.contains("SSL")) {
            config.putAll(certificates.clientTrustSettings());
        }
        if (mechanism != null) {
            config.put("sasl.mechanism", mechanism);
            String module = mechanism.equals("PLAIN") ? "plain.PlainLoginModule"
                    : mechanism.equals("OAUTHBEARER") ? "oauthbearer.OAuthBearerLoginModule" : "scram.ScramLoginModule";
            String options = mechanism.equals("OAUTHBEARER") ? "unsecuredLoginStringClaim_sub=\"" + user + "\""
                    : "username=\"" + user + "\" password=\"" + password + "\"";
            config.put("sasl.jaas.config", "org.apache.kafka.common.security." + module + " required " + options + ";");
        }
        return config;
    }

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER"})
    void everyMechanismCarriesRecordsOverSaslPlaintextAndSaslSsl(String mechanism) throws Exception {
        assumeSaslClientRunsHere();
        for (String protocol : List.of("SASL_PLAINTEXT", "SASL_SSL")) {
            roundTrip(client(protocol, mechanism, "admin", "admin-secret"), mechanism + "-" + protocol);
        }
    }

    @Test
    void mutualTlsWithAClientCertificateOfTheBrokersCa() throws Exception {
        roundTrip(superUserOverMutualTls(), "mutual-tls");
        try (Admin admin = Admin.create(client("SSL", null, null, null))) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SslAuthenticationException.class);
        }
    }

    @Test
    void aWrongPasswordIsRejectedWithKafkasMessage() {
        assumeSaslClientRunsHere();
        for (String mechanism : List.of("PLAIN", "SCRAM-SHA-512")) {
            try (Admin admin = Admin.create(client("SASL_SSL", mechanism, "alice", "wrong"))) {
                assertThatThrownBy(() -> admin.describeCluster().nodes().get())
                        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SaslAuthenticationException.class)
                        .hasMessageContaining(mechanism.equals("PLAIN") ? "Invalid username or password"
                                : "invalid credentials with SASL mechanism SCRAM-SHA-512");
            }
        }
    }

    @Test
    void anUnauthorizedPrincipalGetsKafkasErrorsAndLearnsNothingAboutOtherTopics() throws Exception {
        assumeSaslClientRunsHere();
        Map<String, Object> alice = client("SASL_SSL", "SCRAM-SHA-256", "alice", "alice-secret");
        try (KafkaProducer<byte[], byte[]> producer = Clients.bytesProducer(broker.bootstrapServers("SASL_SSL"), alice)) {
            producer.send(new ProducerRecord<>("alice-orders", bytes("mine"))).get();
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("secret", bytes("x"))).get())
                    .cause().isInstanceOf(TopicAuthorizationException.class);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.bytesConsumer(broker.bootstrapServers("SASL_SSL"), alice)) {
            consumer.assign(List.of(new TopicPartition("secret", 0)));
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10))).isInstanceOf(TopicAuthorizationException.class);
        }
        Map<String, Object> otherGroup = new HashMap<>(alice);
        otherGroup.put(ConsumerConfig.GROUP_ID_CONFIG, "someone-elses-group");
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.bytesConsumer(broker.bootstrapServers("SASL_SSL"), otherGroup)) {
            consumer.subscribe(List.of("alice-orders"));
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10))).isInstanceOf(GroupAuthorizationException.class);
            assertThatThrownBy(() -> consumer.commitSync(Collections.singletonMap(new TopicPartition("alice-orders", 0),
                    new OffsetAndMetadata(1)))).isInstanceOf(GroupAuthorizationException.class);
        }
        try (Admin admin = Admin.create(alice)) {
            assertThat(admin.listTopics().names().get()).containsExactly("alice-orders");
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("alice-new", 1, (short) 1))).all().get())
                    .cause().isInstanceOf(TopicAuthorizationException.class);
            for (String topic : List.of("secret", "no-such-topic")) {
                try (KafkaConsumer<byte[], byte[]> consumer = Clients.bytesConsumer(broker.bootstrapServers("SASL_SSL"), alice)) {
                    assertThatThrownBy(() -> consumer.partitionsFor(topic)).isInstanceOf(TopicAuthorizationException.class);
                }
                assertThatThrownBy(() -> admin.listOffsets(Collections.singletonMap(new TopicPartition(topic, 0),
                        OffsetSpec.latest())).all().get()).cause().isInstanceOf(TopicAuthorizationException.class);
            }
        }
    }

    private static void roundTrip(Map<String, Object> security, String label) throws Exception {
        String topic = "security-" + label.toLowerCase().replace('_', '-');
        String bootstrap = (String) security.get("bootstrap.servers");
        try (KafkaProducer<byte[], byte[]> producer = Clients.bytesProducer(bootstrap, security)) {
            producer.send(new ProducerRecord<>(topic, 0, bytes("k"), bytes("via " + label))).get();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.bytesConsumer(bootstrap, security)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            assertThat(Clients.poll(consumer, 1)).singleElement()
                    .satisfies(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("via " + label));
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
