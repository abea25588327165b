package io.kafkalite.examples.counter;

import static io.kafkalite.examples.counter.ExactlyOnceCounterTest.KEYS;
import static io.kafkalite.examples.counter.ExactlyOnceCounterTest.PER_KEY;
import static io.kafkalite.examples.counter.ExactlyOnceCounterTest.awaitCommittedCounts;
import static io.kafkalite.examples.counter.ExactlyOnceCounterTest.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import io.kafkalite.FaultRule;
import io.kafkalite.junit.KafkaCluster;
import io.kafkalite.junit.KafkaLiteTest;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exactly-once counter against a broker that loses a transaction commit's acknowledgement, says twice that
 * it no longer coordinates the transactional offset commit, and restarts in the middle of the stream: read_committed
 * readers still see every key's counts exactly once, in order.
 */
@Tag("embedded") // fault injection and restarts of the embedded broker: not run against the real broker
@KafkaLiteTest(topics = {EventCounter.EVENTS + ":2", EventCounter.COUNTS + ":2"})
class ExactlyOnceCounterUnderFaultsTest {

    @TempDir
    Path stateDir;

    @Test
    void countsStayExactThroughALostCommitAcknowledgementAMovedCoordinatorAndARestart(
            KafkaCluster kafka, Producer<String, String> producer) throws Exception {
        FaultRule lostCommitAck = kafka.faults().on("EndTxn").times(1).closeConnectionAfterApplying();
        FaultRule coordinatorMoved = kafka.faults().on("TxnOffsetCommit").times(2).respondWith("NOT_COORDINATOR");
        send(producer, 0, PER_KEY / 2);
        try (KafkaStreams streams = new KafkaStreams(EventCounter.topology(),
                ExactlyOnceCounterTest.streamsConfig(kafka.bootstrapServers(), stateDir.toString()))) {
            streams.start();
            awaitCommittedCounts(kafka, KEYS * 20, Duration.ofSeconds(60));

            kafka.restart(); // mid-stream: open transactions are recovered or aborted, the producer carries on
            send(producer, PER_KEY / 2, PER_KEY);
            Map<String, List<Long>> counts = awaitCommittedCounts(kafka, KEYS * PER_KEY, Duration.ofSeconds(120));
            for (int key = 0; key < KEYS; key++) {
                assertThat(counts.get("key-" + key)).as("counts of key-%d, as a read_committed reader sees them", key)
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, PER_KEY).boxed().toList());
            }
        }
        assertThat(lostCommitAck.timesFired()).isEqualTo(1);
        assertThat(coordinatorMoved.timesFired()).isEqualTo(2);
    }
}
