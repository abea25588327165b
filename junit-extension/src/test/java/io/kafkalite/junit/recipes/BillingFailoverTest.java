package io.kafkalite.junit.recipes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import io.kafkalite.junit.ClientProperties;
import io.kafkalite.junit.KafkaCluster;
import io.kafkalite.junit.KafkaLiteTest;
import org.apache.kafka.clients.consumer.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** README, "Testing failure paths", recipe 2. */
@Tag("embedded") // test control of the embedded broker: not run against the real broker
@KafkaLiteTest(topics = "orders:2", manualClock = true)
class BillingFailoverTest {
    @Test
    void theSurvivorTakesOverAfterTheSessionTimeout(KafkaCluster kafka,
            @ClientProperties({"group.id=billing", "client.id=billing-1", "heartbeat.interval.ms=100"})
            Consumer<String, String> first,
            @ClientProperties({"group.id=billing", "client.id=billing-2", "heartbeat.interval.ms=100"})
            Consumer<String, String> second) {
        first.subscribe(List.of("orders"));
        second.subscribe(List.of("orders"));
        while (first.assignment().isEmpty() || second.assignment().isEmpty()) { // one partition each
            first.poll(Duration.ofMillis(100));
            second.poll(Duration.ofMillis(100));
        }

        kafka.faults().onAnyApi().clientId("billing-1").blackHole(); // billing-1 hangs
        kafka.advanceClock(Duration.ofSeconds(30));                  // less than session.timeout.ms (45 s)
        kafka.groups().awaitHeartbeat("billing", "billing-2", Duration.ofSeconds(10)); // billing-2 is alive
        kafka.advanceClock(Duration.ofSeconds(16));                  // billing-1's session has expired

        while (second.assignment().size() < 2) {
            second.poll(Duration.ofMillis(100));
        }
        assertEquals(2, second.assignment().size()); // no 45 s wait: this takes well under a second
    }
}
