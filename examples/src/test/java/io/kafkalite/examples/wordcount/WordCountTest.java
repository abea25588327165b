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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@KafkaLiteTest(topics = {WordCount.LINES + ":2", WordCount.COUNTS + ":2"})
class WordCountTest {

    @TempDir
    Path stateDir;

    @Test
    void countsEveryWordAcrossLines(KafkaCluster kafka, Producer<String, String> producer) throws Exception {
        countWords(kafka, producer, Map.of());
    }

    /** The same application on the streams rebalance protocol (KIP-1071): the broker assigns the tasks. */
    @Test
    void countsEveryWordWithTheStreamsRebalanceProtocol(KafkaCluster kafka, Producer<String, String> producer)
            throws Exception {
        countWords(kafka, producer, Map.of(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams"));
    }

    private static Map<String, Long> latestCounts(KafkaCluster kafka) {
        Map<String, Long> latest = new HashMap<>();
        for (ConsumerRecord<String, Long> record : kafka.readAll(WordCount.COUNTS, String.class, Long.class)) {
            latest.put(record.key(), record.value());
        }
        return latest;
    }

    private void countWords(KafkaCluster kafka, Producer<String, String> producer, Map<String, Object> extra)
            throws Exception {
        Properties config = new Properties();
        config.putAll(kafka.clientConfig());
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "word-count");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        config.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0); // emit every update
        config.putAll(extra);
        KafkaStreams streams = new KafkaStreams(WordCount.topology(), config);
        try {
            streams.start();
            for (String line : List.of("the quick brown fox", "jumps over the lazy dog", "The dog barks")) {
                producer.send(new ProducerRecord<>(WordCount.LINES, line)).get();
            }

            // the words land in different partitions, which Kafka Streams processes independently: wait for the
            // final count of every word (a single word's final count says nothing about the others')
            Map<String, Long> expected = Map.of("the", 3L, "quick", 1L, "brown", 1L, "fox", 1L, "jumps", 1L,
                    "over", 1L, "lazy", 1L, "dog", 2L, "barks", 1L);
            Map<String, Long> latest = latestCounts(kafka);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!latest.equals(expected) && System.nanoTime() < deadline) {
                Thread.sleep(50);
                latest = latestCounts(kafka);
            }
            assertThat(latest).isEqualTo(expected);
        } finally {
            // Kafka Streams stays in its group on close unless told to leave; the next test deletes groups
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
        }
    }
}
