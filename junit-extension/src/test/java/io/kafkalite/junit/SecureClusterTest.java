package io.kafkalite.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A secure cluster in one annotation: SASL over TLS, users, ACLs; clients as the super user or a named user. */
@KafkaLiteTest(sasl = "SCRAM-SHA-512", tls = true, users = {"alice:alice-pw", "bob:bob-pw"},
        topics = {"orders", "payments"},
        acls = {"ALLOW alice READ,WRITE TOPIC orders", "ALLOW User:alice READ GROUP alice- PREFIXED"})
@Tag("embedded") // a secure embedded cluster: not run against the real broker
class SecureClusterTest {

    @Test
    void injectedClientsLogInAsTheSuperUser(Producer<String, String> producer, KafkaCluster kafka) throws Exception {
        producer.send(new ProducerRecord<>("payments", "p-1", "10 EUR")).get();
        assertThat(kafka.awaitRecords("payments", 1, Duration.ofSeconds(10)))
                .extracting(ConsumerRecord::value).containsExactly("10 EUR");
        assertThat(kafka.clientConfig()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512").containsKey("ssl.truststore.certificates");
    }

    @Test
    void aNamedUserIsHeldToTheClassAcls(@KafkaUser("alice") Producer<String, String> alice,
                                        @ClientProperties("group.id=alice-billing") @KafkaUser("alice")
                                        Consumer<String, String> aliceConsumer,
                                        @ClientProperties("group.id=other") @KafkaUser("alice")
                                        Consumer<String, String> wrongGroup) throws Exception {
        alice.send(new ProducerRecord<>("orders", "o-1", "42 EUR")).get();
        assertThatThrownBy(() -> alice.send(new ProducerRecord<>("payments", "p-1", "stolen")).get())
                .cause().isInstanceOf(TopicAuthorizationException.class);
        aliceConsumer.subscribe(List.of("orders"));
        ConsumerRecord<String, String> received = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (received == null && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : aliceConsumer.poll(Duration.ofMillis(100))) {
                received = record;
            }
        }
        assertThat(received).isNotNull().extracting(ConsumerRecord::value).isEqualTo("42 EUR");
        wrongGroup.subscribe(List.of("orders"));
        assertThatThrownBy(() -> wrongGroup.poll(Duration.ofSeconds(5))).isInstanceOf(GroupAuthorizationException.class);
    }

    @Test
    void clientConfigForAUserLogsInAsThatUser(KafkaCluster kafka) throws Exception {
        Map<String, Object> bob = kafka.clientConfig("bob");
        try (Admin admin = Admin.create(bob)) {
            assertThat(admin.listTopics().names().get()).isEmpty(); // bob has no ACL: he sees no topic
        }
        assertThatThrownBy(() -> kafka.clientConfig("mallory")).hasMessageContaining("No user 'mallory' was declared");
    }
}
