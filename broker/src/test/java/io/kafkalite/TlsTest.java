package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import io.kafkalite.security.CertificateAuthority;
import io.kafkalite.security.GeneratedCertificates;
import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SSL listeners with real clients: generated and user-given certificates, mutual TLS, and what is not TLS. */
class TlsTest {

    @Test
    void sslListenerWithGeneratedCertificatesCarriesRecordsBothWays() throws Exception {
        try (KafkaLite broker = KafkaLite.builder().brokerConfig("listeners", "SSL://127.0.0.1:0").topic("secure", 2).start()) {
            Map<String, Object> tls = sslClient(broker.certificates());
            String bootstrap = broker.bootstrapServers();
            byte[] big = new byte[900_000]; // larger than one TLS record and one socket write
            big[0] = 7;
            big[big.length - 1] = 9;
            try (KafkaProducer<byte[], byte[]> producer = Clients.bytesProducer(bootstrap,
                    with(tls, ProducerConfig.LINGER_MS_CONFIG, 5))) {
                for (int i = 0; i < 2000; i++) {
                    producer.send(new ProducerRecord<>("secure", i % 2, null, ("v" + i).getBytes()));
                }
                producer.send(new ProducerRecord<>("secure", 0, null, big)).get();
            }
            Map<String, Object> consumerConfig = with(tls, ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 4 << 20);
            try (KafkaConsumer<String, String> consumer = Clients.consumer(bootstrap, consumerConfig)) {
                List<ConsumerRecord<String, String>> records = Clients.readAll(consumer,
                        List.of(new TopicPartition("secure", 0), new TopicPartition("secure", 1)), 2001);
                assertThat(records).hasSize(2001);
                assertThat(records.stream().filter(r -> r.value().length() == big.length)).hasSize(1);
            }
        }
    }

    @Test
    void mutualTlsRequiresAClientCertificateSignedByTheCa() throws Exception {
        try (KafkaLite broker = KafkaLite.builder()
                .brokerConfig("listeners", "SSL://127.0.0.1:0")
                .brokerConfig("ssl.client.auth", "required")
                .start()) {
            GeneratedCertificates certificates = broker.certificates();
            try (Admin admin = Admin.create(sslClient(certificates, "bootstrap.servers", broker.bootstrapServers(),
                    "default.api.timeout.ms", 5000, "request.timeout.ms", 4000))) {
                assertThatThrownBy(() -> admin.listTopics().names().get())
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SslAuthenticationException.class);
            }
            Map<String, Object> withCertificate = sslClient(certificates, "bootstrap.servers", broker.bootstrapServers());
            withCertificate.putAll(certificates.clientCertificate("CN=alice,OU=payments").clientSettings());
            try (Admin admin = Admin.create(withCertificate)) {
                assertThat(admin.describeCluster().nodes().get()).hasSize(1);
            }
            // the same with a PKCS12 keystore file instead of PEM settings
            GeneratedCertificates.ClientCertificate bob = certificates.clientCertificate("CN=bob");
            Map<String, Object> fromFiles = new HashMap<>(Map.of(
                    "bootstrap.servers", broker.bootstrapServers(), "security.protocol", "SSL",
                    "ssl.truststore.location", certificates.truststoreFile().toString(),
                    "ssl.truststore.password", certificates.truststorePassword(),
                    "ssl.keystore.location", bob.keystoreFile().toString(),
                    "ssl.keystore.password", certificates.truststorePassword(),
                    "ssl.keystore.type", "PKCS12"));
            try (Admin admin = Admin.create(fromFiles)) {
                assertThat(admin.describeCluster().nodes().get()).hasSize(1);
            }
        }
    }

    @Test
    void aKeystoreOfTheUsersOwnIsServed(@TempDir Path dir) throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("CN=Team CA");
        CertificateAuthority.Issued server = ca.issueServer("CN=broker", List.of("localhost", "127.0.0.1"));
        KeyStore keystore = KeyStore.getInstance("PKCS12");
        keystore.load(null, null);
        keystore.setKeyEntry("broker", server.privateKey(), "key-secret".toCharArray(), server.chain());
        Path keystoreFile = dir.resolve("broker.p12");
        try (OutputStream out = Files.newOutputStream(keystoreFile)) {
            keystore.store(out, "store-secret".toCharArray());
        }
        try (KafkaLite broker = KafkaLite.builder()
                .brokerConfig("listeners", "PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0")
                .brokerConfig("listener.name.ssl.ssl.keystore.location", keystoreFile.toString())
                .brokerConfig("listener.name.ssl.ssl.keystore.password", "store-secret")
                .brokerConfig("listener.name.ssl.ssl.key.password", "key-secret")
                .brokerConfig("listener.name.ssl.ssl.keystore.type", "PKCS12")
                .start()) {
            Map<String, Object> client = new HashMap<>(Map.of("bootstrap.servers", broker.bootstrapServers("SSL"),
                    "security.protocol", "SSL", "ssl.truststore.type", "PEM",
                    "ssl.truststore.certificates", CertificateAuthority.pem(ca.certificate())));
            try (Admin admin = Admin.create(client)) {
                assertThat(admin.describeCluster().nodes().get()).singleElement()
                        .satisfies(n -> assertThat(n.host() + ":" + n.port()).isEqualTo(broker.bootstrapServers("SSL")));
            }
            assertThatThrownBy(broker::certificates).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("generated no certificates");
        }
        assertThatThrownBy(() -> KafkaLite.builder().brokerConfig("listeners", "SSL://127.0.0.1:0")
                .brokerConfig("ssl.keystore.location", dir.resolve("missing.p12").toString())
                .brokerConfig("ssl.keystore.password", "x").start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Cannot set up TLS for listener SSL");
    }

    @Test
    void plaintextAndGarbageOnATlsPortCloseOnlyTheirOwnConnection() throws Exception {
        try (KafkaLite broker = KafkaLite.builder().brokerConfig("listeners", "SSL://127.0.0.1:0").topic("t", 1).start()) {
            Map<String, Object> tls = sslClient(broker.certificates());
            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), tls)) {
                producer.send(new ProducerRecord<>("t", "k", "before")).get();
                try (RawClient plaintext = new RawClient("127.0.0.1", broker.port())) {
                    assertThatThrownBy(() -> plaintext.send(ApiKeys.API_VERSIONS, (short) 3, new ApiVersionsRequestData()))
                            .isInstanceOf(java.io.IOException.class);
                }
                try (RawClient garbage = new RawClient("127.0.0.1", broker.port())) {
                    garbage.writeRaw("GET / HTTP/1.1\r\nHost: kafka\r\n\r\n".getBytes());
                    assertThat(garbage.closedByBrokerAfterAnyReply()).isTrue();
                }
                producer.send(new ProducerRecord<>("t", "k", "after")).get();
            }
            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), tls)) {
                assertThat(Clients.readAll(consumer, List.of(new TopicPartition("t", 0)), 2))
                        .extracting(ConsumerRecord::value).containsExactly("before", "after");
            }
        }
    }

    static Map<String, Object> sslClient(GeneratedCertificates certificates, Object... extra) {
        Map<String, Object> config = new HashMap<>(certificates.clientTrustSettings());
        config.put("security.protocol", "SSL");
        for (int i = 0; i < extra.length; i += 2) {
            config.put((String) extra[i], extra[i + 1]);
        }
        return config;
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(base);
        copy.put(key, value);
        return copy;
    }
}
