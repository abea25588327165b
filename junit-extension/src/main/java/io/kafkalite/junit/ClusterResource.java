package io.kafkalite.junit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import io.kafkalite.KafkaLite;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One cluster for a test class (or for every shared class): the embedded broker it started, or the external
 * cluster it points at, plus an Admin client for resets and reports. Closed by JUnit with its store.
 */
final class ClusterResource implements KafkaCluster, ExtensionContext.Store.CloseableResource, AutoCloseable {

    private final KafkaLite broker;
    private final String bootstrapServers;
    /** The secure set-up of an embedded broker, or null. */
    private final ClusterSecurity security;
    /** The user's own client settings for an external cluster (empty for an embedded one). */
    private final Map<String, Object> externalClientConfig;
    private Admin admin;
    private boolean closed;

    private ClusterResource(KafkaLite broker, String bootstrapServers, ClusterSecurity security,
                            Map<String, Object> externalClientConfig) {
        this.broker = broker;
        this.bootstrapServers = bootstrapServers;
        this.security = security;
        this.externalClientConfig = externalClientConfig;
    }

    static ClusterResource embedded(KafkaLite broker) {
        return embedded(broker, null);
    }

    /** An embedded broker started with {@code security} (null: none); its declared ACLs are created now. */
    static ClusterResource embedded(KafkaLite broker, ClusterSecurity security) {
        ClusterResource cluster = new ClusterResource(broker, broker.bootstrapServers(), security, Map.of());
        if (security != null) {
            security.createAcls(cluster.clientConfig());
        }
        return cluster;
    }

    static ClusterResource external(String bootstrapServers) {
        return new ClusterResource(null, bootstrapServers, null, ExternalClientConfig.fromSystem());
    }

    /** The embedded broker, or null for an external cluster. */
    KafkaLite broker() {
        return broker;
    }

    synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(clientConfig());
        }
        return admin;
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>(externalClientConfig);
        if (security != null) {
            config.putAll(security.clientConfig(broker, null));
        }
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return config;
    }

    @Override
    public Map<String, Object> clientConfig(String user) {
        if (security == null) {
            return KafkaCluster.super.clientConfig(user);
        }
        Map<String, Object> config = security.clientConfig(broker, user);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return config;
    }

    @Override
    public boolean isEmbedded() {
        return broker != null;
    }

    @Override
    public Optional<KafkaLite> embeddedBroker() {
        return Optional.ofNullable(broker);
    }

    @Override
    public <K, V> List<ConsumerRecord<K, V>> readAll(String topic, Class<K> keyType, Class<V> valueType) {
        try (TopicReader<K, V> reader = new TopicReader<>(topic, keyType, valueType)) {
            return reader.readToEnd();
        }
    }

    @Override
    public <K, V> List<ConsumerRecord<K, V>> awaitRecords(String topic, int count, Duration timeout, Class<K> keyType,
                                                          Class<V> valueType) {
        try (TopicReader<K, V> reader = new TopicReader<>(topic, keyType, valueType)) {
            List<ConsumerRecord<K, V>> seen = reader.readUntil(all -> all.size() >= count, timeout);
            if (seen.size() < count) {
                throw new AssertionError("Expected at least " + count + " records in topic '" + topic + "' within "
                        + timeout + ", but " + seen.size() + " arrived" + RecordText.list(seen));
            }
            return seen;
        }
    }

    @Override
    public <K, V> ConsumerRecord<K, V> awaitRecord(String topic, Predicate<ConsumerRecord<K, V>> match,
                                                   Duration timeout, Class<K> keyType, Class<V> valueType) {
        try (TopicReader<K, V> reader = new TopicReader<>(topic, keyType, valueType)) {
            List<ConsumerRecord<K, V>> seen = reader.readUntil(all -> all.stream().anyMatch(match), timeout);
            return seen.stream().filter(match).findFirst().orElseThrow(() -> new AssertionError(
                    "No record in topic '" + topic + "' matched within " + timeout + "; " + seen.size()
                            + " arrived" + RecordText.list(seen)));
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    public String toString() {
        return (isEmbedded() ? "Kafkalite at " : "external Kafka at ") + bootstrapServers;
    }

    /** Reads a topic from the beginning of every partition, without a consumer group. */
    private final class TopicReader<K, V> implements AutoCloseable {
        private final String topic;
        private final KafkaConsumer<K, V> consumer;

        TopicReader(String topic, Class<K> keyType, Class<V> valueType) {
            this.topic = topic;
            Map<String, Object> config = clientConfig();
            config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, Serdes.deserializerClass(keyType));
            config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, Serdes.deserializerClass(valueType));
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            this.consumer = new KafkaConsumer<>(config);
        }

        List<ConsumerRecord<K, V>> readToEnd() {
            List<TopicPartition> partitions = assign(Duration.ofSeconds(30));
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<K, V>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!reached(end) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(50)).forEach(records::add);
            }
            return records;
        }

        List<ConsumerRecord<K, V>> readUntil(Predicate<List<ConsumerRecord<K, V>>> done, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            assign(timeout);
            List<ConsumerRecord<K, V>> records = new ArrayList<>();
            while (!done.test(records) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(50)).forEach(records::add);
            }
            return records;
        }

        private boolean reached(Map<TopicPartition, Long> end) {
            return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
        }

        private List<TopicPartition> assign(Duration timeout) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new AssertionError("Topic '" + topic + "' does not exist on " + ClusterResource.this);
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return partitions;
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
