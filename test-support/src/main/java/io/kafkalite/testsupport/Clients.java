package io.kafkalite.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Real kafka-clients, configured the way a test author would for a broker at {@code bootstrap}, through APIs that
 * kafka-clients 2.8 to 4.x all have. Consumers read from the earliest offset and commit only when asked.
 */
public final class Clients {

    /** How long {@link #poll} waits for the records it expects. */
    public static final Duration POLL_TIMEOUT = Duration.ofSeconds(60);

    private Clients() {
    }

    /**
     * A producer of String keys and values.
     *
     * @param bootstrap the broker's address
     * @param extra configs that override the defaults
     * @return the producer; close it
     */
    public static KafkaProducer<String, String> producer(String bootstrap, Map<String, Object> extra) {
        return new KafkaProducer<>(producerConfig(bootstrap, StringSerializer.class, extra));
    }

    /**
     * A producer of byte-array keys and values.
     *
     * @param bootstrap the broker's address
     * @param extra configs that override the defaults
     * @return the producer; close it
     */
    public static KafkaProducer<byte[], byte[]> bytesProducer(String bootstrap, Map<String, Object> extra) {
        return new KafkaProducer<>(producerConfig(bootstrap, ByteArraySerializer.class, extra));
    }

    /**
     * A consumer of String keys and values.
     *
     * @param bootstrap the broker's address
     * @param extra configs that override the defaults (a group id, for instance)
     * @return the consumer; close it
     */
    public static KafkaConsumer<String, String> consumer(String bootstrap, Map<String, Object> extra) {
        return new KafkaConsumer<>(consumerConfig(bootstrap, StringDeserializer.class, extra));
    }

    /**
     * A consumer of byte-array keys and values.
     *
     * @param bootstrap the broker's address
     * @param extra configs that override the defaults
     * @return the consumer; close it
     */
    public static KafkaConsumer<byte[], byte[]> bytesConsumer(String bootstrap, Map<String, Object> extra) {
        return new KafkaConsumer<>(consumerConfig(bootstrap, ByteArrayDeserializer.class, extra));
    }

    /**
     * {@link #bytesConsumer(String, Map)} with the defaults only.
     *
     * @param bootstrap the broker's address
     * @return the consumer; close it
     */
    public static KafkaConsumer<byte[], byte[]> bytesConsumer(String bootstrap) {
        return bytesConsumer(bootstrap, Map.of());
    }

    /**
     * An Admin client.
     *
     * @param bootstrap the broker's address
     * @return the client; close it
     */
    public static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    /**
     * Assigns every given partition from the beginning and polls until {@code count} records arrived.
     *
     * @param consumer the consumer to use (not closed)
     * @param partitions the partitions to read
     * @param count how many records to wait for
     * @param <K> the key type
     * @param <V> the value type
     * @return the records that arrived within {@link #POLL_TIMEOUT}, possibly fewer than {@code count}
     */
    public static <K, V> List<ConsumerRecord<K, V>> readAll(KafkaConsumer<K, V> consumer,
                                                            List<TopicPartition> partitions, int count) {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return poll(consumer, count);
    }

    /**
     * Reads one partition from the beginning, without a group, until {@code count} records arrived.
     *
     * @param bootstrap the broker's address
     * @param partition the partition to read
     * @param count how many records to wait for
     * @return the records that arrived within {@link #POLL_TIMEOUT}, possibly fewer than {@code count}
     */
    public static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, TopicPartition partition, int count) {
        try (KafkaConsumer<byte[], byte[]> consumer = bytesConsumer(bootstrap)) {
            return readAll(consumer, List.of(partition), count);
        }
    }

    /**
     * Polls from the consumer's current positions until {@code count} records arrived or {@link #POLL_TIMEOUT}
     * passed.
     *
     * @param consumer the consumer to use (not closed)
     * @param count how many records to wait for
     * @param <K> the key type
     * @param <V> the value type
     * @return the records that arrived, possibly fewer than {@code count}
     */
    public static <K, V> List<ConsumerRecord<K, V>> poll(KafkaConsumer<K, V> consumer, int count) {
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        long deadline = System.nanoTime() + POLL_TIMEOUT.toNanos();
        while (records.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        }
        return records;
    }

    private static Properties producerConfig(String bootstrap, Class<?> serializer, Map<String, Object> extra) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, serializer);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, serializer);
        props.putAll(extra);
        return props;
    }

    private static Properties consumerConfig(String bootstrap, Class<?> deserializer, Map<String, Object> extra) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, deserializer);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, deserializer);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putAll(extra);
        return props;
    }
}
