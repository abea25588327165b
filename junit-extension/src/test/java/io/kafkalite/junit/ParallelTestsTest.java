package io.kafkalite.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Test methods running at the same time each get a topic of their own, and no reset takes another's state. */
class ParallelTestsTest {

    static final int TESTS = 3;

    @Test
    void concurrentTestsKeepTheirOwnTopicsGroupsAndRecords() {
        Concurrent.names.clear();
        Concurrent.running = new CountDownLatch(TESTS);
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", String.valueOf(TESTS))
                .selectors(selectClass(Concurrent.class))
                .execute();
        if (results.allEvents().failed().count() > 0) {
            throw new AssertionError(Fixtures.failureOf(results));
        }
        results.testEvents().assertStatistics(s -> s.succeeded(TESTS));
        assertThat(Concurrent.names).hasSize(TESTS);
    }

    // ---- fixture: runs only through the engine above (Surefire skips nested classes) ----

    @KafkaLiteTest(topics = "shared-input:1")
    @Execution(ExecutionMode.CONCURRENT)
    static class Concurrent {
        static final Set<String> names = ConcurrentHashMap.newKeySet();
        static volatile CountDownLatch running;

        @Test
        void first(TestTopic topic, Producer<String, String> producer, Consumer<String, String> consumer,
                   Admin admin, KafkaCluster kafka) throws Exception {
            useOwnTopic(topic, producer, consumer, admin, kafka);
        }

        @Test
        void second(TestTopic topic, Producer<String, String> producer, Consumer<String, String> consumer,
                    Admin admin, KafkaCluster kafka) throws Exception {
            useOwnTopic(topic, producer, consumer, admin, kafka);
        }

        @Test
        void third(TestTopic topic, Producer<String, String> producer, Consumer<String, String> consumer,
                   Admin admin, KafkaCluster kafka) throws Exception {
            useOwnTopic(topic, producer, consumer, admin, kafka);
        }

        private static void useOwnTopic(TestTopic topic, Producer<String, String> producer,
                                        Consumer<String, String> consumer, Admin admin, KafkaCluster kafka)
                throws Exception {
            names.add(topic.name());
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(topic.name(), "k" + i, topic.name())).get();
            }
            producer.send(new ProducerRecord<>("shared-input", topic.name(), "mine")).get();
            consumer.subscribe(List.of(topic.name()));
            List<ConsumerRecord<String, String>> received = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.size() < 3 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(received::add);
            }
            consumer.commitSync();

            // every test got this far, so every reset of the others ran while this one was using the cluster
            running.countDown();
            assertThat(running.await(60, TimeUnit.SECONDS)).as("all tests running at once").isTrue();

            assertThat(received).extracting(ConsumerRecord::value).containsOnly(topic.name()).hasSize(3);
            assertThat(kafka.readAll(topic.name())).hasSize(3);
            assertThat(kafka.readAll("shared-input")).extracting(ConsumerRecord::key).contains(topic.name());
            assertThat(admin.listConsumerGroups().all().get()).extracting(g -> g.groupId())
                    .contains(consumer.groupMetadata().groupId());
        }

        @AfterAll
        static void ownTopicsAreDeletedAfterTheirTests(KafkaCluster kafka) throws Exception {
            try (Admin admin = Admin.create(kafka.clientConfig())) {
                assertThat(admin.listTopics().names().get()).doesNotContainAnyElementsOf(names);
            }
        }
    }
}
