package io.kafkalite.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.kafkalite.FaultRule;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Faults, the manual clock and restarts through KafkaCluster, and what the extension does with them. */
@Tag("embedded") // test control of the embedded broker: not run against the real broker
@KafkaLiteTest(topics = "orders:2", manualClock = true)
class TestControlTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void faultRulesWorkThroughKafkaCluster(KafkaCluster kafka, Producer<String, String> producer) throws Exception {
        FaultRule notLeader = kafka.faults().on("Produce").topic("orders").times(2)
                .respondWith("NOT_LEADER_OR_FOLLOWER");
        producer.send(new ProducerRecord<>("orders", 0, "k", "retried")).get(30, TimeUnit.SECONDS);
        assertThat(notLeader.timesFired()).isEqualTo(2);
        assertThat(kafka.readAll("orders")).extracting(ConsumerRecord::value).containsExactly("retried");
    }

    @Test
    void theManualClockReleasesADelayedResponse(KafkaCluster kafka, Producer<String, String> producer)
            throws Exception {
        producer.partitionsFor("orders");
        FaultRule slow = kafka.faults().on("Produce").times(1).delayResponse(Duration.ofSeconds(30));
        Future<RecordMetadata> sent = producer.send(new ProducerRecord<>("orders", 0, "k", "late"));
        slow.awaitFired(1, WAIT);
        assertThat(sent.isDone()).isFalse();
        kafka.advanceClock(Duration.ofSeconds(30));
        // resets delete the declared topic's records rather than recreate it, so offsets go on from test to test
        long offset = sent.get(30, TimeUnit.SECONDS).offset();
        assertThat(kafka.readAll("orders")).extracting(ConsumerRecord::value, ConsumerRecord::offset)
                .containsExactly(tuple("late", offset));
    }


    @Test
    void aRestartKeepsRecordsAndTheInjectedClientsCarryOn(KafkaCluster kafka, Producer<String, String> producer)
            throws Exception {
        producer.send(new ProducerRecord<>("orders", 1, "k", "before")).get(30, TimeUnit.SECONDS);
        kafka.restart();
        producer.send(new ProducerRecord<>("orders", 1, "k", "after")).get(30, TimeUnit.SECONDS);
        assertThat(kafka.awaitRecords("orders", 2, WAIT)).extracting(ConsumerRecord::value)
                .containsExactly("before", "after");
    }

    @Test
    void cleanLogsCompactsAKeyedTopicNow(KafkaCluster kafka, Admin admin, Producer<String, String> producer)
            throws Exception {
        admin.createTopics(List.of(new NewTopic("prices", 1, (short) 1)
                .configs(Map.of("cleanup.policy", "compact")))).all().get(30, TimeUnit.SECONDS);
        for (String value : List.of("1", "2", "3")) {
            producer.send(new ProducerRecord<>("prices", "apple", value)).get(30, TimeUnit.SECONDS);
        }
        producer.send(new ProducerRecord<>("prices", "pear", "9")).get(30, TimeUnit.SECONDS);

        assertThat(kafka.cleanLogs()).isEqualTo(1);

        assertThat(kafka.readAll("prices")).extracting(ConsumerRecord::key, ConsumerRecord::value, ConsumerRecord::offset)
                .containsExactly(tuple("apple", "3", 2L), tuple("pear", "9", 3L));
    }

    @Test
    void groupsAreVisibleThroughKafkaCluster(KafkaCluster kafka) {
        assertThat(kafka.groups().describe("nobody")).isEmpty();
    }

    @Test
    void testControlOnAnExternalClusterSaysWhatItNeeds() {
        KafkaCluster external = new KafkaCluster() {
            @Override
            public String bootstrapServers() {
                return "kafka.example:9092";
            }

            @Override
            public Map<String, Object> clientConfig() {
                return Map.of();
            }

            @Override
            public boolean isEmbedded() {
                return false;
            }

            @Override
            public <K, V> List<ConsumerRecord<K, V>> readAll(String topic, Deserializer<K> keys, Deserializer<V> values) {
                return List.of();
            }

            @Override
            public <K, V> List<ConsumerRecord<K, V>> awaitRecords(String topic, int count, Duration timeout,
                                                                  Deserializer<K> keys, Deserializer<V> values) {
                return List.of();
            }

            @Override
            public <K, V> ConsumerRecord<K, V> awaitRecord(String topic, Predicate<ConsumerRecord<K, V>> match,
                                                           Duration timeout, Deserializer<K> keys,
                                                           Deserializer<V> values) {
                return null;
            }
        };
        assertThatThrownBy(external::faults).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("fault injection needs the embedded Kafkalite broker")
                .hasMessageContaining("assumeTrue(kafka.isEmbedded())");
        assertThatThrownBy(external::restart).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void faultsAndPausesEndWithTheTestThatMadeThem() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(LeavesFaultsBehind.class)).execute();
        results.testEvents().assertStatistics(s -> s.succeeded(3).failed(0));
    }

    @Test
    void aFailedTestReportsItsFaultRulesAndTheBrokerStillGetsDescribed() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(FailsWithFaults.class)).execute();
        Throwable thrown = results.testEvents().failed().list().get(0)
                .getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable).orElseThrow();
        StringBuilder report = new StringBuilder();
        for (Throwable suppressed : thrown.getSuppressed()) {
            report.append(suppressed.getMessage()).append('\n');
        }
        assertThat(report.toString())
                .contains("broker paused")
                .contains("#1 any API, every request: never answer")
                .contains("#2 Fetch topic=payments, 1 request(s): respond NOT_LEADER_OR_FOLLOWER (fired 0)")
                .contains("payments: 1 partition(s), 1 record(s)");
    }

    @KafkaLiteTest(topics = "jobs:1")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class LeavesFaultsBehind {
        @Test
        @Order(1)
        void silencesEverythingAndPauses(KafkaCluster kafka) {
            kafka.faults().onAnyApi().blackHole();
            kafka.pause();
        }

        @Test
        @Order(2)
        void stopsTheBroker(KafkaCluster kafka, Producer<String, String> producer) throws Exception {
            assertThat(kafka.faults().rules()).isEmpty();
            producer.send(new ProducerRecord<>("jobs", "k", "v")).get(30, TimeUnit.SECONDS);
            kafka.stop();
        }

        @Test
        @Order(3)
        void findsTheBrokerServingAgain(KafkaCluster kafka, Producer<String, String> producer) throws Exception {
            producer.send(new ProducerRecord<>("jobs", "k", "v")).get(30, TimeUnit.SECONDS);
            assertThat(kafka.readAll("jobs")).hasSize(1); // the reset between tests emptied it
        }
    }

    @KafkaLiteTest(topics = "payments:1")
    static class FailsWithFaults {
        @Test
        void test(KafkaCluster kafka, Producer<String, String> producer) throws Exception {
            producer.send(new ProducerRecord<>("payments", "p1", "paid")).get(30, TimeUnit.SECONDS);
            kafka.faults().onAnyApi().blackHole();
            kafka.faults().on("Fetch").topic("payments").times(1).respondWith("NOT_LEADER_OR_FOLLOWER");
            kafka.pause();
            throw new AssertionError("expected failure");
        }
    }
}
