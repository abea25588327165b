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

            // "dog" reaches 2 with the last line; wait for that, then read the latest count of every word
            kafka.awaitRecord(WordCount.COUNTS, r -> r.key().equals("dog") && r.value() == 2L,
                    Duration.ofSeconds(60), String.class, Long.class);
            Map<String, Long> latest = new HashMap<>();
            for (ConsumerRecord<String, Long> record : kafka.readAll(WordCount.COUNTS, String.class, Long.class)) {
                latest.put(record.key(), record.value());
            }
            assertThat(latest).containsEntry("the", 3L).containsEntry("dog", 2L).containsEntry("quick", 1L)
                    .containsEntry("barks", 1L).hasSize(9);
        } finally {
            // Kafka Streams stays in its group on close unless told to leave; the next test deletes groups
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
        }
    }
}
