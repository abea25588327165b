package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** KafkaLite.reset: what the JUnit extension does between tests, in one step on the broker. */
class ResetTest {

    @Test
    void resetDeletesTopicsAndGroupsAndRecreatesATopicWhosePartitionCountChanged() throws Exception {
        try (KafkaLite broker = KafkaLite.builder().topic("orders", 2).start();
             Admin admin = Clients.admin(broker.bootstrapServers());
             KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            admin.createTopics(List.of(new NewTopic("leftover", 1, (short) 1))).all().get();
            producer.send(new ProducerRecord<>("orders", 1, "k", "v")).get();
            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(),
                    Map.of(ConsumerConfig.GROUP_ID_CONFIG, "billing"))) {
                consumer.commitSync(Map.of(new TopicPartition("orders", 1), new OffsetAndMetadata(1)));
            }

            broker.reset(Map.of("orders", new KafkaLite.TopicSpec(3, Map.of("cleanup.policy", "compact"))));

            assertThat(admin.listTopics().names().get()).containsExactly("orders");
            assertThat(admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders").partitions()).hasSize(3);
            assertThat(admin.listConsumerGroups().all().get()).isEmpty();
            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
                TopicPartition tp = new TopicPartition("orders", 1);
                assertThat(consumer.endOffsets(List.of(tp))).containsEntry(tp, 0L);
            }
            assertThat(producer.send(new ProducerRecord<>("orders", 1, "k", "again")).get().offset()).isZero();
        }
    }

    @Test
    void aGroupWithMembersStopsTheResetAndSaysWhy() throws Exception {
        try (KafkaLite broker = KafkaLite.builder().topic("orders", 1).start();
             KafkaConsumer<String, String> member = Clients.consumer(broker.bootstrapServers(),
                     Map.of(ConsumerConfig.GROUP_ID_CONFIG, "still-running"))) {
            member.subscribe(List.of("orders"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (member.assignment().isEmpty() && System.nanoTime() < deadline) {
                member.poll(Duration.ofMillis(50));
            }

            assertThatThrownBy(() -> broker.reset(Map.of()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("still-running")
                    .hasMessageContaining("close their consumers");
        }
    }
    @Test
    void aTopicThatKeepsItsPartitionCountIsEmptiedAndItsOffsetsGoOn() throws Exception {
        try (KafkaLite broker = KafkaLite.builder().topic("orders", 2).start();
             KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            producer.send(new ProducerRecord<>("orders", 0, "k", "old")).get();
            producer.send(new ProducerRecord<>("orders", 0, "k", "old")).get();

            broker.reset(Map.of("orders", new KafkaLite.TopicSpec(2, Map.of())));

            TopicPartition tp = new TopicPartition("orders", 0);
            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
                assertThat(consumer.beginningOffsets(List.of(tp))).containsEntry(tp, 2L);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                producer.send(new ProducerRecord<>("orders", 0, "k", "new")).get();
                assertThat(Clients.poll(consumer, 1)).extracting(ConsumerRecord::value, ConsumerRecord::offset)
                        .containsExactly(tuple("new", 2L));
            }
        }
    }

    @Test
    void aSharedBrokerResetLeavesKeptTopicsAndGroupsWithMembersAlone() throws Exception {
        try (KafkaLite broker = KafkaLite.builder().topic("orders", 1).topic("other-test", 1).start();
             Admin admin = Clients.admin(broker.bootstrapServers());
             KafkaConsumer<String, String> member = Clients.consumer(broker.bootstrapServers(),
                     Map.of(ConsumerConfig.GROUP_ID_CONFIG, "still-running"))) {
            admin.createTopics(List.of(new NewTopic("leftover", 1, (short) 1))).all().get();
            member.subscribe(List.of("orders"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (member.assignment().isEmpty() && System.nanoTime() < deadline) {
                member.poll(Duration.ofMillis(50));
            }

            List<String> busy = broker.reset(Map.of("orders", new KafkaLite.TopicSpec(1, Map.of())),
                    "other-test"::equals, group -> false);

            assertThat(busy).containsExactly("still-running");
            assertThat(admin.listTopics().names().get()).containsExactlyInAnyOrder("orders", "other-test");
        }
    }
}
