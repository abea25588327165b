package io.kafkalite.examples.game;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.kafkalite.junit.KafkaCluster;
import io.kafkalite.junit.KafkaLiteTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@KafkaLiteTest(topics = {EventProcessor.EVENTS + ":4", EventProcessor.ALERTS + ":1"})
class FraudDetectionTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final RunningProcessors processors = new RunningProcessors();

    @AfterEach
    void stopProcessors() throws InterruptedException {
        processors.close();
    }

    private EventProcessor startProcessor(KafkaCluster kafka, String name, Map<String, Object> overrides) {
        return processors.start(kafka, name, overrides);
    }

    private static void send(Producer<String, String> producer, String player, GameEvent event) throws Exception {
        producer.send(new ProducerRecord<>(EventProcessor.EVENTS, player, event.encode())).get();
    }

    @Test
    void flagsATradeFarLargerThanThePlayersUsualAmount(KafkaCluster kafka, Producer<String, String> producer)
            throws Exception {
        startProcessor(kafka, "processor-1", Map.of());
        send(producer, "alice", GameEvent.login("10.0.0.1"));
        for (long amount : new long[] {100, 120, 90, 110}) {
            send(producer, "alice", GameEvent.trade("10.0.0.1", amount));
        }
        send(producer, "alice", GameEvent.trade("10.0.0.1", 50_000));

        ConsumerRecord<String, String> alert = kafka.awaitRecord(EventProcessor.ALERTS,
                r -> r.key().equals("alice"), WAIT);
        assertThat(alert.value()).startsWith("TRADE|10.0.0.1|50000 flagged").contains("times the average");
    }

    @Test
    void flagsATradeFromAnAddressThePlayerNeverLoggedInFrom(KafkaCluster kafka, Producer<String, String> producer)
            throws Exception {
        startProcessor(kafka, "processor-1", Map.of());
        send(producer, "bob", GameEvent.login("192.168.1.5"));
        send(producer, "bob", GameEvent.trade("203.0.113.9", 100));

        ConsumerRecord<String, String> alert = kafka.awaitRecord(EventProcessor.ALERTS,
                r -> r.key().equals("bob"), WAIT);
        assertThat(alert.value()).contains("203.0.113.9, not among the last 20 login addresses");
    }

    @Test
    void normalTradesAreNotFlagged(KafkaCluster kafka, Producer<String, String> producer) throws Exception {
        startProcessor(kafka, "processor-1", Map.of());
        send(producer, "carol", GameEvent.login("10.1.1.1"));
        for (long amount : new long[] {200, 250, 180, 220, 240}) {
            send(producer, "carol", GameEvent.trade("10.1.1.1", amount));
        }
        // a marker player whose alert proves the processor has handled everything before it
        send(producer, "marker", GameEvent.trade("198.51.100.1", 1));
        kafka.awaitRecord(EventProcessor.ALERTS, r -> r.key().equals("marker"), WAIT);
        assertThat(kafka.readAll(EventProcessor.ALERTS)).extracting(ConsumerRecord::key).containsOnly("marker");
    }

    @Test
    void whenAnInstanceDiesAnotherHandlesItsPlayers(KafkaCluster kafka, Producer<String, String> producer)
            throws Exception {
        // A hung instance keeps heartbeating, so the group notices it only when it misses max.poll.interval.ms:
        // keep that short for the test. (session.timeout.ms does not matter here, and Apache Kafka refuses
        // values below group.min.session.timeout.ms, 6 s by default.)
        Map<String, Object> quickFailover = Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 3000);
        EventProcessor first = startProcessor(kafka, "processor-1", quickFailover);
        startProcessor(kafka, "processor-2", quickFailover);
        List<String> players = List.of("p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8");
        for (String player : players) {
            send(producer, player, GameEvent.login("10.0.0.1"));
            send(producer, player, GameEvent.trade("172.16.0.1", 5)); // flagged: unknown address
        }
        for (String player : players) {
            kafka.awaitRecord(EventProcessor.ALERTS, r -> r.key().equals(player), WAIT);
        }

        first.hang();
        for (String player : players) {
            send(producer, player, GameEvent.trade("172.16.0.2", 5));
        }
        for (String player : players) {
            ConsumerRecord<String, String> alert = kafka.awaitRecord(EventProcessor.ALERTS,
                    r -> r.key().equals(player) && r.value().contains("172.16.0.2"), WAIT);
            assertThat(alert.value()).contains("flagged");
        }
    }
}
