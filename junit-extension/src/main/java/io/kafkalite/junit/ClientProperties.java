package io.kafkalite.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Client configs for one injected {@code Producer}, {@code Consumer} or {@code Admin} parameter, by Kafka name:
 * {@code @ClientProperties({"group.id=billing", "auto.offset.reset=latest"}) Consumer<String, String> consumer}.
 * They override the extension's defaults (for consumers: a group id unique to the parameter and
 * {@code auto.offset.reset=earliest}).
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ClientProperties {

    /**
     * {@code "name=value"} pairs.
     *
     * @return {@code "name=value"} pairs
     */
    String[] value();
}
