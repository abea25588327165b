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
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The Kafka a test talks to: the embedded Kafkalite broker, or an external cluster when one is configured.
 * Test code written against this interface runs unchanged on both.
 *
 * <p>The read helpers use a consumer of their own without a consumer group (assigned partitions, from the
 * beginning), so they neither disturb the test's groups nor leave one behind. Keys and values are deserialised by
 * type ({@code String}, {@code byte[]}, {@code Integer}, {@code Long}, {@code Short}, {@code Double},
 * {@code Float}, {@code UUID}, {@code ByteBuffer}) or by a {@link Deserializer} the caller passes (Avro, JSON,
 * ...); a passed deserializer is used as it is (not configured) and is not closed.
 *
 * <p>Test control ({@link #faults()}, {@link #advanceClock}, {@link #restart()}, {@link #pause()},
 * {@link #groups()}, {@link #cleanLogs()}...) needs the embedded broker: on an external cluster those methods throw
 * {@link UnsupportedOperationException}. After each test the extension removes fault rules and brings a paused or
 * stopped broker back, so one test's faults never leak into the next.
 */
public interface KafkaCluster {

    /** How long {@link #readAll(String)} and its overloads may take to reach the end of every partition. */
    Duration READ_ALL_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The cluster's bootstrap address.
     *
     * @return a {@code host:port} list for {@code bootstrap.servers}
     */
    String bootstrapServers();

    /**
     * The configs every client of this cluster needs. On a secure embedded cluster they log in as its super user
     * and trust its certificate; on an external cluster they carry the client settings given for it.
     *
     * @return a fresh, modifiable map holding at least {@code bootstrap.servers}
     */
    Map<String, Object> clientConfig();

    /**
     * {@link #clientConfig()} logging in as one of the users the test class declared instead of the super user.
     *
     * @param user a user the test class declared
     * @return a fresh, modifiable map
     * @throws UnsupportedOperationException when this cluster has no declared users (no security, or external)
     */
    default Map<String, Object> clientConfig(String user) {
        throw new UnsupportedOperationException("Cluster " + this + " has no declared users; declare them with "
                + "@KafkaLiteTest(sasl = ..., users = \"" + user + ":password\")");
    }

    /**
     * Whether the tests run on the embedded broker.
     *
     * @return true for the embedded Kafkalite broker, false for an external cluster
     */
    boolean isEmbedded();

    /**
     * Every record {@code topic} holds now (up to the end offsets when called), from all partitions.
     *
     * @param topic the topic to read
     * @param keyDeserializer turns keys into {@code K}
     * @param valueDeserializer turns values into {@code V}
     * @param <K> the key type
     * @param <V> the value type
     * @return the records, partition by partition in offset order
     * @throws AssertionError if the topic does not exist, or if some partition could not be read to its end within
     *                        {@link #READ_ALL_TIMEOUT} (the message names it and lists what was read): never a
     *                        silently partial result
     */
    <K, V> List<ConsumerRecord<K, V>> readAll(String topic, Deserializer<K> keyDeserializer,
                                              Deserializer<V> valueDeserializer);

    /**
     * {@link #readAll(String, Deserializer, Deserializer)} with keys and values of the given types.
     *
     * @param topic the topic to read
     * @param keyType the key type, one of the supported types listed on this interface
     * @param valueType the value type, likewise
     * @param <K> the key type
     * @param <V> the value type
     * @return the records, partition by partition in offset order
     * @throws IllegalArgumentException for a type without a built-in deserializer
     */
    default <K, V> List<ConsumerRecord<K, V>> readAll(String topic, Class<K> keyType, Class<V> valueType) {
        return readAll(topic, Serdes.deserializer(keyType), Serdes.deserializer(valueType));
    }

    /**
     * {@link #readAll(String, Deserializer, Deserializer)} with String keys and values.
     *
     * @param topic the topic to read
     * @return the records, partition by partition in offset order
     */
    default List<ConsumerRecord<String, String>> readAll(String topic) {
        return readAll(topic, String.class, String.class);
    }

    /**
     * Waits until {@code topic} holds at least {@code count} records and returns all it read.
     *
     * @param topic the topic to read
     * @param count how many records to wait for
     * @param timeout how long to wait
     * @param keyDeserializer turns keys into {@code K}
     * @param valueDeserializer turns values into {@code V}
     * @param <K> the key type
     * @param <V> the value type
     * @return at least {@code count} records
     * @throws AssertionError after {@code timeout}, listing the records that did arrive
     */
    <K, V> List<ConsumerRecord<K, V>> awaitRecords(String topic, int count, Duration timeout,
                                                   Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer);

    /**
     * {@link #awaitRecords(String, int, Duration, Deserializer, Deserializer)} with keys and values of the given
     * types.
     *
     * @param topic the topic to read
     * @param count how many records to wait for
     * @param timeout how long to wait
     * @param keyType the key type, one of the supported types listed on this interface
     * @param valueType the value type, likewise
     * @param <K> the key type
     * @param <V> the value type
     * @return at least {@code count} records
     */
    default <K, V> List<ConsumerRecord<K, V>> awaitRecords(String topic, int count, Duration timeout, Class<K> keyType,
                                                           Class<V> valueType) {
        return awaitRecords(topic, count, timeout, Serdes.deserializer(keyType), Serdes.deserializer(valueType));
    }

    /**
     * {@link #awaitRecords(String, int, Duration, Deserializer, Deserializer)} with String keys and values.
     *
     * @param topic the topic to read
     * @param count how many records to wait for
     * @param timeout how long to wait
     * @return at least {@code count} records
     */
    default List<ConsumerRecord<String, String>> awaitRecords(String topic, int count, Duration timeout) {
        return awaitRecords(topic, count, timeout, String.class, String.class);
    }

    /**
     * Waits until a record of {@code topic} matches {@code match} and returns the first such record.
     *
     * @param topic the topic to read
     * @param match the condition
     * @param timeout how long to wait
     * @param keyDeserializer turns keys into {@code K}
     * @param valueDeserializer turns values into {@code V}
     * @param <K> the key type
     * @param <V> the value type
     * @return the first matching record
     * @throws AssertionError after {@code timeout}, listing the records that did arrive
     */
    <K, V> ConsumerRecord<K, V> awaitRecord(String topic, Predicate<ConsumerRecord<K, V>> match, Duration timeout,
                                            Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer);

    /**
     * {@link #awaitRecord(String, Predicate, Duration, Deserializer, Deserializer)} with keys and values of the
     * given types.
     *
     * @param topic the topic to read
     * @param match the condition
     * @param timeout how long to wait
     * @param keyType the key type, one of the supported types listed on this interface
     * @param valueType the value type, likewise
     * @param <K> the key type
     * @param <V> the value type
     * @return the first matching record
     */
    default <K, V> ConsumerRecord<K, V> awaitRecord(String topic, Predicate<ConsumerRecord<K, V>> match,
                                                    Duration timeout, Class<K> keyType, Class<V> valueType) {
        return awaitRecord(topic, match, timeout, Serdes.deserializer(keyType), Serdes.deserializer(valueType));
    }

    /**
     * {@link #awaitRecord(String, Predicate, Duration, Deserializer, Deserializer)} with String keys and values.
     *
     * @param topic the topic to read
     * @param match the condition
     * @param timeout how long to wait
     * @return the first matching record
     */
    default ConsumerRecord<String, String> awaitRecord(String topic, Predicate<ConsumerRecord<String, String>> match,
                                                       Duration timeout) {
        return awaitRecord(topic, match, timeout, String.class, String.class);
    }

    /**
     * The embedded broker.
     *
     * @return the broker; empty when the tests run against an external cluster
     */
    default Optional<KafkaLite> embeddedBroker() {
        return Optional.empty();
    }

    /**
     * Fault injection on the embedded broker ({@link KafkaLite#faults()}): fail, delay, throttle, cut off or
     * silence requests by Kafka API and error names.
     *
     * @return the broker's fault rules
     * @throws UnsupportedOperationException on an external cluster
     */
    default Faults faults() {
        return testControl("fault injection").faults();
    }

    /**
     * The embedded broker's consumer groups ({@link KafkaLite#groups()}): members and assignments, removing a
     * member, forcing a rebalance.
     *
     * @return the broker's group control
     * @throws UnsupportedOperationException on an external cluster
     */
    default Groups groups() {
        return testControl("group control").groups();
    }

    /**
     * Moves the embedded broker's manual clock ({@link KafkaLite#advanceClock}); needs
     * {@code @KafkaLiteTest(manualClock = true)} or {@code KafkaLiteExtension.builder().manualClock()}.
     *
     * @param duration how far to move the clock
     * @throws UnsupportedOperationException on an external cluster
     * @throws IllegalStateException when the broker runs on the system clock
     */
    default void advanceClock(Duration duration) {
        testControl("a manual clock").advanceClock(duration);
    }

    /**
     * Runs retention and log compaction on every partition of the embedded broker now and returns once they are done
     * ({@link KafkaLite#cleanLogs()}), so a test of a compacted topic need not wait for the background cleaner.
     *
     * @return how many partitions were compacted
     * @throws UnsupportedOperationException on an external cluster (its cleaner runs on its own schedule)
     */
    default int cleanLogs() {
        return testControl("cleaning the logs on demand").cleanLogs();
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
