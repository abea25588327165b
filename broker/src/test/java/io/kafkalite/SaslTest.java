package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.UnsupportedSaslMechanismException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SASL with real clients: PLAIN, SCRAM-SHA-256/512 and OAUTHBEARER, wrong credentials, and misbehaving clients. */
class SaslTest {

    static final String PLAIN_JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"admin\" password=\"admin-secret\" user_admin=\"admin-secret\" user_alice=\"alice-secret\";";

    static Map<String, Object> plain(String user, String password) {
        return sasl("PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";");
    }

    static Map<String, Object> scram(String mechanism, String user, String password) {
        return sasl(mechanism, "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";");
    }

    static Map<String, Object> sasl(String mechanism, String jaas) {
        Map<String, Object> config = new HashMap<>();
        config.put("security.protocol", "SASL_PLAINTEXT");
        config.put("sasl.mechanism", mechanism);
        config.put("sasl.jaas.config", jaas);
        return config;
    }

    @Test
    void plainUsersFromTheListenersJaasConfig() throws Exception {
        try (KafkaLite broker = KafkaLite.builder()
                .brokerConfig("listeners", "SASL_PLAINTEXT://127.0.0.1:0")
                .brokerConfig("sasl.enabled.mechanisms", "PLAIN")
                .brokerConfig("listener.name.sasl_plaintext.plain.sasl.jaas.config", PLAIN_JAAS)
                .topic("orders", 1)
                .start()) {
            String bootstrap = broker.bootstrapServers();
            try (KafkaProducer<String, String> producer = Clients.producer(bootstrap, plain("alice", "alice-secret"))) {
                producer.send(new ProducerRecord<>("orders", "k", "v")).get();
            }
            try (KafkaConsumer<String, String> consumer = Clients.consumer(bootstrap, plain("admin", "admin-secret"))) {
                assertThat(Clients.readAll(consumer, List.of(new TopicPartition("orders", 0)), 1))
                        .extracting(ConsumerRecord::value).containsExactly("v");
            }
            assertLoginFails(bootstrap, plain("alice", "wrong"), "Authentication failed: Invalid username or password");
            assertLoginFails(bootstrap, plain("mallory", "alice-secret"), "Authentication failed: Invalid username or password");
            try (Admin admin = Admin.create(with(bootstrap, scram("SCRAM-SHA-256", "alice", "alice-secret")))) {
                assertThatThrownBy(() -> admin.describeCluster().nodes().get()).cause()
                        .isInstanceOf(UnsupportedSaslMechanismException.class)
                        .hasMessageContaining("enabled mechanisms are [PLAIN]");
            }
        }
    }

    @Test
    void scramUsersDeclaredAtStartAndManagedThroughAdminSurviveARestart(@TempDir Path data) throws Exception {
        KafkaLite.Builder builder = KafkaLite.builder()
                .brokerConfig("listeners", "SASL_PLAINTEXT://127.0.0.1:0")
                .user("admin", "admin-secret")
                .dataDirectory(data);
        try (KafkaLite broker = builder.start()) {
            String bootstrap = broker.bootstrapServers();
            for (String mechanism : List.of("SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN")) {
                try (Admin admin = Admin.create(with(bootstrap, scramOrPlain(mechanism, "admin", "admin-secret")))) {
                    assertThat(admin.describeCluster().nodes().get()).hasSize(1);
                }
            }
            assertLoginFails(bootstrap, scram("SCRAM-SHA-512", "admin", "wrong"),
                    "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512");
            assertLoginFails(bootstrap, scram("SCRAM-SHA-256", "nobody", "x"),
                    "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256");
            try (Admin admin = Admin.create(with(bootstrap, scram("SCRAM-SHA-256", "admin", "admin-secret")))) {
                admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("bob",
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), "bob-secret"))).all().get();
                UserScramCredentialsDescription bob = admin.describeUserScramCredentials(List.of("bob")).description("bob").get();
                assertThat(bob.credentialInfos()).containsExactly(new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192));
                assertThat(admin.describeUserScramCredentials().users().get()).containsExactlyInAnyOrder("admin", "bob");
                assertThatThrownBy(() -> admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("eve",
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 100), "pw"))).all().get())
                        .hasMessageContaining("Too few iterations");
            }
        }
        try (KafkaLite restarted = builder.start()) {
            try (Admin admin = Admin.create(with(restarted.bootstrapServers(), scram("SCRAM-SHA-512", "bob", "bob-secret")))) {
                assertThat(admin.describeCluster().nodes().get()).hasSize(1);
            }
        }
    }

    @Test
    void saslOverTlsBesidePlaintext() throws Exception {
        try (KafkaLite broker = KafkaLite.builder()
                .brokerConfig("listeners", "PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0")
                .user("alice", "alice-secret")
                .topic("t", 1)
                .start()) {
            Map<String, Object> security = scram("SCRAM-SHA-512", "alice", "alice-secret");
            security.put("security.protocol", "SASL_SSL");
            security.putAll(broker.certificates().clientTrustSettings());
            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers("SASL_SSL"), security)) {
                producer.send(new ProducerRecord<>("t", "k", "over TLS")).get();
            }
            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers("PLAINTEXT"), Map.of())) {
                assertThat(Clients.readAll(consumer, List.of(new TopicPartition("t", 0)), 1))
                        .extracting(ConsumerRecord::value).containsExactly("over TLS");
            }
        }
    }

    @Test
    void oauthBearerWithKafkasUnsecuredTokens() throws Exception {
        try (KafkaLite broker = KafkaLite.builder()
                .brokerConfig("listeners", "SASL_PLAINTEXT://127.0.0.1:0")
                .brokerConfig("sasl.enabled.mechanisms", "OAUTHBEARER")
                .brokerConfig("listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config",
                        "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required "
                                + "unsecuredValidatorRequiredScope=\"kafka\";")
                .start()) {
            String bootstrap = broker.bootstrapServers();
            Map<String, Object> withScope = sasl("OAUTHBEARER", "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule "
                    + "required unsecuredLoginStringClaim_sub=\"alice\" unsecuredLoginListClaim_scope=\",kafka,other\";");
            try (Admin admin = Admin.create(with(bootstrap, withScope))) {
                assertThat(admin.describeCluster().nodes().get()).hasSize(1);
            }
            Map<String, Object> withoutScope = sasl("OAUTHBEARER", "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule "
                    + "required unsecuredLoginStringClaim_sub=\"alice\";");
            assertLoginFails(bootstrap, withoutScope, "{\"status\":\"insufficient_scope\", \"scope\":\"[kafka]\"}");
        }
    }

    @Test
    void nothingButTheSaslExchangeIsAnsweredBeforeAuthentication() throws Exception {
        try (KafkaLite broker = KafkaLite.builder()
                .brokerConfig("listeners", "SASL_PLAINTEXT://127.0.0.1:0")
                .brokerConfig("listener.name.sasl_plaintext.plain.sasl.jaas.config", PLAIN_JAAS)
                .brokerConfig("connection.failed.authentication.delay.ms", "20")
                .start()) {
            try (RawClient client = new RawClient("127.0.0.1", broker.port())) {
                assertThatThrownBy(() -> client.send(ApiKeys.METADATA, (short) 12, new MetadataRequestData()))
                        .isInstanceOf(java.io.IOException.class);
            }
            // an oversized token before authentication (sasl.server.max.receive.size is 512 KiB)
            try (RawClient client = new RawClient("127.0.0.1", broker.port())) {
                client.writeRaw(ByteBuffer.allocate(4).putInt(10 << 20).array());
                assertThat(client.closedByBroker()).isTrue();
            }
            // a flood of failed logins: each closes its own connection, the broker keeps serving
            for (int i = 0; i < 20; i++) {
                assertLoginFails(broker.bootstrapServers(), plain("alice", "guess-" + i), "Invalid username or password");
            }
            try (Admin admin = Admin.create(with(broker.bootstrapServers(), plain("alice", "alice-secret")))) {
                assertThat(admin.describeCluster().nodes().get()).hasSize(1);
            }
        }
    }

    @Test
    void unframedTokensAfterAVersion0Handshake() throws Exception {
        try (KafkaLite broker = KafkaLite.builder()
                .brokerConfig("listeners", "SASL_PLAINTEXT://127.0.0.1:0")
                .brokerConfig("listener.name.sasl_plaintext.plain.sasl.jaas.config", PLAIN_JAAS)
                .start();
             Socket socket = new Socket("127.0.0.1", broker.port())) {
            socket.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            RequestHeader header = new RequestHeader(ApiKeys.SASL_HANDSHAKE, (short) 0, "old-client", 1);
            ByteBuffer request = RequestUtils.serialize(header.data(), header.headerVersion(),
                    new SaslHandshakeRequestData().setMechanism("PLAIN"), (short) 0);
            writeFrame(out, request);
            SaslHandshakeResponseData handshake = (SaslHandshakeResponseData) org.apache.kafka.common.requests.AbstractResponse
                    .parseResponse(readFrame(in), header).data();
            assertThat(handshake.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(handshake.mechanisms()).contains("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER");
            writeFrame(out, ByteBuffer.wrap("\u0000alice\u0000alice-secret".getBytes(StandardCharsets.UTF_8)));
            assertThat(readFrame(in).remaining()).isZero(); // PLAIN's empty final token
            RequestHeader metadataHeader = new RequestHeader(ApiKeys.METADATA, (short) 12, "old-client", 2);
            writeFrame(out, RequestUtils.serialize(metadataHeader.data(), metadataHeader.headerVersion(),
                    new MetadataRequestData().setTopics(List.of()), (short) 12));
            MetadataResponseData metadata = (MetadataResponseData) org.apache.kafka.common.requests.AbstractResponse
                    .parseResponse(readFrame(in), metadataHeader).data();
            assertThat(metadata.brokers()).hasSize(1);
        }
    }

    private static void writeFrame(DataOutputStream out, ByteBuffer frame) throws java.io.IOException {
        out.writeInt(frame.remaining());
        out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
        out.flush();
    }

    private static ByteBuffer readFrame(DataInputStream in) throws java.io.IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return ByteBuffer.wrap(bytes);
    }

    static void assertLoginFails(String bootstrap, Map<String, Object> security, String message) {
        try (Admin admin = Admin.create(with(bootstrap, security))) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get())
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(SaslAuthenticationException.class).hasMessageContaining(message);
        }
    }

    private static Map<String, Object> scramOrPlain(String mechanism, String user, String password) {
        return mechanism.equals("PLAIN") ? plain(user, password) : scram(mechanism, user, password);
    }

    static Map<String, Object> with(String bootstrap, Map<String, Object> security) {
        Map<String, Object> config = new HashMap<>(security);
        config.put("bootstrap.servers", bootstrap);
        config.put("default.api.timeout.ms", 15_000);
        config.put("request.timeout.ms", 10_000);
        return config;
    }
}
