package io.kafkalite.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.kafkalite.KafkaLite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** librdkafka (kcat) over SASL_SSL, trusting the broker's generated CA as a user's script would. */
class KcatSecurityTest {

    static KafkaLite broker;

    @BeforeAll
    static void start() throws Exception {
        boolean installed;
        try {
            installed = new ProcessBuilder("kcat", "-V").redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            installed = false;
        }
        if (!installed) {
            if (System.getenv("CI") != null) {
                fail("kcat is not installed: run the tests with `bash scripts/test`, which installs it");
            }
            Assumptions.abort("kcat is not installed (apt-get install kcat, or run `bash scripts/test`)");
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
        Result produced = kcat("k1:one\nk2:two\n", security, "-P", "-t", topic, "-K", ":");
        assertThat(produced.exitCode).as(produced.output).isZero();
        Result consumed = kcat("", security, "-C", "-t", topic, "-o", "beginning", "-e", "-f", "%k=%s\\n");
        assertThat(consumed.exitCode).as(consumed.output).isZero();
        assertThat(consumed.output.lines().filter(l -> l.startsWith("k"))).containsExactly("k1=one", "k2=two");

        List<String> wrong = new ArrayList<>(security);
        wrong.set(wrong.indexOf("sasl.password=" + user + "-secret"), "sasl.password=wrong");
        Result rejected = kcat("", wrong, "-L", "-m", "3");
        assertThat(rejected.exitCode).as("a wrong password gets no metadata").isNotZero();
    }

    private static Result kcat(String stdin, List<String> security, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("kcat", "-b", broker.bootstrapServers(), "-q"));
        command.addAll(security);
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("kcat " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private record Result(int exitCode, String output) {
    }
}
