package io.kafkalite.junit.recipes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kafkalite.junit.KafkaCluster;
import io.kafkalite.junit.KafkaLiteTest;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** README, "Testing failure paths", recipe 1. */
@Tag("embedded") // test control of the embedded broker: not run against the real broker
@KafkaLiteTest(topics = "orders:3")
class OrderPublisherRetryTest {
    @Test
    void everyOrderLandsOnceThroughRetries(KafkaCluster kafka, Producer<String, String> producer) throws Exception {
        kafka.faults().on("Produce").topic("orders").times(2).respondWith("NOT_LEADER_OR_FOLLOWER");
        kafka.faults().on("Produce").times(1).closeConnectionAfterApplying(); // stored, but the ack is lost

        for (int i = 0; i < 10; i++) {
            producer.send(new ProducerRecord<>("orders", "order-" + i, "42 EUR")).get();
        }
        assertEquals(10, kafka.readAll("orders").size()); // the idempotent producer's retry made no duplicate
    }
}
