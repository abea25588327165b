package io.kafkalite.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** TLS alone: clients present certificates from the broker's CA, and CN=alice is User:alice. */
@Tag("embedded") // a secure embedded cluster: not run against the real broker
@KafkaLiteTest(tls = true, users = {"alice", "bob"}, topics = "t", acls = "ALLOW alice WRITE TOPIC t")
class MutualTlsClusterTest {

    @Test
    void certificatesNameThePrincipal(@KafkaUser("alice") Producer<String, String> alice,
                                      @KafkaUser("bob") Producer<String, String> bob, Admin superUser) throws Exception {
        alice.send(new ProducerRecord<>("t", "k", "v")).get();
        assertThatThrownBy(() -> bob.send(new ProducerRecord<>("t", "k", "v")).get())
                .cause().isInstanceOf(TopicAuthorizationException.class);
        assertThat(superUser.listTopics().names().get()).contains("t");
    }
}
