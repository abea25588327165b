package io.kafkalite.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.function.Consumer;

import io.kafkalite.KafkaLite;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** Runs fixture classes through the JUnit engine, as a user's build would, and reads what their users would see. */
final class Fixtures {

    private Fixtures() {
    }

    /** Runs the classes one after another, in the order given. */
    static EngineExecutionResults run(Class<?>... classes) {
        EngineTestKit.Builder builder = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.testclass.order.default",
                        "org.junit.jupiter.api.ClassOrderer$OrderAnnotation");
        for (Class<?> c : classes) {
            builder.selectors(selectClass(c));
        }
        return builder.execute();
    }

    /** The first failure, with what was attached to it (the extension's report of the cluster). */
    static String failureOf(EngineExecutionResults results) {
        List<Event> failures = results.allEvents().failed().list();
        assertThat(failures).as("failures").isNotEmpty();
        Throwable thrown = failures.get(0).getPayload(TestExecutionResult.class)
                .flatMap(TestExecutionResult::getThrowable).orElseThrow();
        StringBuilder text = new StringBuilder(String.valueOf(thrown));
        for (Throwable suppressed : thrown.getSuppressed()) {
            text.append('\n').append(suppressed.getMessage());
        }
        return text.toString();
    }

    /**
     * Runs {@code body} with external mode on: against the external cluster this test run already uses (the
     * build's real Apache Kafka broker), or else against a Kafkalite broker standing in for one.
     */
    static void withExternalCluster(Consumer<String> body) {
        String configured = System.getProperty(KafkaLiteExtension.EXTERNAL_BOOTSTRAP_PROPERTY);
        if (configured != null) {
            body.accept(configured);
            return;
        }
        try (KafkaLite standIn = KafkaLite.builder().start()) {
            System.setProperty(KafkaLiteExtension.EXTERNAL_BOOTSTRAP_PROPERTY, standIn.bootstrapServers());
            try {
                body.accept(standIn.bootstrapServers());
            } finally {
                System.clearProperty(KafkaLiteExtension.EXTERNAL_BOOTSTRAP_PROPERTY);
            }
        }
    }
}
