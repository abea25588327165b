package io.kafkalite.examples.counter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import io.kafkalite.junit.KafkaCluster;
import io.kafkalite.junit.KafkaLiteTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka Streams with {@code exactly_once_v2}: an instance killed with SIGKILL in the middle of the stream and
 * restarted on the same state directory never lets a read_committed reader see a half-applied transaction: every
 * key's counts read back are exactly 1, 2, 3, ... n.
 */
@KafkaLiteTest(topics = {EventCounter.EVENTS + ":2", EventCounter.COUNTS + ":2"})
class ExactlyOnceCounterTest {

    static final int KEYS = 4;
    static final int PER_KEY = 300;

    @TempDir
    Path stateDir;

    static Properties streamsConfig(String bootstrap, String stateDir) {
        Properties config = new Properties();
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "event-counter");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50);
        config.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0); // emit every count
        config.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, org.apache.kafka.common.serialization.Serdes.StringSerde.class);
        config.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, org.apache.kafka.common.serialization.Serdes.StringSerde.class);
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 500);
        return config;
    }

    @Test
    void aKilledAndRestartedInstanceNeverShowsAHalfAppliedTransaction(KafkaCluster kafka,
                                                                      Producer<String, String> producer) throws Exception {
        send(producer, 0, PER_KEY / 2);
        Process first = start(kafka.bootstrapServers());
        try {
            awaitCommittedCounts(kafka, KEYS * 20, Duration.ofSeconds(60));
        } finally {
            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        send(producer, PER_KEY / 2, PER_KEY);

        try (KafkaStreams restarted = new KafkaStreams(EventCounter.topology(),
                streamsConfig(kafka.bootstrapServers(), stateDir.toString()))) {
            restarted.start();
            Map<String, List<Long>> counts = awaitCommittedCounts(kafka, KEYS * PER_KEY, Duration.ofSeconds(120));
            for (int key = 0; key < KEYS; key++) {
                assertThat(counts.get("key-" + key)).as("counts of key-%d, as a read_committed reader sees them", key)
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, PER_KEY).boxed().toList());
            }
        }
    }

    static void send(Producer<String, String> producer, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            for (int key = 0; key < KEYS; key++) {
                producer.send(new ProducerRecord<>(EventCounter.EVENTS, "key-" + key, "event-" + i));
            }
        }
        producer.flush();
    }

    private Process start(String bootstrap) throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), EventCounterProcess.class.getName(), bootstrap,
                stateDir.toString()).redirectErrorStream(true).start();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = output.readLine()) != null && !line.equals(EventCounterProcess.RUNNING)) {
            seen.append(line).append('\n');
        }
        assertThat(line).as("the streams process reached RUNNING; it printed:%n%s", seen)
                .isEqualTo(EventCounterProcess.RUNNING);
        Thread drain = new Thread(() -> output.lines().forEach(l -> { }), "event-counter-output");
        drain.setDaemon(true);
        drain.start();
        return process;
    }

    /** Reads the counts topic with read_committed until {@code total} counts arrived; returns them per key in order. */
    static Map<String, List<Long>> awaitCommittedCounts(KafkaCluster kafka, int total, Duration timeout) {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, LongDeserializer.class);
        Map<String, List<Long>> counts = new HashMap<>();
        int read = 0;
        try (KafkaConsumer<String, Long> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = List.of(new TopicPartition(EventCounter.COUNTS, 0),
                    new TopicPartition(EventCounter.COUNTS, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (read < total && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, Long> record : consumer.poll(Duration.ofMillis(100))) {
                    counts.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.value());
                    read++;
                }
            }
        }
        assertThat(read).as("committed counts read within %s: %s", timeout, counts).isGreaterThanOrEqualTo(total);
        return counts;
    }
}
