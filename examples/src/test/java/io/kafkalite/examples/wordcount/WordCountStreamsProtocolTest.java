package io.kafkalite.examples.wordcount;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;

import io.kafkalite.junit.KafkaCluster;
import io.kafkalite.junit.KafkaLiteTest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.StreamsGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of the word count on the streams rebalance protocol (KIP-1071): the broker splits the tasks of the
 * stateful topology between them; when one leaves, the other takes every task over and the counts stay exact.
 */
@KafkaLiteTest(topics = {WordCount.LINES + ":4", WordCount.COUNTS + ":4"},
        brokerConfig = "group.streams.heartbeat.interval.ms=100")
class WordCountStreamsProtocolTest {

    private static final String APPLICATION = "word-count-shared";
    /** Two subtopologies (split the lines, count the words), four partitions each. */
    private static final int TASKS = 8;

    @TempDir
    Path stateDirs;

    private KafkaStreams instance(KafkaCluster kafka, String name) {
        Properties config = new Properties();
        config.putAll(kafka.clientConfig());
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION);
        config.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDirs.resolve(name).toString());
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        config.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        return new KafkaStreams(WordCount.topology(), config);
    }

    private static int activeTasks(KafkaStreams streams) {
        return streams.metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    private static void leave(KafkaStreams streams) {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }

    @Test
    void theSurvivorTakesOverEveryTaskAndTheCountsStayExact(KafkaCluster kafka, Producer<String, String> producer,
                                                            Admin admin) throws Exception {
        KafkaStreams first = instance(kafka, "first");
        KafkaStreams second = instance(kafka, "second");
        try {
            first.start();
            second.start();
            await(() -> first.state() == KafkaStreams.State.RUNNING && second.state() == KafkaStreams.State.RUNNING
                    && activeTasks(first) > 0 && activeTasks(second) > 0
                    && activeTasks(first) + activeTasks(second) == TASKS, "both instances process tasks");
            StreamsGroupDescription group = admin.describeStreamsGroups(List.of(APPLICATION)).all().get().get(APPLICATION);
            assertThat(group.members()).hasSize(2);
            assertThat(group.groupState()).isEqualTo(GroupState.STABLE);
            assertThat(admin.listGroups().all().get()).anySatisfy(listing -> {
                assertThat(listing.groupId()).isEqualTo(APPLICATION);
                assertThat(listing.type()).contains(GroupType.STREAMS);
            });

            for (String line : List.of("the quick brown fox", "jumps over the lazy dog")) {
                producer.send(new ProducerRecord<>(WordCount.LINES, line, line)).get();
            }
            kafka.awaitRecord(WordCount.COUNTS, r -> r.key().equals("the") && r.value() == 2L, Duration.ofSeconds(60),
                    String.class, Long.class);

            leave(first);
            await(() -> activeTasks(second) == TASKS, "the second instance has every task");
            for (String line : List.of("the dog barks", "the fox runs")) {
                producer.send(new ProducerRecord<>(WordCount.LINES, line, line)).get();
            }
            kafka.awaitRecord(WordCount.COUNTS, r -> r.key().equals("the") && r.value() == 4L, Duration.ofSeconds(60),
                    String.class, Long.class);
            Map<String, Long> latest = new HashMap<>();
            for (ConsumerRecord<String, Long> record : kafka.readAll(WordCount.COUNTS, String.class, Long.class)) {
                latest.put(record.key(), record.value());
            }
            assertThat(latest).containsEntry("the", 4L).containsEntry("fox", 2L).containsEntry("dog", 2L)
                    .containsEntry("quick", 1L).containsEntry("runs", 1L).containsEntry("barks", 1L).hasSize(10);
            List<ThreadMetadata> threads = List.copyOf(second.metadataForLocalThreads());
            assertThat(threads).hasSize(1);
        } finally {
            leave(first);
            leave(second);
        }
    }
}
