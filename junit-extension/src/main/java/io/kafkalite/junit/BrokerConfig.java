package io.kafkalite.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One broker config of the embedded broker, by its Kafka name, next to {@link KafkaLiteTest}:
 * {@code @BrokerConfig(name = "auto.create.topics.enable", value = "false")}. Repeatable; the value is taken as
 * it is, commas included. Adds to (and for the same name overrides) {@link KafkaLiteTest#brokerConfig()}.
 * An external cluster keeps its own configuration: these are then ignored, with a warning.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Repeatable(BrokerConfigs.class)
public @interface BrokerConfig {

    /**
     * The config's Kafka name, e.g. {@code num.partitions}.
     *
     * @return the config's Kafka name, e.g. {@code num.partitions}
     */
    String name();

    /**
     * Its value, as Kafka would read it from a properties file.
     *
     * @return its value, as Kafka would read it from a properties file
     */
    String value();
}
