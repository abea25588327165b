package io.kafkalite.junit;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Brings a cluster back to the declared state between tests, through the Admin API so that it works the same on
 * an external cluster.
 *
 * <p>On the embedded broker every non-internal topic is deleted and the declared ones recreated (empty, offsets
 * from 0) and every group (consumer, share and streams groups) is deleted. On an external cluster, which other people may use, only what
 * this class owns is touched: declared topics are emptied with DeleteRecords, and topics and groups that
 * appeared since the class started are deleted.
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
        Admin admin = cluster.admin();
        if (cluster.isEmbedded()) {
            deleteGroups(admin, groups(admin));
            deleteTopics(admin, topics(admin));
            createMissing(admin, declared, Set.of());
            return;
        }
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

    /** Every group: with kafka-clients 4.x share and streams groups too (Admin.listGroups), else consumer groups. */
    private static Set<String> groups(Admin admin) {
        try {
            return await(admin.listGroups().all()).stream().map(GroupListing::groupId).collect(Collectors.toSet());
        } catch (NoSuchMethodError | NoClassDefFoundError olderClients) {
            Collection<ConsumerGroupListing> listings = await(admin.listConsumerGroups().all());
            return listings.stream().map(ConsumerGroupListing::groupId).collect(Collectors.toSet());
        }
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

    /** External clusters delete topics asynchronously: a recreate may have to wait for the old one to go. */
    private static void createMissing(Admin admin, List<TopicSpec> specs, Set<String> existing) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        for (TopicSpec spec : specs) {
            if (existing.contains(spec.name())) {
                continue;
            }
            NewTopic topic = new NewTopic(spec.name(), spec.partitions(), (short) 1).configs(spec.configs());
            while (true) {
                try {
                    admin.createTopics(List.of(topic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    break;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException) || System.nanoTime() > deadline) {
                        throw new ExtensionConfigurationException("Cannot create declared topic '" + spec.name()
                                + "': " + e.getCause().getMessage(), e.getCause());
                    }
                    Thread.onSpinWait();
                } catch (InterruptedException | TimeoutException e) {
                    throw new IllegalStateException("Creating topic '" + spec.name() + "' did not finish", e);
                }
            }
        }
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
