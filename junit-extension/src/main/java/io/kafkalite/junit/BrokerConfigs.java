package io.kafkalite.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The container of repeated {@link BrokerConfig} annotations; Java fills it in, nobody writes it. */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface BrokerConfigs {

    /**
     * The repeated annotations.
     *
     * @return the repeated annotations
     */
    BrokerConfig[] value();
}
