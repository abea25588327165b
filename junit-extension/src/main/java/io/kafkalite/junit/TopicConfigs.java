package io.kafkalite.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The container of repeated {@link TopicConfig} annotations; Java fills it in, nobody writes it. */
@Target({ElementType.PARAMETER, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TopicConfigs {

    /**
     * The repeated annotations.
     *
     * @return the repeated annotations
     */
    TopicConfig[] value();
}
