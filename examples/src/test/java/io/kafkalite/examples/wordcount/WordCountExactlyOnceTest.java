package io.kafkalite.examples.wordcount;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

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

/** The word count with {@code processing.guarantee=exactly_once_v2}: its committed output converges to exact counts. */
@KafkaLiteTest(topics = {WordCount.LINES + ":2", WordCount.COUNTS + ":2"})
class WordCountExactlyOnceTest {

    @TempDir
    Path stateDir;

    @Test
    void committedCountsAreExact(KafkaCluster kafka, Producer<String, String> producer) throws Exception {
        Properties config = new Properties();
        config.putAll(kafka.clientConfig());
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "word-count-eos");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        try (KafkaStreams streams = new KafkaStreams(WordCount.topology(), config)) {
            streams.start();
            for (String line : List.of("the quick brown fox", "jumps over the lazy dog", "The dog barks")) {
                producer.send(new ProducerRecord<>(WordCount.LINES, line)).get();
            }

            Map<String, Long> expected = Map.of("the", 3L, "quick", 1L, "brown", 1L, "fox", 1L, "jumps", 1L,
                    "over", 1L, "lazy", 1L, "dog", 2L, "barks", 1L);
            assertThat(awaitLatestCommitted(kafka, expected)).isEqualTo(expected);
        }
    }

    /** Reads the committed counts until the latest ones are {@code expected} (or a minute passed); returns them. */
    private static Map<String, Long> awaitLatestCommitted(KafkaCluster kafka, Map<String, Long> expected) {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, LongDeserializer.class);
        Map<String, Long> latest = new HashMap<>();
        try (KafkaConsumer<String, Long> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = List.of(new TopicPartition(WordCount.COUNTS, 0),
                    new TopicPartition(WordCount.COUNTS, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!latest.equals(expected) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, Long> record : consumer.poll(Duration.ofMillis(100))) {
                    latest.put(record.key(), record.value());
                }
            }
        }
        return latest;
    }
}
