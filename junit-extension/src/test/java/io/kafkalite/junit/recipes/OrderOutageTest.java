package io.kafkalite.junit.recipes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.concurrent.Future;

import io.kafkalite.junit.KafkaCluster;
import io.kafkalite.junit.KafkaLiteTest;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** README, "Testing failure paths", recipe 3. */
@Tag("embedded") // test control of the embedded broker: not run against the real broker
@KafkaLiteTest(topics = "orders:1")
class OrderOutageTest {
    @Test
    void ordersSentAcrossAnOutageAllArrive(KafkaCluster kafka, Producer<String, String> producer) throws Exception {
        producer.send(new ProducerRecord<>("orders", "order-1", "42 EUR")).get();
        kafka.restart(); // same port and data; the producer reconnects on its own
        producer.send(new ProducerRecord<>("orders", "order-2", "17 EUR")).get();

        kafka.pause();   // connections are accepted, nothing is answered
        Future<RecordMetadata> held = producer.send(new ProducerRecord<>("orders", "order-3", "9 EUR"));
        assertFalse(held.isDone());
        kafka.resume();
        held.get();
        assertEquals(3, kafka.readAll("orders").size());
    }
}
