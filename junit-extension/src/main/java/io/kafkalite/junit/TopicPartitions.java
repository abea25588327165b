package io.kafkalite.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** How many partitions an injected {@link TestTopic} gets (one without this annotation). */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TopicPartitions {

    /**
     * The partition count, at least 1.
     *
     * @return the partition count, at least 1
     */
    int value();
}
