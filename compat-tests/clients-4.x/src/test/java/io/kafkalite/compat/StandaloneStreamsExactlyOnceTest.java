package io.kafkalite.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kafka Streams application with {@code exactly_once_v2}, unmodified, against the standalone jar run as users
 * run it ({@code java -jar kafkalite.jar}): its committed output is exact, on the classic protocol and on the
 * streams rebalance protocol.
 */
class StandaloneStreamsExactlyOnceTest {

    @TempDir
    Path stateDir;

    @Test
    void aWordCountWithExactlyOnceV2GivesExactCommittedCounts() throws Exception {
        countWords("standalone-word-count", Map.of());
    }

    /** The same application on the streams rebalance protocol (KIP-1071): the standalone broker assigns its tasks. */
    @Test
    void aWordCountOnTheStreamsRebalanceProtocolGivesExactCommittedCounts() throws Exception {
        countWords("standalone-streams-protocol", Map.of(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams"));
    }

    private void countWords(String application, Map<String, Object> extra) throws Exception {
        try (StandaloneJar broker = StandaloneJar.start()) {
            String bootstrap = broker.bootstrapServers();
            StreamsBuilder builder = new StreamsBuilder();
            builder.stream("lines", Consumed.with(Serdes.String(), Serdes.String()))
                    .flatMapValues(line -> Arrays.asList(line.toLowerCase(Locale.ROOT).split("\\W+")))
                    .groupBy((key, word) -> word, Grouped.with(Serdes.String(), Serdes.String()))
                    .count()
                    .toStream()
                    .to("counts", Produced.with(Serdes.String(), Serdes.Long()));
            Properties config = new Properties();
            config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            config.put(StreamsConfig.APPLICATION_ID_CONFIG, application);
            config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(application).toString());
            config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
            config.putAll(extra);
            try (KafkaStreams streams = new KafkaStreams(builder.build(), config);
                 KafkaProducer<byte[], byte[]> producer = Clients.bytesProducer(bootstrap, Map.of())) {
                streams.start();
                for (String line : List.of("to be or not to be", "that is the question", "to be")) {
                    producer.send(new ProducerRecord<>("lines", line.getBytes(StandardCharsets.UTF_8)));
                }
                producer.flush();
                Map<String, Long> expected = Map.of("to", 3L, "be", 3L, "or", 1L, "not", 1L, "that", 1L,
                        "is", 1L, "the", 1L, "question", 1L);
                assertThat(latestCommittedCounts(bootstrap, expected)).isEqualTo(expected);
            }
        }
    }

    private static Map<String, Long> latestCommittedCounts(String bootstrap, Map<String, Long> expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, LongDeserializer.class);
        Map<String, Long> latest = new HashMap<>();
        try (KafkaConsumer<String, Long> consumer = new KafkaConsumer<>(props)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            List<TopicPartition> partitions = null;
            while (partitions == null && System.nanoTime() < deadline) {
                List<org.apache.kafka.common.PartitionInfo> infos = consumer.partitionsFor("counts");
                if (infos != null && !infos.isEmpty()) {
                    partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!latest.equals(expected) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, Long> record : consumer.poll(Duration.ofMillis(100))) {
                    latest.put(record.key(), record.value());
                }
            }
        }
        return latest;
    }
}
