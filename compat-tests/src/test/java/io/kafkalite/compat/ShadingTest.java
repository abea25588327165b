package io.kafkalite.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.Properties;

import io.kafkalite.KafkaLite;
import org.junit.jupiter.api.Test;

/** The broker's Kafka classes are relocated, so the user's kafka-clients version is the one in use. */
class ShadingTest {

    @Test
    void usersKafkaClientsAndTheBrokersRelocatedCopyLiveSideBySide() throws Exception {
        // kafka-clients reports its version from this resource; the broker jar leaves its own copy out
        Properties version = new Properties();
        try (InputStream in = ShadingTest.class.getClassLoader().getResourceAsStream("kafka/kafka-version.properties")) {
            version.load(in);
        }
        assertThat(version.getProperty("version")).isEqualTo(System.getProperty("expected.kafka.version"));

        Class<?> relocated = Class.forName("io.kafkalite.shaded.kafka.common.protocol.ApiKeys");
        Class<?> users = Class.forName("org.apache.kafka.common.protocol.ApiKeys");
        String brokerJar = KafkaLite.class.getProtectionDomain().getCodeSource().getLocation().toString();
        assertThat(relocated.getProtectionDomain().getCodeSource().getLocation().toString()).isEqualTo(brokerJar);
        assertThat(brokerJar).endsWith(".jar");
        assertThat(users.getProtectionDomain().getCodeSource().getLocation().toString())
                .contains("kafka-clients-" + System.getProperty("expected.kafka.version"));
    }
}
