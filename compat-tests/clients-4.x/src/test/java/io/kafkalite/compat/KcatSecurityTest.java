package io.kafkalite.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kafkalite.KafkaLite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** librdkafka (kcat) over SASL_SSL, trusting the broker's generated CA as a user's script would. */
class KcatSecurityTest {

    static KafkaLite broker;

    @BeforeAll
    static void start() throws Exception {
        if (!ClientProcess.works("kcat", "-V")) {
            ClientProcess.unavailable("kcat is not installed (apt-get install kcat, or run `bash scripts/test`)");
        }
        broker = KafkaLite.builder()
                .brokerConfig("listeners", "SASL_SSL://127.0.0.1:0")
                .brokerConfig("listener.name.sasl_ssl.plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required user_carol=\"carol-secret\";")
                .user("dave", "dave-secret")
                .start();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"})
    void kcatProducesAndConsumesOverSaslSsl(String mechanism) throws Exception {
        String user = mechanism.equals("PLAIN") ? "carol" : "dave";
        String topic = "kcat-" + mechanism.toLowerCase();
        List<String> security = List.of("-X", "security.protocol=SASL_SSL", "-X", "sasl.mechanisms=" + mechanism,
                "-X", "sasl.username=" + user, "-X", "sasl.password=" + user + "-secret",
                "-X", "ssl.ca.location=" + broker.certificates().caCertificateFile());
        ClientProcess.Result produced = kcat("k1:one\nk2:two\n", security, "-P", "-t", topic, "-K", ":");
        assertThat(produced.exitCode()).as(produced.output()).isZero();
        ClientProcess.Result consumed = kcat("", security, "-C", "-t", topic, "-o", "beginning", "-e", "-f", "%k=%s\\n");
        assertThat(consumed.exitCode()).as(consumed.output()).isZero();
        assertThat(consumed.output().lines().filter(l -> l.startsWith("k"))).containsExactly("k1=one", "k2=two");

        List<String> wrong = new ArrayList<>(security);
        wrong.set(wrong.indexOf("sasl.password=" + user + "-secret"), "sasl.password=wrong");
        ClientProcess.Result rejected = kcat("", wrong, "-L", "-m", "3");
        assertThat(rejected.exitCode()).as("a wrong password gets no metadata").isNotZero();
    }

    private static ClientProcess.Result kcat(String stdin, List<String> security, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("kcat", "-b", broker.bootstrapServers(), "-q"));
        command.addAll(security);
        command.addAll(List.of(args));
        return ClientProcess.run(command, Path.of("."), Map.of(), stdin, 60);
    }
}
