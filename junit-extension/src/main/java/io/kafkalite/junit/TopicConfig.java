package io.kafkalite.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One topic config by its Kafka name, taken as it is (commas included):
 * {@code @TopicConfig(name = "cleanup.policy", value = "compact,delete")}. Repeatable on a {@link TestTopic}
 * parameter, and the element type of {@link Topic#configs()}.
 */
@Target({ElementType.PARAMETER, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(TopicConfigs.class)
public @interface TopicConfig {

    /**
     * The config's Kafka name, e.g. {@code retention.ms}.
     *
     * @return the config's Kafka name, e.g. {@code retention.ms}
     */
    String name();

    /**
     * Its value.
     *
     * @return its value
     */
    String value();
}
