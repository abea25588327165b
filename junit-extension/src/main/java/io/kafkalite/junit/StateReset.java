package io.kafkalite.junit;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import io.kafkalite.KafkaLite;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Brings a cluster back to the declared state between tests.
 *
 * <p>On the embedded broker every non-internal topic is deleted and the declared ones recreated (empty, offsets
 * from 0) and every consumer group is deleted, in one step on the broker ({@link KafkaLite#reset}). On an external
 * cluster, which other people may use, only what this class owns is touched, through the Admin API: declared
 * topics are emptied with DeleteRecords, and topics and groups that appeared since the class started are deleted.
 */
final class StateReset {

    private static final long TIMEOUT_SECONDS = 30;

    private final ClusterResource cluster;
    private final List<TopicSpec> declared;
    private final Set<String> topicsAtStart;
    private final Set<String> groupsAtStart;

    private StateReset(ClusterResource cluster, List<TopicSpec> declared, Set<String> topicsAtStart,
                       Set<String> groupsAtStart) {
        this.cluster = cluster;
        this.declared = declared;
        this.topicsAtStart = topicsAtStart;
        this.groupsAtStart = groupsAtStart;
    }

    /** Creates the declared topics that do not exist yet and remembers what the cluster held. */
    static StateReset prepare(ClusterResource cluster, List<TopicSpec> declared) {
        Admin admin = cluster.admin();
        Set<String> existing = topics(admin);
        createMissing(admin, declared, existing);
        return new StateReset(cluster, declared, existing, cluster.isEmbedded() ? Set.of() : groups(admin));
    }

    void reset() {
        if (cluster.isEmbedded()) {
            // the broker does in one step what the Admin calls below would do in five round trips
            Map<String, KafkaLite.TopicSpec> topics = new LinkedHashMap<>();
            declared.forEach(t -> topics.put(t.name(), new KafkaLite.TopicSpec(t.partitions(), t.configs())));
            cluster.broker().reset(topics);
            return;
        }
        Admin admin = cluster.admin();
        Set<String> groups = new HashSet<>(groups(admin));
        groups.removeAll(groupsAtStart);
        deleteGroups(admin, groups);
        Set<String> created = new HashSet<>(topics(admin));
        created.removeAll(topicsAtStart);
        declared.forEach(t -> created.remove(t.name()));
        deleteTopics(admin, created);
        emptyTopics(admin, declared.stream().map(TopicSpec::name).toList());
    }

    private static Set<String> topics(Admin admin) {
        return await(admin.listTopics().names()).stream()
                .filter(name -> !name.startsWith("__")).collect(Collectors.toSet());
    }

    private static Set<String> groups(Admin admin) {
        Collection<ConsumerGroupListing> listings = await(admin.listConsumerGroups().all());
        return listings.stream().map(ConsumerGroupListing::groupId).collect(Collectors.toSet());
    }

    private static void deleteGroups(Admin admin, Set<String> groups) {
        if (!groups.isEmpty()) {
            await(admin.deleteConsumerGroups(groups).all());
        }
    }

    private static void deleteTopics(Admin admin, Collection<String> topics) {
        if (!topics.isEmpty()) {
            await(admin.deleteTopics(topics).all());
        }
    }

    /**
     * Creates the declared topics that are missing, all in one request. External clusters delete topics
     * asynchronously: a topic that still exists there is created again once the old one is gone.
     */
    private static void createMissing(Admin admin, List<TopicSpec> specs, Set<String> existing) {
        List<NewTopic> missing = specs.stream()
                .filter(spec -> !existing.contains(spec.name()))
                .map(spec -> new NewTopic(spec.name(), spec.partitions(), (short) 1).configs(spec.configs()))
                .toList();
        if (missing.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        Map<String, org.apache.kafka.common.KafkaFuture<Void>> created = admin.createTopics(missing).values();
        for (NewTopic topic : missing) {
            try {
                created.get(topic.name()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw cannotCreate(topic, e);
                }
                createOnceDeleted(admin, topic, deadline);
            } catch (InterruptedException | TimeoutException e) {
                throw new IllegalStateException("Creating topic '" + topic.name() + "' did not finish", e);
            }
        }
    }

    private static void createOnceDeleted(Admin admin, NewTopic topic, long deadline) {
        while (true) {
            try {
                admin.createTopics(List.of(topic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException) || System.nanoTime() > deadline) {
                    throw cannotCreate(topic, e);
                }
                Thread.onSpinWait();
            } catch (InterruptedException | TimeoutException e) {
                throw new IllegalStateException("Creating topic '" + topic.name() + "' did not finish", e);
            }
        }
    }

    private static ExtensionConfigurationException cannotCreate(NewTopic topic, ExecutionException e) {
        return new ExtensionConfigurationException("Cannot create declared topic '" + topic.name() + "': "
                + e.getCause().getMessage(), e.getCause());
    }

    /** Partitions and end offsets come from a consumer: its API is the same from kafka-clients 2.8 to 4.x. */
    private void emptyTopics(Admin admin, List<String> topics) {
        if (topics.isEmpty()) {
            return;
        }
        Map<String, Object> config = cluster.clientConfig();
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        Map<TopicPartition, Long> ends;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = topics.stream()
                    .flatMap(t -> consumer.partitionsFor(t).stream())
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            ends = consumer.endOffsets(partitions);
        }
        Map<TopicPartition, RecordsToDelete> deletes = ends.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> RecordsToDelete.beforeOffset(e.getValue())));
        await(admin.deleteRecords(deletes).all());
    }

    static <T> T await(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka admin operation failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("Kafka admin operation did not finish in " + TIMEOUT_SECONDS + " s", e);
        }
    }
}
