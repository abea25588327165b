package io.kafkalite.spring;

import java.util.List;

import io.kafkalite.junit.KafkaLiteExtension;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;

/**
 * Registered through {@code META-INF/spring.factories}: for a test class that uses Kafkalite ({@code @KafkaLiteTest}
 * or a static {@code KafkaLiteExtension} field), adds a {@link ContextCustomizer} that takes part in Spring's
 * test-context cache key and points the context at the class's cluster.
 *
 * <p>Without it, two {@code @SpringBootTest} classes with the same configuration share one cached context, and the
 * second class's beans still talk to the first class's broker, which closed when that class ended. With it, a
 * context is shared exactly by the classes that share a cluster: a shared broker, or an external cluster.
 */
public final class KafkaLiteContextCustomizerFactory implements ContextCustomizerFactory {

    /** Called by Spring's test framework (through {@code spring.factories}). */
    public KafkaLiteContextCustomizerFactory() {
    }

    /**
     * A customizer for a test class that uses Kafkalite.
     *
     * @param testClass the test class
     * @param configAttributes its context configuration (not used)
     * @return the customizer, or null for a class that does not use Kafkalite
     */
    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
                                                     List<ContextConfigurationAttributes> configAttributes) {
        return KafkaLiteExtension.clusterIdentity(testClass).map(KafkaLiteContextCustomizer::new).orElse(null);
    }
}
