package io.kafkalite.junit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.kafkalite.KafkaLite;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cluster of a test run: the embedded broker it started (for a class, or for every shared class), or an
 * external cluster it points at (one for the whole run), plus an Admin client for resets and reports and the
 * {@link ClusterUsage} of the classes and tests using it. Closed by JUnit with the store holding it.
 */
final class ClusterResource implements KafkaCluster, ExtensionContext.Store.CloseableResource, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterResource.class);

    private final KafkaLite broker;
    private final String bootstrapServers;
    /** The secure set-up of an embedded broker, or null. */
    private final ClusterSecurity security;
    /** The user's own client settings for an external cluster (empty for an embedded one). */
    private final Map<String, Object> externalClientConfig;
    private final ClusterUsage usage;
    private Admin admin;
    private boolean closed;

    private ClusterResource(KafkaLite broker, String bootstrapServers, ClusterSecurity security,
                            Map<String, Object> externalClientConfig) {
        this.broker = broker;
        this.bootstrapServers = bootstrapServers;
        this.security = security;
        this.externalClientConfig = externalClientConfig;
        if (broker != null) {
            this.usage = new ClusterUsage(Set.of(), Set.of());
        } else {
            // what an external cluster held before this run: never deleted, never reported
            this.usage = new ClusterUsage(StateReset.topics(admin()), StateReset.groups(admin()));
        }
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

    /** Guard every use with {@code synchronized (usage())}. */
    ClusterUsage usage() {
        return usage;
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
    public <K, V> List<ConsumerRecord<K, V>> readAll(String topic, Deserializer<K> keyDeserializer,
                                                     Deserializer<V> valueDeserializer) {
        return readAll(topic, keyDeserializer, valueDeserializer, READ_ALL_TIMEOUT);
    }

    <K, V> List<ConsumerRecord<K, V>> readAll(String topic, Deserializer<K> keyDeserializer,
                                              Deserializer<V> valueDeserializer, Duration timeout) {
        try (TopicReader<K, V> reader = new TopicReader<>(topic, keyDeserializer, valueDeserializer)) {
            return reader.readToEnd(timeout);
        }
    }

    @Override
    public <K, V> List<ConsumerRecord<K, V>> awaitRecords(String topic, int count, Duration timeout,
                                                          Deserializer<K> keyDeserializer,
                                                          Deserializer<V> valueDeserializer) {
        try (TopicReader<K, V> reader = new TopicReader<>(topic, keyDeserializer, valueDeserializer)) {
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
                                                   Duration timeout, Deserializer<K> keyDeserializer,
                                                   Deserializer<V> valueDeserializer) {
        try (TopicReader<K, V> reader = new TopicReader<>(topic, keyDeserializer, valueDeserializer)) {
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
        if (broker == null && admin != null) {
            try {
                StateReset.cleanUpAfterRun(this);
            } catch (RuntimeException e) {
                LOG.warn("Could not remove what the test run created on {}: {}", this, e.getMessage());
            }
        }
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

        TopicReader(String topic, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
            this.topic = topic;
            Map<String, Object> config = clientConfig();
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            // reading a topic that does not exist must not create it (brokers auto-create by default)
            config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
            this.consumer = new KafkaConsumer<>(config, new Unclosed<>(keyDeserializer),
                    new Unclosed<>(valueDeserializer));
        }

        List<ConsumerRecord<K, V>> readToEnd(Duration timeout) {
            List<TopicPartition> partitions = assign(READ_ALL_TIMEOUT);
            long deadline = System.nanoTime() + timeout.toNanos();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<K, V>> records = new ArrayList<>();
            while (!behind(end).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("readAll('" + topic + "') could not read to the end within " + timeout
                            + ": " + behind(end) + "; " + records.size() + " record(s) read" + RecordText.list(records));
                }
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

        /** The partitions not read to {@code end} yet, each with where it stands. */
        private List<String> behind(Map<TopicPartition, Long> end) {
            return end.entrySet().stream()
                    .filter(e -> consumer.position(e.getKey()) < e.getValue())
                    .map(e -> "partition " + e.getKey().partition() + " at offset " + consumer.position(e.getKey())
                            + " of " + e.getValue())
                    .collect(Collectors.toList());
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

    /** A caller's deserializer, used by a reader that closes its consumer but must leave the deserializer open. */
    private static final class Unclosed<T> implements Deserializer<T> {
        private final Deserializer<T> delegate;

        Unclosed(Deserializer<T> delegate) {
            this.delegate = delegate;
        }

        @Override
        public T deserialize(String topic, byte[] data) {
            return delegate.deserialize(topic, data);
        }

        @Override
        public T deserialize(String topic, Headers headers, byte[] data) {
            return delegate.deserialize(topic, headers, data);
        }

        @Override
        public void close() {
            // the caller's to close
        }
    }
}
