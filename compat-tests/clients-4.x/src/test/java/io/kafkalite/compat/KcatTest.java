package io.kafkalite.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kafkalite.KafkaLite;
import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** librdkafka, through the kcat command line, as a user's shell script would drive it. */
class KcatTest {

    static KafkaLite broker;

    @BeforeAll
    static void start() throws Exception {
        if (!ClientProcess.works("kcat", "-V")) {
            ClientProcess.unavailable("kcat is not installed (apt-get install kcat, or run `bash scripts/test`)");
        }
        broker = KafkaLite.start();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void kcatProducesWithEveryCodecAndReadsBackInAssignMode(String codec) throws Exception {
        String topic = "kcat-" + codec;
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < 25; i++) {
            input.append("key-").append(i).append(':').append(value(i, codec)).append('\n');
        }
        // -d msg makes librdkafka log each batch with its codec: proof it really compressed (it silently
        // sends uncompressed batches to brokers whose ApiVersions make it believe they cannot decompress)
        ClientProcess.Result produced = kcat(input.toString(), "-P", "-t", topic, "-p", "0", "-K", ":",
                "-X", "compression.codec=" + codec, "-d", "msg");
        assertThat(produced.exitCode()).as(produced.output()).isZero();
        assertThat(produced.output()).containsPattern("Produce MessageSet with \\d+ message\\(s\\) \\([^)]*, "
                + (codec.equals("none") ? "uncompressed" : codec) + "\\)");

        ClientProcess.Result consumed = kcat("", "-C", "-t", topic, "-p", "0", "-o", "beginning", "-e", "-f", "%k=%s@%o\\n");
        assertThat(consumed.exitCode()).as(consumed.output()).isZero();
        List<String> lines = consumed.output().lines().filter(l -> l.startsWith("key-")).toList();
        assertThat(lines).hasSize(25);
        assertThat(lines.get(0)).isEqualTo("key-0=" + value(0, codec) + "@0");
        assertThat(lines.get(24)).isEqualTo("key-24=" + value(24, codec) + "@24");

        List<ConsumerRecord<byte[], byte[]>> records = Clients.read(broker.bootstrapServers(), new TopicPartition(topic, 0), 25);
        assertThat(records).hasSize(25);
        assertThat(new String(records.get(24).key(), StandardCharsets.UTF_8)).isEqualTo("key-24");
        assertThat(new String(records.get(24).value(), StandardCharsets.UTF_8)).isEqualTo(value(24, codec));
    }

    /** Compressible on purpose: librdkafka sends a batch uncompressed when compression would not shrink it. */
    private static String value(int i, String codec) {
        return "value " + i + " via " + codec + " " + "x".repeat(200);
    }

    private static ClientProcess.Result kcat(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("kcat", "-b", broker.bootstrapServers(), "-q"));
        command.addAll(List.of(args));
        return ClientProcess.run(command, Path.of("."), Map.of(), stdin, 60);
    }
}
