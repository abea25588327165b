package io.kafkalite.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.common.errors.StreamsInvalidTopologyException;
import org.apache.kafka.common.message.StreamsGroupHeartbeatRequestData;

/**
 * A streams group's topology as its members registered it (StreamsGroupHeartbeat's Topology): subtopologies with
 * their source topics, repartition topics and state changelog topics. {@link #configure} works out, as Kafka's
 * InternalTopicManager does, how many tasks each subtopology has and which internal topics must exist with how many
 * partitions: repartition topics get the largest partition count of the subtopology writing into them, changelog
 * topics the subtopology's task count, and copartitioned topics must agree.
 */
record StreamsTopology(int epoch, SortedMap<String, Subtopology> subtopologies) {

    /** One subtopology; {@code sourceTopics} may include its repartition source topics, as clients send them. */
    record Subtopology(String id, List<String> sourceTopics, Map<String, InternalTopic> repartitionSourceTopics,
                       List<String> repartitionSinkTopics, Map<String, InternalTopic> stateChangelogTopics,
                       List<Set<String>> copartitionGroups) {

        boolean isStateful() {
            return !stateChangelogTopics.isEmpty();
        }
    }

    /** An internal topic as the topology declares it; 0 partitions means "derive it". */
    record InternalTopic(String name, int partitions, short replicationFactor, Map<String, String> configs) {
    }

    /** The outcome of configuring: tasks per subtopology, or the status that keeps the group from being ready. */
    record Configured(SortedMap<String, Integer> tasksPerSubtopology, Map<String, InternalTopic> topicsToCreate,
                      byte statusCode, String statusDetail) {

        boolean isReady() {
            return tasksPerSubtopology != null && topicsToCreate.isEmpty();
        }
    }

    static final byte MISSING_SOURCE_TOPICS = 1;
    static final byte INCORRECTLY_PARTITIONED_TOPICS = 2;
    static final byte MISSING_INTERNAL_TOPICS = 3;

    /** @throws StreamsInvalidTopologyException for what Kafka refuses (regex sources, unknown copartition indexes) */
    static StreamsTopology from(StreamsGroupHeartbeatRequestData.Topology topology) {
        SortedMap<String, Subtopology> subtopologies = new TreeMap<>();
        for (StreamsGroupHeartbeatRequestData.Subtopology s : topology.subtopologies()) {
            if (s.sourceTopicRegex() != null && !s.sourceTopicRegex().isEmpty()) {
                throw new StreamsInvalidTopologyException("Subtopology " + s.subtopologyId() + " reads topics by regular "
                        + "expression, which streams groups do not support yet (as in Apache Kafka 4.2): name the topics");
            }
            Map<String, InternalTopic> repartitionSources = internalTopics(s.repartitionSourceTopics());
            List<Set<String>> copartitionGroups = new ArrayList<>();
            for (StreamsGroupHeartbeatRequestData.CopartitionGroup group : s.copartitionGroups()) {
                Set<String> topics = new TreeSet<>();
                try {
                    group.sourceTopics().forEach(i -> topics.add(s.sourceTopics().get(i)));
                    group.repartitionSourceTopics().forEach(i -> topics.add(s.repartitionSourceTopics().get(i).name()));
                } catch (IndexOutOfBoundsException e) {
                    throw new StreamsInvalidTopologyException("Copartition group of subtopology " + s.subtopologyId()
                            + " names a topic index the subtopology does not have");
                }
                copartitionGroups.add(topics);
            }
            subtopologies.put(s.subtopologyId(), new Subtopology(s.subtopologyId(), List.copyOf(s.sourceTopics()),
                    repartitionSources, List.copyOf(s.repartitionSinkTopics()), internalTopics(s.stateChangelogTopics()),
                    copartitionGroups));
        }
        return new StreamsTopology(topology.epoch(), subtopologies);
    }

    private static Map<String, InternalTopic> internalTopics(List<StreamsGroupHeartbeatRequestData.TopicInfo> infos) {
        Map<String, InternalTopic> topics = new LinkedHashMap<>();
        for (StreamsGroupHeartbeatRequestData.TopicInfo info : infos) {
            Map<String, String> configs = new LinkedHashMap<>();
            info.topicConfigs().forEach(kv -> configs.put(kv.key(), kv.value()));
            topics.put(info.name(), new InternalTopic(info.name(), info.partitions(), info.replicationFactor(), configs));
        }
        return topics;
    }

    /** Every topic the topology reads or writes, for the partition counts that decide whether it must be reconfigured. */
    Set<String> requiredTopics() {
        Set<String> topics = new TreeSet<>();
        subtopologies.values().forEach(s -> {
            topics.addAll(s.sourceTopics());
            topics.addAll(s.repartitionSourceTopics().keySet());
            topics.addAll(s.repartitionSinkTopics());
            topics.addAll(s.stateChangelogTopics().keySet());
        });
        return topics;
    }

    /** Source topics of the subtopologies, external and repartition, for the endpoint information of members. */
    List<String> sourceTopicsOf(String subtopologyId) {
        Subtopology s = subtopologies.get(subtopologyId);
        if (s == null) {
            return List.of();
        }
        Set<String> topics = new LinkedHashSet<>(s.sourceTopics());
        topics.addAll(s.repartitionSourceTopics().keySet());
        return List.copyOf(topics);
    }

    /**
     * Decides partition counts and task counts against the existing topics.
     *
     * @throws StreamsInvalidTopologyException when repartition topics' partition counts cannot be decided
     *
     * @param partitionCounts the partition count of each existing topic, by name
     */
    Configured configure(Map<String, Integer> partitionCounts) {
        Set<String> missing = new TreeSet<>();
        for (Subtopology s : subtopologies.values()) {
            for (String topic : s.sourceTopics()) {
                if (!s.repartitionSourceTopics().containsKey(topic) && !isRepartitionTopic(topic)
                        && !partitionCounts.containsKey(topic)) {
                    missing.add(topic);
                }
            }
        }
        if (!missing.isEmpty()) {
            return notReady(MISSING_SOURCE_TOPICS, "Source topics " + summary(missing) + " are missing.");
        }
        Map<String, Integer> decided = new HashMap<>();
        decideRepartitionCounts(partitionCounts, decided);
        String mismatch = enforceCopartitioning(partitionCounts, decided);
        if (mismatch != null) {
            return notReady(INCORRECTLY_PARTITIONED_TOPICS, mismatch);
        }
        SortedMap<String, Integer> tasks = new TreeMap<>();
        Map<String, InternalTopic> toCreate = new TreeMap<>();
        for (Subtopology s : subtopologies.values()) {
            int count = 0;
            for (String topic : sourceTopicsOf(s.id())) {
                count = Math.max(count, countOf(topic, partitionCounts, decided));
            }
            tasks.put(s.id(), count);
            for (InternalTopic topic : s.repartitionSourceTopics().values()) {
                toCreate.put(topic.name(), withPartitions(topic, countOf(topic.name(), partitionCounts, decided)));
            }
            for (InternalTopic topic : s.stateChangelogTopics().values()) {
                toCreate.put(topic.name(), withPartitions(topic, topic.partitions() > 0 ? topic.partitions() : count));
            }
        }
        for (String existing : List.copyOf(toCreate.keySet())) {
            Integer actual = partitionCounts.get(existing);
            if (actual != null) {
                int expected = toCreate.remove(existing).partitions();
                if (actual != expected) {
                    return notReady(INCORRECTLY_PARTITIONED_TOPICS, "Existing topic " + existing + " has different "
                            + "number of partitions: expected " + expected + ", found " + actual);
                }
            }
        }
        if (!toCreate.isEmpty()) {
            return new Configured(tasks, toCreate, MISSING_INTERNAL_TOPICS, "Internal topics are missing: "
                    + summary(toCreate.keySet()));
        }
        return new Configured(tasks, Map.of(), (byte) -1, null);
    }

    private boolean isRepartitionTopic(String topic) {
        return subtopologies.values().stream().anyMatch(s -> s.repartitionSourceTopics().containsKey(topic));
    }

    private static InternalTopic withPartitions(InternalTopic topic, int partitions) {
        return new InternalTopic(topic.name(), partitions, topic.replicationFactor(), topic.configs());
    }

    private static int countOf(String topic, Map<String, Integer> partitionCounts, Map<String, Integer> decided) {
        Integer count = partitionCounts.get(topic);
        if (count == null) {
            count = decided.get(topic);
        }
        if (count == null) {
            throw new StreamsInvalidTopologyException("Number of partitions of topic " + topic + " cannot be decided");
        }
        return count;
    }

    /**
     * Kafka's rule: a repartition topic without a fixed count gets the largest partition count among the sources of
     * the subtopology that writes into it, repeated until every count is known.
     */
    private void decideRepartitionCounts(Map<String, Integer> partitionCounts, Map<String, Integer> decided) {
        for (Subtopology s : subtopologies.values()) {
            s.repartitionSourceTopics().values().forEach(t -> {
                if (t.partitions() != 0) {
                    decided.put(t.name(), t.partitions());
                }
            });
        }
        boolean needed;
        do {
            needed = false;
            boolean progress = false;
            for (Subtopology s : subtopologies.values()) {
                for (String sink : s.repartitionSinkTopics()) {
                    if (decided.containsKey(sink) || partitionCounts.containsKey(sink) && !isRepartitionTopic(sink)) {
                        continue;
                    }
                    Integer count = null;
                    for (String source : sourceTopicsOf(s.id())) {
                        Integer candidate = s.repartitionSourceTopics().containsKey(source) || isRepartitionTopic(source)
                                ? decided.get(source) : partitionCounts.get(source);
                        if (candidate != null && (count == null || candidate > count)) {
                            count = candidate;
                        }
                    }
                    if (count == null) {
                        needed = true;
                    } else {
                        decided.put(sink, count);
                        progress = true;
                    }
                }
            }
            if (needed && !progress) {
                throw new StreamsInvalidTopologyException("Failed to compute number of partitions for all repartition "
                        + "topics. There may be loops in the topology that cannot be resolved.");
            }
        } while (needed);
        for (Subtopology s : subtopologies.values()) {
            for (String repartition : s.repartitionSourceTopics().keySet()) {
                if (!decided.containsKey(repartition)) {
                    throw new StreamsInvalidTopologyException("Failed to compute number of partitions for all "
                            + "repartition topics, because a repartition source topic is never used as a sink topic.");
                }
            }
        }
    }

    /**
     * Copartitioned source topics must have the same partition count; repartition topics among them without a fixed
     * count follow the others. Returns the mismatch, or null.
     */
    private String enforceCopartitioning(Map<String, Integer> partitionCounts, Map<String, Integer> decided) {
        for (Subtopology s : subtopologies.values()) {
            for (Set<String> group : s.copartitionGroups()) {
                Map<String, Integer> fixed = new TreeMap<>();
                List<String> flexible = new ArrayList<>();
                for (String topic : group) {
                    InternalTopic repartition = s.repartitionSourceTopics().get(topic);
                    if (repartition == null) {
                        fixed.put(topic, partitionCounts.get(topic));
                    } else if (repartition.partitions() != 0) {
                        fixed.put(topic, repartition.partitions());
                    } else {
                        flexible.add(topic);
                    }
                }
                if (fixed.values().stream().distinct().count() > 1) {
                    return "Following topics do not have the same number of partitions: " + fixed;
                }
                int count = fixed.isEmpty()
                        ? flexible.stream().mapToInt(t -> decided.getOrDefault(t, 0)).max().orElse(0)
                        : fixed.values().iterator().next();
                flexible.forEach(t -> decided.put(t, count));
            }
        }
        return null;
    }

    private static Configured notReady(byte status, String detail) {
        return new Configured(null, Map.of(), status, detail);
    }

    private static String summary(Set<String> topics) {
        List<String> list = new ArrayList<>(topics);
        return list.size() <= 3 ? String.join(", ", list)
                : String.join(", ", list.subList(0, 3)) + " and " + (list.size() - 3) + " additional topics";
    }
}
