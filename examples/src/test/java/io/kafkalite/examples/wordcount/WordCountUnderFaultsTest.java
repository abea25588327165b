package io.kafkalite.examples.wordcount;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.kafkalite.FaultRule;
import io.kafkalite.junit.KafkaCluster;
import io.kafkalite.junit.KafkaLiteTest;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The word count against a struggling broker: the Streams runtime's retries hide every fault, counts stay exact. */
@Tag("embedded") // fault injection on the embedded broker: not run against the real broker
@KafkaLiteTest(topics = {WordCount.LINES + ":2", WordCount.COUNTS + ":2"})
class WordCountUnderFaultsTest {

    @TempDir
    Path stateDir;

    @Test
    void countsStayExactWhenTheBrokerFailsRequestsOnTheWay(KafkaCluster kafka, Producer<String, String> producer,
                                                           Consumer<String, Long> counts) throws Exception {
        FaultRule notLeader = kafka.faults().on("Produce").topic(WordCount.COUNTS).times(3)
                .respondWith("NOT_LEADER_OR_FOLLOWER");
        FaultRule lostAck = kafka.faults().on("Produce").times(1).closeConnectionAfterApplying();
        FaultRule fetch = kafka.faults().on("Fetch").topic(WordCount.LINES).times(2)
                .respondWith("NOT_LEADER_OR_FOLLOWER");
        FaultRule commit = kafka.faults().on("OffsetCommit").group("word-count").times(1)
                .respondWith("COORDINATOR_NOT_AVAILABLE");

        Properties config = new Properties();
        config.putAll(kafka.clientConfig());
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "word-count");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        config.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0); // emit every update
        try (KafkaStreams streams = new KafkaStreams(WordCount.topology(), config)) {
            streams.start();
            for (String line : List.of("the quick brown fox", "jumps over the lazy dog", "The dog barks")) {
                producer.send(new ProducerRecord<>(WordCount.LINES, line)).get();
            }
            // the retried partitions' counts come later than the others': read until every word has its final count
            Map<String, Long> expected = Map.of("the", 3L, "quick", 1L, "brown", 1L, "fox", 1L, "jumps", 1L,
                    "over", 1L, "lazy", 1L, "dog", 2L, "barks", 1L);
            List<TopicPartition> partitions = List.of(new TopicPartition(WordCount.COUNTS, 0),
                    new TopicPartition(WordCount.COUNTS, 1));
            counts.assign(partitions);
            counts.seekToBeginning(partitions);
            Map<String, Long> latest = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!latest.equals(expected) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, Long> record : counts.poll(Duration.ofMillis(100))) {
                    latest.put(record.key(), record.value());
                }
            }
            assertThat(latest).isEqualTo(expected);
        }
        assertThat(List.of(notLeader, lostAck, fetch, commit)).allSatisfy(r -> assertThat(r.isActive()).isFalse());
    }
}
