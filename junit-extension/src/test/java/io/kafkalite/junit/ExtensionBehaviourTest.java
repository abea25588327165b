package io.kafkalite.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.kafkalite.KafkaLite;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs small fixture classes through the JUnit engine and checks what their users would see. */
class ExtensionBehaviourTest {

    private static EngineExecutionResults run(Class<?>... classes) {
        return Fixtures.run(classes);
    }

    private static String failureOf(EngineExecutionResults results) {
        return Fixtures.failureOf(results);
    }

    @Test
    void programmaticRegistrationOnAStaticFieldServesTheClass() {
        EngineExecutionResults results = run(Programmatic.class);
        results.testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
    }

    @Test
    void badTopicSpecNamesTheAnnotationAndTheFormat() {
        String failure = failureOf(run(BadTopic.class));
        assertThat(failure).contains("@KafkaLiteTest on BadTopic").contains("orders:three").contains("name:partitions");
    }

    @Test
    void unsupportedGenericTypeNamesTheParameterAndTheSupportedTypes() {
        String failure = failureOf(run(UnsupportedType.class));
        assertThat(failure).contains("Producer<java.lang.String, java.lang.Thread>").contains("String, byte[], Integer");
    }

    @Test
    void rawProducerParameterAsksForTypes() {
        assertThat(failureOf(run(RawProducer.class))).contains("needs key and value types");
    }

    @Test
    void annotationAndRegisteredExtensionTogetherAreRejected() {
        assertThat(failureOf(run(BothWays.class))).contains("both @KafkaLiteTest and a @RegisterExtension");
    }

    @Test
    @Tag("embedded") // an external cluster keeps its own configs
    void unknownBrokerConfigFailsNamingTheKey() {
        assertThat(failureOf(run(BadBrokerConfig.class))).contains("no.such.setting");
    }

    @Test
    void failedTestReportsWhatTheBrokerHeld() {
        String failure = failureOf(run(FailingWithRecords.class));
        assertThat(failure).contains("expected failure")
                .contains("payments: 2 partition(s), 3 record(s)")
                .contains("value=\"paid 3\"");
    }

    @Test
    void bootstrapPropertiesAreRestoredAfterTheClass() {
        System.setProperty("kafka.bootstrap.servers", "before:1");
        try {
            run(Programmatic.class).testEvents().assertStatistics(s -> s.succeeded(2));
            assertThat(System.getProperty("kafka.bootstrap.servers")).isEqualTo("before:1");
            assertThat(System.getProperty("spring.kafka.bootstrap-servers")).isNull();
        } finally {
            System.clearProperty("kafka.bootstrap.servers");
        }
    }

    @Test
    void externalClusterModeRunsTheSameTestsAgainstAnotherBroker() {
        Fixtures.withExternalCluster(external -> {
            ExternalFixture.seen.clear();
            run(ExternalFixture.class).testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
            assertThat(ExternalFixture.seen).containsExactly(external);
        });
    }

    @Test
    @Tag("embedded")
    void parallelClassesEachGetTheirOwnBroker() {
        ParallelA.ports.clear();
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                .selectors(selectClass(ParallelA.class), selectClass(ParallelB.class))
                .execute();
        results.testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
        assertThat(ParallelA.ports).hasSize(2);
    }

    @Test
    @Tag("embedded")
    void sharedClassesUseOneBrokerAndEachStillStartsFromItsDeclaredTopics() {
        SharedA.ports.clear();
        run(SharedA.class, SharedB.class).testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
        assertThat(SharedA.ports).hasSize(1);
    }

    // ---- fixtures: run only through the engine above (Surefire skips nested classes) ----

    static class Programmatic {
        @RegisterExtension
        static KafkaLiteExtension kafka = KafkaLiteExtension.builder().topic("jobs", 2).build();

        @Test
        void one(Producer<String, String> producer, KafkaCluster kafka) throws Exception {
            assertThat(kafka.readAll("jobs")).isEmpty();
            producer.send(new ProducerRecord<>("jobs", 0, "a", "b")).get();
        }

        @Test
        void two(Producer<String, String> producer, KafkaCluster kafka) throws Exception {
            assertThat(kafka.readAll("jobs")).isEmpty();
            producer.send(new ProducerRecord<>("jobs", 0, "a", "b")).get();
        }
    }

    @KafkaLiteTest(topics = "orders:three")
    static class BadTopic {
        @Test
        void test() {
        }
    }

    @KafkaLiteTest
    static class UnsupportedType {
        @Test
        void test(Producer<String, Thread> producer) {
        }
    }

    @KafkaLiteTest
    static class RawProducer {
        @Test
        @SuppressWarnings("rawtypes")
        void test(Producer producer) {
        }
    }

    @KafkaLiteTest
    static class BothWays {
        @RegisterExtension
        static KafkaLiteExtension kafka = KafkaLiteExtension.builder().build();

        @Test
        void test() {
        }
    }

    @KafkaLiteTest(brokerConfig = "no.such.setting=1")
    static class BadBrokerConfig {
        @Test
        void test() {
        }
    }

    @KafkaLiteTest(topics = "payments:2")
    static class FailingWithRecords {
        @Test
        void test(Producer<String, String> producer) throws Exception {
            for (int i = 1; i <= 3; i++) {
                producer.send(new ProducerRecord<>("payments", i % 2, "p" + i, "paid " + i)).get();
            }
            throw new AssertionError("expected failure");
        }
    }

    @KafkaLiteTest(topics = "shared-name:1")
    static class ExternalFixture {
        static final Set<String> seen = ConcurrentHashMap.newKeySet();

        @Test
        void first(KafkaCluster kafka, Producer<String, String> producer) throws Exception {
            assertThat(kafka.isEmbedded()).isFalse();
            seen.add(kafka.bootstrapServers());
            producer.send(new ProducerRecord<>("shared-name", "k", "v")).get();
        }

        @Test
        void second(KafkaCluster kafka, Admin admin) throws Exception {
            seen.add(kafka.bootstrapServers());
            assertThat(admin.listTopics().names().get()).contains("shared-name");
            assertThat(kafka.readAll("shared-name")).isEmpty();
        }
    }

    @KafkaLiteTest(topics = "t:1")
    static class ParallelA {
        static final Set<Integer> ports = ConcurrentHashMap.newKeySet();

        @Test
        void test(KafkaLite broker, Producer<String, String> producer) throws Exception {
            ports.add(broker.port());
            producer.send(new ProducerRecord<>("t", "a", "b")).get();
            assertThat(Map.of("t", broker.port())).isNotEmpty();
        }
    }

    @KafkaLiteTest(topics = "t:1")
    static class ParallelB {
        @Test
        void test(KafkaLite broker, KafkaCluster kafka, Producer<String, String> producer) throws Exception {
            ParallelA.ports.add(broker.port());
            producer.send(new ProducerRecord<>("t", "c", "d")).get();
            assertThat(kafka.awaitRecords("t", 1, Duration.ofSeconds(30))).hasSize(1);
        }
    }

    @KafkaLiteTest(topics = "shared-a:1", shared = true)
    static class SharedA {
        static final Set<Integer> ports = ConcurrentHashMap.newKeySet();

        @Test
        void test(KafkaLite broker, Admin admin, Producer<String, String> producer) throws Exception {
            ports.add(broker.port());
            assertThat(admin.listTopics().names().get()).contains("shared-a");
            producer.send(new ProducerRecord<>("shared-a", "k", "v")).get();
        }
    }

    @KafkaLiteTest(topics = "shared-b:1", shared = true)
    static class SharedB {
        @Test
        void test(KafkaLite broker, Admin admin, KafkaCluster kafka) throws Exception {
            SharedA.ports.add(broker.port());
            assertThat(admin.listTopics().names().get()).contains("shared-b");
            assertThat(kafka.readAll("shared-b")).isEmpty();
        }
    }
}
