package io.kafkalite.examples.game;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kafkalite.FaultRule;
import io.kafkalite.Groups;
import io.kafkalite.junit.KafkaCluster;
import io.kafkalite.junit.KafkaLiteTest;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An instance crashes and the other takes over its players once the crashed one's session times out, with Kafka's
 * default 45 s session timeout: the broker's manual clock makes those 45 s pass at once.
 */
@Tag("embedded") // the broker's manual clock and group control: not run against the real broker
@KafkaLiteTest(topics = {EventProcessor.EVENTS + ":4", EventProcessor.ALERTS + ":1"}, manualClock = true)
class FraudDetectionFailoverTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(45); // Kafka's default session.timeout.ms
    private static final List<String> PLAYERS = List.of("p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8");

    private final RunningProcessors processors = new RunningProcessors();

    @AfterEach
    void stopProcessors() throws InterruptedException {
        processors.close();
    }

    private static void tradeFrom(Producer<String, String> producer, String ip) throws Exception {
        for (String player : PLAYERS) {
            producer.send(new ProducerRecord<>(EventProcessor.EVENTS, player, GameEvent.trade(ip, 5).encode())).get();
        }
    }

    /** Reads alerts until every player has one about a trade from {@code ip}. */
    private static void awaitAlertsFrom(Consumer<String, String> alerts, String ip) {
        Set<String> flagged = new HashSet<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!flagged.containsAll(PLAYERS) && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> alert : alerts.poll(Duration.ofMillis(100))) {
                if (alert.value().startsWith("TRADE|" + ip) && alert.value().contains("flagged")) {
                    flagged.add(alert.key());
                }
            }
        }
        assertThat(flagged).as("players with an alert about " + ip).containsAll(PLAYERS);
    }

    private static boolean bothInstancesOwnTwoPartitions(KafkaCluster kafka) {
        return kafka.groups().describe(EventProcessor.GROUP).filter(g -> g.members().size() == 2
                && g.members().stream().allMatch(m -> m.partitionCount() == 2)).isPresent();
    }

    @Test
    void whenAnInstanceCrashesTheOtherTakesOverItsPlayersWithoutWaitingOutTheSessionTimeout(
            KafkaCluster kafka, Producer<String, String> producer, Consumer<String, String> alerts) throws Exception {
        alerts.assign(List.of(new TopicPartition(EventProcessor.ALERTS, 0)));
        // heartbeats every 100 ms so the survivor hears of the rebalance at once; session.timeout.ms stays 45 s
        Map<String, Object> quickHeartbeats = Map.of(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 100);
        processors.start(kafka, "processor-1", quickHeartbeats);
        processors.start(kafka, "processor-2", quickHeartbeats);
        while (!bothInstancesOwnTwoPartitions(kafka)) {
            kafka.groups().awaitHeartbeat(EventProcessor.GROUP, "processor-2", WAIT); // look again at the next one
        }
        for (String player : PLAYERS) {
            producer.send(new ProducerRecord<>(EventProcessor.EVENTS, player, GameEvent.login("10.0.0.1").encode()));
        }
        tradeFrom(producer, "172.16.0.1"); // flagged: never logged in from there
        awaitAlertsFrom(alerts, "172.16.0.1");

        // processor-1's machine vanishes: its connections stay open but nothing comes back
        FaultRule crash = kafka.faults().onAnyApi().clientId("processor-1").blackHole();
        kafka.advanceClock(SESSION_TIMEOUT.minusSeconds(15));
        kafka.groups().awaitHeartbeat(EventProcessor.GROUP, "processor-2", WAIT); // the survivor is alive now
        kafka.advanceClock(Duration.ofSeconds(16)); // processor-1's session is over

        tradeFrom(producer, "172.16.0.2");
        awaitAlertsFrom(alerts, "172.16.0.2"); // every player, processor-1's too, handled by processor-2
        Groups.Description group = kafka.groups().describe(EventProcessor.GROUP).orElseThrow();
        assertThat(group.members()).singleElement().satisfies(m -> {
            assertThat(m.clientId()).isEqualTo("processor-2");
            assertThat(m.partitionCount()).isEqualTo(4);
        });
        crash.remove();
    }
}
