package io.kafkalite.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts one Kafkalite broker for the annotated test class (or uses an external cluster, see
 * {@link KafkaLiteExtension#EXTERNAL_BOOTSTRAP_PROPERTY}), creates the declared topics, clears state between
 * tests and injects {@link KafkaCluster}, {@code KafkaLite}, {@code Admin}, {@code Producer<K, V>} and
 * {@code Consumer<K, V>} parameters. Usable as a meta-annotation.
 *
 * <pre>{@code
 * @KafkaLiteTest(topics = "orders:3")
 * class OrderServiceTest {
 *     @Test void flagsLargeTrades(Producer<String, String> producer, KafkaCluster kafka) { ... }
 * }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(KafkaLiteExtension.class)
public @interface KafkaLiteTest {

    /**
     * Topics created before the first test and recreated empty before each test: {@code "name"},
     * {@code "name:partitions"} or {@code "name:partitions:config=value,config=value"}.
     */
    String[] topics() default {};

    /** Broker configs by Kafka name, e.g. {@code "auto.create.topics.enable=false"}. */
    String[] brokerConfig() default {};

    /** Whether records, undeclared topics and consumer groups are cleared before each test (default true). */
    boolean resetBetweenTests() default true;

    /**
     * Share one broker with every other class that also says {@code shared = true} in this JVM, for speed.
     * Shared brokers suit classes that run one after another; with parallel classes, keep a broker per class.
     */
    boolean shared() default false;

    /**
     * A SASL mechanism the broker requires: {@code PLAIN}, {@code SCRAM-SHA-256}, {@code SCRAM-SHA-512} or
     * {@code OAUTHBEARER} (Kafka's unsecured tokens). Injected clients and {@link KafkaCluster#clientConfig()} log in as
     * a super user; {@link KafkaUser} on a parameter (or {@link KafkaCluster#clientConfig(String)}) logs in as one of
     * {@link #users()}. Empty (the default): no SASL.
     */
    String sasl() default "";

    /**
     * TLS with a certificate the broker generates: clients get its CA as their truststore. With {@link #sasl()} the
     * listener is SASL_SSL; without, it is SSL with client certificates ({@code CN=name} is the principal
     * {@code User:name}).
     */
    boolean tls() default false;

    /** Users, {@code "name:password"} (just {@code "name"} over TLS without SASL or with OAUTHBEARER). */
    String[] users() default {};

    /**
     * ACLs, which switch the broker's authorizer on (Kafka's StandardAuthorizer semantics):
     * {@code "ALLOW User:alice READ,WRITE TOPIC orders"}, {@code "ALLOW alice READ GROUP billing- PREFIXED"},
     * {@code "DENY User:bob ALL TOPIC payments HOST=10.0.0.1"}. The extension's super user is exempt.
     */
    String[] acls() default {};

    /**
     * Run the broker on a manual clock that only moves when the test calls {@link KafkaCluster#advanceClock}:
     * session timeouts, retention and delayed responses then take no real time (default false).
     */
    boolean manualClock() default false;
}
