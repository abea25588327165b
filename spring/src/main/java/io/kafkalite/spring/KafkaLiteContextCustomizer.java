package io.kafkalite.spring;

import java.util.Map;

import io.kafkalite.junit.KafkaCluster;
import io.kafkalite.junit.KafkaLiteExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.util.ClassUtils;

/**
 * Points a test's application context at its Kafkalite cluster: the property {@value #BOOTSTRAP_PROPERTY} (read by
 * Spring Boot of every version and by {@code @Value} injections), and on Spring Boot 3.1+ a
 * {@code KafkaConnectionDetails} bean, which Boot's Kafka auto-configuration prefers over properties.
 *
 * <p>Equal for test classes that share a cluster ({@link KafkaLiteExtension#clusterIdentity}), so it splits
 * Spring's context cache exactly where the clusters differ.
 */
final class KafkaLiteContextCustomizer implements ContextCustomizer {

    static final String BOOTSTRAP_PROPERTY = "spring.kafka.bootstrap-servers";
    private static final String BOOT_CONNECTION_DETAILS =
            "org.springframework.boot.autoconfigure.kafka.KafkaConnectionDetails";

    private final Object cluster;

    KafkaLiteContextCustomizer(Object cluster) {
        this.cluster = cluster;
    }

    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
        Class<?> testClass = mergedConfig.getTestClass();
        KafkaCluster kafka = KafkaLiteExtension.clusterOf(testClass).orElseThrow(() -> new IllegalStateException(
                "No Kafkalite cluster is running for " + testClass.getName() + " while Spring creates its context. "
                        + "Kafkalite starts it before all tests of the class; with @TestInstance(PER_CLASS) Spring "
                        + "creates the context before that: use the default per-method lifecycle for this class."));
        String bootstrap = kafka.bootstrapServers();
        context.getEnvironment().getPropertySources().addFirst(
                new MapPropertySource("kafkalite", Map.of(BOOTSTRAP_PROPERTY, bootstrap)));
        if (ClassUtils.isPresent(BOOT_CONNECTION_DETAILS, context.getClassLoader())) {
            context.getBeanFactory().registerSingleton("kafkaLiteConnectionDetails",
                    new KafkaLiteConnectionDetails(bootstrap));
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KafkaLiteContextCustomizer customizer && cluster.equals(customizer.cluster);
    }

    @Override
    public int hashCode() {
        return cluster.hashCode();
    }

    @Override
    public String toString() {
        return "KafkaLiteContextCustomizer[" + cluster + "]";
    }
}
