package io.kafkalite.junit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
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
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a cluster back to a test class's declared state before each of its tests, through the Admin API so
 * that it works the same on an external cluster, and never touching what another active class or test uses.
 *
 * <p>When no other class or test is active on the cluster, a reset deletes the consumer groups and the undeclared
 * topics the run created (on the embedded broker: all of them) and empties the class's declared topics (deletes
 * their records, see {@link #empty}). Groups are all groups: consumer, share and streams groups.
 * While others are active (parallel test methods or classes, a shared broker), it only empties the declared
 * topics no other active test claims, and deletes nothing: it cannot know which of the other groups and topics
 * are in use.
 */
final class StateReset {

    private static final Logger LOG = LoggerFactory.getLogger(StateReset.class);
    private static final long TIMEOUT_SECONDS = 30;

    private final ClusterResource cluster;
    private final String classOwner;
    private final List<TopicSpec> declared;
    private final Set<String> declaredNames;

    private StateReset(ClusterResource cluster, String classOwner, List<TopicSpec> declared) {
        this.cluster = cluster;
        this.classOwner = classOwner;
        this.declared = declared;
        this.declaredNames = declared.stream().map(TopicSpec::name).collect(Collectors.toUnmodifiableSet());
    }

    /** Registers the class as active on the cluster and creates its declared topics that do not exist yet. */
    static StateReset prepare(ClusterResource cluster, String classOwner, List<TopicSpec> declared) {
        StateReset reset = new StateReset(cluster, classOwner, declared);
        synchronized (cluster.usage()) {
            cluster.usage().declared(reset.declaredNames);
            cluster.usage().ownerStarted(classOwner, reset.declaredNames);
            Set<String> existing = topics(cluster.admin());
            reset.create(declared.stream().filter(t -> !existing.contains(t.name())).toList(), false);
        }
        return reset;
    }

    /**
     * At the end of a run on an external cluster: deletes the topics (declared ones included) and the consumer groups
     * without members that the run created, so that a shared cluster is left as the run found it.
     */
    static void cleanUpAfterRun(ClusterResource cluster) {
        synchronized (cluster.usage()) {
            new StateReset(cluster, "end of run", List.of()).reset(Set.of());
        }
    }

    /** The class is done: what it claimed may be reset by others again. */
    void classEnded() {
        synchronized (cluster.usage()) {
            cluster.usage().ownerEnded(classOwner);
        }
    }

    /** Resets (when asked) and registers the test as active, in one step, so no other reset slips in between. */
    void beforeTest(String testOwner, boolean reset) {
        synchronized (cluster.usage()) {
            if (reset) {
                reset(Set.of(classOwner, testOwner));
            }
            cluster.usage().ownerStarted(testOwner, declaredNames);
        }
    }

    void afterTest(String testOwner) {
        synchronized (cluster.usage()) {
            cluster.usage().ownerEnded(testOwner);
        }
    }

    /** Creates a {@link TestTopic}'s topic, claimed by {@code owner} until {@link #deleteOwnTopic} runs. */
    void createOwnTopic(String owner, TopicSpec topic) {
        synchronized (cluster.usage()) {
            cluster.usage().claim(owner, topic.name());
        }
        create(List.of(topic), false);
    }

    /** Deletes a {@link TestTopic}'s topic; on an external cluster, waits until the cluster no longer lists it. */
    void deleteOwnTopic(String owner, String topic) {
        try {
            deleteTopics(cluster.admin(), List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (!cluster.isEmbedded() && topics(cluster.admin()).contains(topic)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Topic '" + topic + "' is still listed on " + cluster
                            + " " + TIMEOUT_SECONDS + " s after its deletion");
                }
                pause();
            }
        } finally {
            synchronized (cluster.usage()) {
                cluster.usage().release(owner, topic);
            }
        }
    }

    private void reset(Set<String> self) {
        ClusterUsage usage = cluster.usage();
        if (cluster.isEmbedded() && !usage.othersActive(self)) {
            // the same reset in one step on the broker, rather than six Admin and consumer round trips
            Map<String, KafkaLite.TopicSpec> topics = new LinkedHashMap<>();
            declared.forEach(t -> topics.put(t.name(), new KafkaLite.TopicSpec(t.partitions(), t.configs())));
            List<String> busy = cluster.broker().reset(topics,
                    topic -> !usage.createdByRun(topic) || usage.claimed(topic),
                    group -> !usage.groupCreatedByRun(group));
            if (!busy.isEmpty()) {
                LOG.debug("Kept group(s) {} on {}: they still have members", busy, cluster);
            }
            return;
        }
        Admin admin = cluster.admin();
        List<TopicSpec> resettable = declared.stream()
                .filter(t -> !usage.claimedByOthers(t.name(), self)).toList();
        List<String> toDelete = new ArrayList<>();
        if (!usage.othersActive(self)) {
            deleteGroups(admin, groups(admin).stream().filter(usage::groupCreatedByRun).toList());
            topics(admin).stream()
                    .filter(t -> usage.createdByRun(t) && !declaredNames.contains(t) && !usage.claimed(t))
                    .forEach(toDelete::add);
        }
        deleteTopics(admin, toDelete);
        empty(resettable);
    }

    /**
     * Creates topics; on an external cluster, waits until every partition has a leader (clients need one).
     *
     * @param replacing whether the topics were deleted just now: an external cluster may still be removing them, so
     *                  "exists" means wait; otherwise it means another class declaring the same topic was faster
     */
    private void create(List<TopicSpec> specs, boolean replacing) {
        if (specs.isEmpty()) {
            return;
        }
        Admin admin = cluster.admin();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        for (TopicSpec spec : specs) {
            NewTopic topic = new NewTopic(spec.name(), spec.partitions(), (short) 1).configs(spec.configs());
            while (true) {
                try {
                    admin.createTopics(List.of(topic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    break;
                } catch (ExecutionException e) {
                    boolean exists = e.getCause() instanceof TopicExistsException;
                    if (exists && !replacing) {
                        break;
                    }
                    if (!exists || System.nanoTime() > deadline) {
                        throw new ExtensionConfigurationException("Cannot create topic '" + spec.name()
                                + "' on " + cluster + ": " + e.getCause().getMessage(), e.getCause());
                    }
                    pause();
                } catch (InterruptedException | TimeoutException e) {
                    throw new IllegalStateException("Creating topic '" + spec.name() + "' on " + cluster
                            + " did not finish in " + TIMEOUT_SECONDS + " s", e);
                }
            }
        }
        if (!cluster.isEmbedded()) {
            awaitLeaders(specs.stream().map(TopicSpec::name).toList(), deadline);
        }
    }

    /** Asks through a consumer's metadata, whose API is the same from kafka-clients 2.8 to 4.x. */
    private void awaitLeaders(List<String> topics, long deadline) {
        Map<String, Object> config = byteConsumerConfig();
        config.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 100);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            for (String topic : topics) {
                while (!led(consumer.partitionsFor(topic))) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Topic '" + topic + "' on " + cluster + " has partitions "
                                + "without a leader after " + TIMEOUT_SECONDS + " s");
                    }
                    pause();
                }
            }
        }
    }

    private static boolean led(List<PartitionInfo> partitions) {
        return partitions != null && !partitions.isEmpty()
                && partitions.stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
    }

    /**
     * Empties declared topics by deleting their records: the topics keep their ids and configs, and clients that
     * outlive a test (a Spring context's listeners and templates) keep working. Deleting and recreating them would
     * race with those clients, which create a topic again the moment it is gone (brokers auto-create by default).
     * Offsets therefore go on from where they were. A declared topic a test deleted, or gave more partitions, is
     * created again as declared; so are compacted ones on an external cluster, where Kafka refuses to delete their
     * records (only those the run created: a topic that was there before the run is never recreated).
     */
    private void empty(List<TopicSpec> declaredTopics) {
        if (declaredTopics.isEmpty()) {
            return;
        }
        Admin admin = cluster.admin();
        Map<String, List<TopicPartition>> partitions = partitions(declaredTopics.stream().map(TopicSpec::name).toList());
        List<TopicSpec> create = new ArrayList<>();
        List<TopicSpec> recreate = new ArrayList<>();
        List<TopicSpec> emptied = new ArrayList<>();
        for (TopicSpec topic : declaredTopics) {
            List<TopicPartition> current = partitions.getOrDefault(topic.name(), List.of());
            if (current.isEmpty()) {
                create.add(topic);
            } else if (cluster.usage().createdByRun(topic.name())
                    && (current.size() != topic.partitions() || (!cluster.isEmbedded() && compactedOnly(topic)))) {
                recreate.add(topic);
            } else {
                emptied.add(topic);
            }
        }
        Map<TopicPartition, Long> ends = endOffsets(emptied.stream()
                .flatMap(t -> partitions.get(t.name()).stream()).toList());
        Map<TopicPartition, RecordsToDelete> deletes = ends.entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .collect(Collectors.toMap(Map.Entry::getKey, e -> RecordsToDelete.beforeOffset(e.getValue())));
        Map<TopicPartition, KafkaFuture<?>> results = new HashMap<>(admin.deleteRecords(deletes).lowWatermarks());
        for (TopicSpec topic : emptied) {
            for (Map.Entry<TopicPartition, KafkaFuture<?>> result : results.entrySet()) {
                if (!result.getKey().topic().equals(topic.name())) {
                    continue;
                }
                try {
                    result.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!cluster.usage().createdByRun(topic.name())) {
                        throw new IllegalStateException("Cannot empty declared topic '" + topic.name() + "' on "
                                + cluster + " (" + e.getCause().getMessage() + "); it existed before the test run, "
                                + "so it is not recreated: declare a topic of the tests' own, or use a TestTopic",
                                e.getCause());
                    }
                    recreate.add(topic);
                    break;
                } catch (InterruptedException | TimeoutException e) {
                    throw new IllegalStateException("Deleting the records of '" + topic.name() + "' on " + cluster
                            + " did not finish in " + TIMEOUT_SECONDS + " s", e);
                }
            }
        }
        create(create, false);
        if (!recreate.isEmpty()) {
            deleteTopics(admin, recreate.stream().map(TopicSpec::name).toList());
            create(recreate, true);
        }
    }

    private static boolean compactedOnly(TopicSpec topic) {
        String policy = topic.configs().get("cleanup.policy");
        return policy != null && !policy.contains("delete");
    }

    /** Partitions and end offsets come from a consumer: its API is the same from kafka-clients 2.8 to 4.x. */
    private Map<String, List<TopicPartition>> partitions(List<String> topics) {
        Map<String, List<TopicPartition>> partitions = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(byteConsumerConfig())) {
            for (String topic : topics) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic);
                partitions.put(topic, infos == null ? List.of()
                        : infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList());
            }
        }
        return partitions;
    }

    private Map<TopicPartition, Long> endOffsets(List<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(byteConsumerConfig())) {
            return consumer.endOffsets(partitions);
        }
    }

    /** A consumer for metadata and offsets only: no group, and it never creates a topic by asking for it. */
    private Map<String, Object> byteConsumerConfig() {
        Map<String, Object> config = cluster.clientConfig();
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return config;
    }

    /**
     * Deletes groups. Kafka refuses to delete a group that still has members: one whose consumers outlive a test
     * (the listener containers of a Spring context, a Kafka Streams app started in {@code @BeforeAll}) or, on an
     * external cluster, another project's group that appeared during the run. Those are left alone.
     */
    private void deleteGroups(Admin admin, Collection<String> groups) {
        if (groups.isEmpty()) {
            return;
        }
        List<String> busy = new ArrayList<>();
        admin.deleteConsumerGroups(groups).deletedGroups().forEach((group, result) -> {
            try {
                result.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof GroupNotEmptyException) {
                    busy.add(group);
                } else if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw new IllegalStateException("Deleting consumer group '" + group + "' on " + cluster
                            + " failed: " + e.getCause().getMessage(), e.getCause());
                }
            } catch (InterruptedException | TimeoutException e) {
                throw new IllegalStateException("Deleting consumer group '" + group + "' on " + cluster
                        + " did not finish in " + TIMEOUT_SECONDS + " s", e);
            }
        });
        if (!busy.isEmpty()) {
            LOG.debug("Kept consumer group(s) {} on {}: they still have members", busy, cluster);
        }
    }

    /**
     * Deletes topics; one that is gone already is fine. (Only {@code all()} exists from kafka-clients 2.8 to 4.x,
     * so after "unknown topic" the rest are deleted one by one.)
     */
    private void deleteTopics(Admin admin, Collection<String> topics) {
        if (topics.isEmpty()) {
            return;
        }
        if (!deleted(admin, topics) && topics.size() > 1) {
            topics.forEach(topic -> deleted(admin, List.of(topic)));
        }
    }

    /** Returns false if some topic was unknown. */
    private boolean deleted(Admin admin, Collection<String> topics) {
        try {
            admin.deleteTopics(topics).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw new IllegalStateException("Deleting topic(s) " + topics + " on " + cluster + " failed: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("Deleting topic(s) " + topics + " on " + cluster + " did not finish in "
                    + TIMEOUT_SECONDS + " s", e);
        }
    }

    static Set<String> topics(Admin admin) {
        return await(admin.listTopics().names()).stream()
                .filter(name -> !name.startsWith("__")).collect(Collectors.toSet());
    }

    /** Every group: with kafka-clients 4.x share and streams groups too (Admin.listGroups), else consumer groups. */
    static Set<String> groups(Admin admin) {
        try {
            return await(admin.listGroups().all()).stream().map(GroupListing::groupId).collect(Collectors.toSet());
        } catch (NoSuchMethodError | NoClassDefFoundError olderClients) {
            Collection<ConsumerGroupListing> listings = await(admin.listConsumerGroups().all());
            return listings.stream().map(ConsumerGroupListing::groupId).collect(Collectors.toSet());
        }
    }

    private static void pause() {
        try {
            Thread.sleep(Duration.ofMillis(20).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the cluster", e);
        }
    }

    static <T> T await(KafkaFuture<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka admin operation failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("Kafka admin operation did not finish in " + TIMEOUT_SECONDS + " s", e);
        }
    }
}
