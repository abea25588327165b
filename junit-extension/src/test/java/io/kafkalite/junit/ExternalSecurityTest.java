package io.kafkalite.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.time.Duration;

import io.kafkalite.KafkaLite;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/** External mode on a secured cluster: the user's own client settings reach every client the extension makes. */
@Tag("embedded") // a SASL Kafkalite standing in as the external cluster: not run against the real broker
class ExternalSecurityTest {

    private static final String PREFIX = ExternalClientConfig.PREFIX;

    @Test
    void theUsersSecuritySettingsArePassedThrough() {
        try (KafkaLite external = KafkaLite.builder()
                .brokerConfig("listeners", "SASL_PLAINTEXT://127.0.0.1:0")
                .brokerConfig("sasl.enabled.mechanisms", "PLAIN")
                .user("ci", "ci-secret")
                .start()) {
            System.setProperty(KafkaLiteExtension.EXTERNAL_BOOTSTRAP_PROPERTY, external.bootstrapServers());
            System.setProperty(PREFIX + "security.protocol", "SASL_PLAINTEXT");
            System.setProperty(PREFIX + "sasl.mechanism", "PLAIN");
            System.setProperty(PREFIX + "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule "
                    + "required username=\"ci\" password=\"ci-secret\";");
            try {
                EngineTestKit.engine("junit-jupiter").selectors(selectClass(SecuredExternalFixture.class)).execute()
                        .testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
            } finally {
                System.clearProperty(KafkaLiteExtension.EXTERNAL_BOOTSTRAP_PROPERTY);
                System.clearProperty(PREFIX + "security.protocol");
                System.clearProperty(PREFIX + "sasl.mechanism");
                System.clearProperty(PREFIX + "sasl.jaas.config");
            }
        }
    }

    @KafkaLiteTest(topics = "secured-external")
    static class SecuredExternalFixture {
        @Test
        void producesAndReadsBack(KafkaCluster kafka, Producer<String, String> producer) throws Exception {
            assertThat(kafka.isEmbedded()).isFalse();
            assertThat(kafka.clientConfig()).containsEntry("security.protocol", "SASL_PLAINTEXT");
            producer.send(new ProducerRecord<>("secured-external", "k", "v")).get();
            assertThat(kafka.awaitRecords("secured-external", 1, Duration.ofSeconds(20)))
                    .extracting(ConsumerRecord::value).containsExactly("v");
        }
    }
}
