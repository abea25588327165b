package io.kafkalite.junit;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import io.kafkalite.Faults;
import io.kafkalite.Groups;
import io.kafkalite.KafkaLite;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The Kafka a test talks to: the embedded Kafkalite broker, or an external cluster when one is configured.
 * Test code written against this interface runs unchanged on both.
 *
 * <p>Test control ({@link #faults()}, {@link #advanceClock}, {@link #restart()}, {@link #pause()},
 * {@link #groups()}...) needs the embedded broker: on an external cluster those methods throw
 * {@link UnsupportedOperationException}. After each test the extension removes fault rules and brings a paused or
 * stopped broker back, so one test's faults never leak into the next.
 */
public interface KafkaCluster {

    /** {@code host:port} list for {@code bootstrap.servers}. */
    String bootstrapServers();

    /**
     * The configs every client of this cluster needs (at least {@code bootstrap.servers}); a fresh map. On a secure
     * embedded cluster they log in as its super user and trust its certificate; on an external cluster they carry
     * the client settings given for it.
     */
    Map<String, Object> clientConfig();

    /**
     * {@link #clientConfig()} logging in as one of the users the test class declared instead of the super user.
     *
     * @throws UnsupportedOperationException when this cluster has no declared users (no security, or external)
     */
    default Map<String, Object> clientConfig(String user) {
        throw new UnsupportedOperationException("Cluster " + this + " has no declared users; declare them with "
                + "@KafkaLiteTest(sasl = ..., users = \"" + user + ":password\")");
    }

    /** True for the embedded broker, false for an external cluster. */
    boolean isEmbedded();

    /**
     * Every record currently in {@code topic}, all partitions, read without a consumer group. Keys and values
     * are deserialised as {@code keyType} and {@code valueType} (String, byte[], Integer, Long, UUID, ...).
     */
    <K, V> List<ConsumerRecord<K, V>> readAll(String topic, Class<K> keyType, Class<V> valueType);

    /** {@link #readAll(String, Class, Class)} with String keys and values. */
    default List<ConsumerRecord<String, String>> readAll(String topic) {
        return readAll(topic, String.class, String.class);
    }

    /**
     * Waits until {@code topic} holds at least {@code count} records and returns them all.
     *
     * @throws AssertionError after {@code timeout}, listing the records that did arrive
     */
    <K, V> List<ConsumerRecord<K, V>> awaitRecords(String topic, int count, Duration timeout, Class<K> keyType,
                                                   Class<V> valueType);

    /** {@link #awaitRecords(String, int, Duration, Class, Class)} with String keys and values. */
    default List<ConsumerRecord<String, String>> awaitRecords(String topic, int count, Duration timeout) {
        return awaitRecords(topic, count, timeout, String.class, String.class);
    }

    /**
     * Waits until a record of {@code topic} matches {@code match} and returns the first such record.
     *
     * @throws AssertionError after {@code timeout}, listing the records that did arrive
     */
    <K, V> ConsumerRecord<K, V> awaitRecord(String topic, Predicate<ConsumerRecord<K, V>> match, Duration timeout,
                                            Class<K> keyType, Class<V> valueType);

    /** {@link #awaitRecord(String, Predicate, Duration, Class, Class)} with String keys and values. */
    default ConsumerRecord<String, String> awaitRecord(String topic, Predicate<ConsumerRecord<String, String>> match,
                                                       Duration timeout) {
        return awaitRecord(topic, match, timeout, String.class, String.class);
    }

    /** The embedded broker; empty when the tests run against an external cluster. */
    default Optional<KafkaLite> embeddedBroker() {
        return Optional.empty();
    }

    /**
     * Fault injection on the embedded broker ({@link KafkaLite#faults()}): fail, delay, throttle, cut off or
     * silence requests by Kafka API and error names.
     *
     * @throws UnsupportedOperationException on an external cluster
     */
    default Faults faults() {
        return testControl("fault injection").faults();
    }

    /**
     * The embedded broker's consumer groups ({@link KafkaLite#groups()}): members and assignments, removing a
     * member, forcing a rebalance.
     *
     * @throws UnsupportedOperationException on an external cluster
     */
    default Groups groups() {
        return testControl("group control").groups();
    }

    /**
     * Moves the embedded broker's manual clock ({@link KafkaLite#advanceClock}); needs
     * {@code @KafkaLiteTest(manualClock = true)} or {@code KafkaLiteExtension.builder().manualClock()}.
     *
     * @throws UnsupportedOperationException on an external cluster
     * @throws IllegalStateException when the broker runs on the system clock
     */
    default void advanceClock(Duration duration) {
        testControl("a manual clock").advanceClock(duration);
    }

    /**
     * Restarts the embedded broker on the same port and data ({@link KafkaLite#restart()}); clients reconnect on
     * their own.
     *
     * @throws UnsupportedOperationException on an external cluster
     */
    default void restart() {
        testControl("restarting the broker").restart();
    }

    /**
     * Stops the embedded broker as a crash would, keeping port and data for {@link #restart()}
     * ({@link KafkaLite#stop()}).
     *
     * @throws UnsupportedOperationException on an external cluster
     */
    default void stop() {
        testControl("stopping the broker").stop();
    }

    /**
     * Pauses the embedded broker: connections are accepted, nothing is answered until {@link #resume()}
     * ({@link KafkaLite#pause()}).
     *
     * @throws UnsupportedOperationException on an external cluster
     */
    default void pause() {
        testControl("pausing the broker").pause();
    }

    /**
     * Resumes a paused embedded broker ({@link KafkaLite#resume()}).
     *
     * @throws UnsupportedOperationException on an external cluster
     */
    default void resume() {
        testControl("resuming the broker").resume();
    }

    private KafkaLite testControl(String what) {
        return embeddedBroker().orElseThrow(() -> new UnsupportedOperationException(what + " needs the embedded "
                + "Kafkalite broker, but these tests run against the external cluster " + this + "; skip such tests "
                + "there, e.g. with assumeTrue(kafka.isEmbedded())"));
    }
}
