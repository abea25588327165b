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
 * {@link KafkaLiteExtension#EXTERNAL_BOOTSTRAP_PROPERTY}), creates the declared topics ({@link #topics()} and
 * {@link Topic}), resets the cluster before each test and injects {@link KafkaCluster}, {@code KafkaLite},
 * {@link TestTopic}, {@code Admin}, {@code Producer<K, V>} and {@code Consumer<K, V>} parameters. Broker configs
 * come from {@link #brokerConfig()} and {@link BrokerConfig}. Usable as a meta-annotation.
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
     * Topics created before the first test and emptied before each test: {@code "name"}, {@code "name:partitions"}
     * or {@code "name:partitions:config=value,config=value"}. For config values holding commas use {@link Topic}.
     *
     * @return the declared topics
     */
    String[] topics() default {};

    /**
     * Broker configs by Kafka name, e.g. {@code "auto.create.topics.enable=false"}; see also {@link BrokerConfig}.
     *
     * @return {@code name=value} pairs
     */
    String[] brokerConfig() default {};

    /**
     * Whether each test, the first included, starts from the declared state: declared topics emptied (their
     * records deleted; offsets go on, so that clients outliving a test keep working), other topics and consumer
     * groups the run created deleted.
     * Records written in {@code @BeforeAll} are therefore gone by the first test: write them in
     * {@code @BeforeEach}, or turn this off. Groups that still have members (consumers that outlive a test, such as
     * a Spring context's listener containers) cannot be deleted and are kept. While other tests use the cluster at
     * the same time (parallel methods or classes), a reset leaves everything they may use alone; give such tests a
     * {@link TestTopic} each.
     *
     * @return true (the default) to reset before each test
     */
    boolean resetBetweenTests() default true;

    /**
     * Share one broker with every other class that also says {@code shared = true} (and has the same broker
     * configs) in this JVM, for speed.
     *
     * @return true to share
     */
    boolean shared() default false;

    /**
     * A SASL mechanism the broker requires: {@code PLAIN}, {@code SCRAM-SHA-256}, {@code SCRAM-SHA-512} or
     * {@code OAUTHBEARER} (Kafka's unsecured tokens). Injected clients and {@link KafkaCluster#clientConfig()} log in as
     * a super user; {@link KafkaUser} on a parameter (or {@link KafkaCluster#clientConfig(String)}) logs in as one of
     * {@link #users()}. Empty (the default): no SASL.
     *
     * @return the mechanism, or empty for none
     */
    String sasl() default "";

    /**
     * TLS with a certificate the broker generates: clients get its CA as their truststore. With {@link #sasl()} the
     * listener is SASL_SSL; without, it is SSL with client certificates ({@code CN=name} is the principal
     * {@code User:name}).
     *
     * @return true for TLS
     */
    boolean tls() default false;

    /**
     * Users, {@code "name:password"} (just {@code "name"} over TLS without SASL or with OAUTHBEARER).
     *
     * @return the users
     */
    String[] users() default {};

    /**
     * ACLs, which switch the broker's authorizer on (Kafka's StandardAuthorizer semantics):
     * {@code "ALLOW User:alice READ,WRITE TOPIC orders"}, {@code "ALLOW alice READ GROUP billing- PREFIXED"},
     * {@code "DENY User:bob ALL TOPIC payments HOST=10.0.0.1"}. The extension's super user is exempt.
     *
     * @return the ACLs
     */
    String[] acls() default {};

    /**
     * Run the broker on a manual clock that only moves when the test calls {@link KafkaCluster#advanceClock}:
     * session timeouts, retention and delayed responses then take no real time (default false).
     *
     * @return true for a manual clock
     */
    boolean manualClock() default false;
}
