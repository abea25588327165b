package io.kafkalite.junit;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

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
     * The configs every client of this cluster needs.
     *
     * @return a fresh, modifiable map holding at least {@code bootstrap.servers}
     */
    Map<String, Object> clientConfig();

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
}
