package io.kafkalite.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A topic the test class declares, next to {@link KafkaLiteTest}; the typed form of an entry of
 * {@link KafkaLiteTest#topics()}, for configs whose values hold commas:
 *
 * <pre>{@code
 * @KafkaLiteTest
 * @Topic(name = "audit", partitions = 2, configs = @TopicConfig(name = "cleanup.policy", value = "compact,delete"))
 * class AuditTest { ... }
 * }</pre>
 *
 * Declared topics exist before the first test and are emptied before each test (see
 * {@link KafkaLiteTest#resetBetweenTests()}). Repeatable.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Repeatable(Topics.class)
public @interface Topic {

    /**
     * The topic's name.
     *
     * @return the topic's name
     */
    String name();

    /**
     * Its partition count, at least 1.
     *
     * @return its partition count, at least 1
     */
    int partitions() default 1;

    /**
     * Its topic configs.
     *
     * @return its topic configs
     */
    TopicConfig[] configs() default {};
}
