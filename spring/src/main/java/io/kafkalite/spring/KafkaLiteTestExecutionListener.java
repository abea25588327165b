package io.kafkalite.spring;

import io.kafkalite.junit.KafkaLiteExtension;
import org.springframework.core.Ordered;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

/**
 * Registered through {@code META-INF/spring.factories}: closes the application context of a test class whose
 * Kafkalite broker is its own once the class is done. No other class can be handed that context (the cache key
 * names the class), and left open its listener containers would keep polling a broker that is gone. Contexts of
 * shared brokers and external clusters stay cached for the classes that share them.
 */
public final class KafkaLiteTestExecutionListener implements TestExecutionListener, Ordered {

    /** Called by Spring's test framework (through {@code spring.factories}). */
    public KafkaLiteTestExecutionListener() {
    }

    /**
     * Marks the context dirty after a top-level class whose broker was its own.
     *
     * @param testContext the class's test context
     */
    @Override
    public void afterTestClass(TestContext testContext) {
        Class<?> testClass = testContext.getTestClass();
        boolean ownBroker = testClass.getEnclosingClass() == null
                && KafkaLiteExtension.clusterIdentity(testClass).map(testClass::equals).orElse(false);
        if (ownBroker) {
            testContext.markApplicationContextDirty(DirtiesContext.HierarchyMode.EXHAUSTIVE);
        }
    }

    /**
     * Runs among Spring's own listeners; the order among them does not matter here.
     *
     * @return {@link Ordered#LOWEST_PRECEDENCE}
     */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
