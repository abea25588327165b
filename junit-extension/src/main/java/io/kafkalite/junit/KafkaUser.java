package io.kafkalite.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Logs an injected {@code Producer}, {@code Consumer} or {@code Admin} in as one of the users declared with
 * {@link KafkaLiteTest#users()} instead of the super user, so that the class's ACLs apply to it:
 * {@code @KafkaUser("alice") Producer<String, String> producer}. Over TLS without SASL the client presents a
 * certificate for {@code CN=alice}, whose principal is {@code User:alice}.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface KafkaUser {

    /**
     * The user's name, as declared in {@code users = "name:password"}.
     *
     * @return the user's name
     */
    String value();
}
