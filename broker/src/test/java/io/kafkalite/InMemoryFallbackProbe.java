package io.kafkalite;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** Run by {@link InMemoryFallbackTest} in a JVM without Chronicle's flags; prints what it observed. */
public final class InMemoryFallbackProbe {

    private InMemoryFallbackProbe() {
    }

    public static void main(String[] args) throws Exception {
        try (KafkaLite broker = KafkaLite.builder().topic("heap", 1).start()) {
            System.out.println("chronicle-backed=" + broker.isChronicleBacked());
            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
                for (int i = 0; i < 100; i++) {
                    producer.send(new ProducerRecord<>("heap", 0, "k" + i, "v" + i));
                }
                producer.flush();
            }
            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
                List<ConsumerRecord<String, String>> records =
                        Clients.readAll(consumer, List.of(new TopicPartition("heap", 0)), 100);
                boolean inOrder = records.size() == 100;
                for (int i = 0; inOrder && i < 100; i++) {
                    inOrder = records.get(i).offset() == i && records.get(i).value().equals("v" + i);
                }
                System.out.println("round trip: " + records.size() + " records " + (inOrder ? "in order" : "OUT OF ORDER"));
            }
            broker.restart(); // the heap entries outlive the restart
            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
                System.out.println("after restart: " + consumer.endOffsets(List.of(new TopicPartition("heap", 0)))
                        .get(new TopicPartition("heap", 0)) + " records");
            }
        }
        try (KafkaLite durable = KafkaLite.builder().dataDirectory(Files.createTempDirectory("fallback")).start()) {
            System.out.println("data directory accepted without flags: " + durable);
            System.exit(1);
        } catch (IllegalStateException e) {
            System.out.println("data directory refused: " + e.getMessage());
        }
    }
}
