package io.kafkalite.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** The first test of a class starts from its declared state too, and external mode touches only the run's own. */
class ResetAcrossClassesTest {

    @Test
    void aSharedBrokersNextClassStartsItsFirstTestFromTheDeclaredState() {
        Fixtures.run(Writer.class, Reader.class).testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
    }

    @Test
    void externalModeResetsTheFirstTestOfEachClassAndLeavesOnlyWhatWasThereBefore() {
        Fixtures.withExternalCluster(bootstrap -> {
            String foreignTopic = "before-the-run-" + UUID.randomUUID();
            String foreignGroup = "someone-else-" + UUID.randomUUID();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                createWithOneRecordAndAGroup(bootstrap, admin, foreignTopic, foreignGroup);
                try {
                    Fixtures.run(Writer.class, Reader.class).testEvents()
                            .assertStatistics(s -> s.succeeded(2).failed(0));
                    String report = Fixtures.failureOf(Fixtures.run(Writer.class, FailingReader.class));
                    assertThat(report).contains("expected failure").contains("handoff: 1 partition(s), 1 record(s)")
                            .doesNotContain(foreignTopic).doesNotContain(foreignGroup);

                    assertThat(admin.listTopics().names().get()).as("after the runs").contains(foreignTopic)
                            .doesNotContain("handoff");
                    assertThat(admin.listConsumerGroups().all().get()).extracting(g -> g.groupId()).contains(foreignGroup);
                    assertThat(endOffset(bootstrap, foreignTopic)).isEqualTo(1);
                } finally {
                    admin.deleteConsumerGroups(List.of(foreignGroup)).all().get();
                    admin.deleteTopics(List.of(foreignTopic)).all().get();
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    /** Another project's topic with a record and a group with a committed offset, there before the run. */
    private static void createWithOneRecordAndAGroup(String bootstrap, Admin admin, String topic, String group)
            throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "theirs", "keep me")).get();
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, group),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(1)));
        }
    }

    private static long endOffset(String bootstrap, String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            return consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
        }
    }

    // ---- fixtures: run only through the engine above (Surefire skips nested classes) ----

    @KafkaLiteTest(topics = "handoff:1", shared = true)
    @Order(1)
    static class Writer {
        @Test
        void leavesARecordBehind(Producer<String, String> producer) throws Exception {
            producer.send(new ProducerRecord<>("handoff", "left", "over")).get();
        }
    }

    @KafkaLiteTest(topics = "handoff:1", shared = true)
    @Order(2)
    static class Reader {
        @Test
        void firstTestSeesAnEmptyTopic(KafkaCluster kafka) {
            assertThat(kafka.readAll("handoff")).isEmpty();
        }
    }

    @KafkaLiteTest(topics = "handoff:1", shared = true)
    @Order(2)
    static class FailingReader {
        @Test
        void failsWithARecordInTheTopic(Producer<String, String> producer) throws Exception {
            producer.send(new ProducerRecord<>("handoff", "mine", "reported")).get();
            throw new AssertionError("expected failure");
        }
    }
}
