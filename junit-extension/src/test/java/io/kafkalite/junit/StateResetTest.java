package io.kafkalite.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@KafkaLiteTest(topics = "events:2")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StateResetTest {

    @Test
    @Order(1)
    void firstTestLeavesRecordsTopicsAndGroupsBehind(Producer<String, String> producer, Admin admin,
                                                    @ClientProperties("group.id=leftover") Consumer<String, String> consumer)
            throws Exception {
        producer.send(new ProducerRecord<>("events", 0, "k", "first")).get();
        admin.createTopics(List.of(new NewTopic("scratch", 1, (short) 1))).all().get();
        consumer.subscribe(List.of("events"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (consumer.poll(Duration.ofMillis(100)).isEmpty() && System.nanoTime() < deadline) {
            // until the group has joined and read the record
        }
        consumer.commitSync();
        assertThat(admin.listConsumerGroups().all().get()).isNotEmpty();
    }

    @Test
    @Order(2)
    void nextTestStartsFromTheDeclaredStateOnly(Admin admin, KafkaCluster kafka) throws Exception {
        assertThat(admin.listTopics().names().get()).containsExactly("events");
        assertThat(admin.listConsumerGroups().all().get()).isEmpty();
        assertThat(kafka.readAll("events")).isEmpty();
    }

    @Test
    @Order(3)
    void aTestMayGiveADeclaredTopicMorePartitions(Admin admin) throws Exception {
        admin.createPartitions(Map.of("events", NewPartitions.increaseTo(4))).all().get();
    }

    @Test
    @Order(4)
    void theNextTestHasItWithItsDeclaredPartitionsAgainAndMayDeleteIt(Admin admin) throws Exception {
        assertThat(admin.describeTopics(List.of("events")).allTopicNames().get().get("events").partitions()).hasSize(2);
        admin.deleteTopics(List.of("events")).all().get();
    }

    @Test
    @Order(5)
    void thenTheNextTestHasItBackAsDeclared(Admin admin, KafkaCluster kafka) throws Exception {
        assertThat(admin.describeTopics(List.of("events")).allTopicNames().get().get("events").partitions()).hasSize(2);
        assertThat(kafka.readAll("events")).isEmpty();
    }
}
