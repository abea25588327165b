package io.kafkalite.group;

import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.kafkalite.metadata.MetadataJournal;
import org.apache.kafka.common.TopicPartition;

/**
 * Committed offsets by group and partition, and transactional offsets still pending their transaction's end
 * (by group and producer id). Every change is journaled, so a broker restarted on the same data directory gives
 * consumers back their positions and an open transaction its pending offsets; offsets of a deleted topic go
 * with it.
 */
public final class OffsetStore implements MetadataJournal.Participant {

    private static final Comparator<TopicPartition> ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private final MetadataJournal journal;
    private final Map<String, Map<TopicPartition, CommittedOffset>> byGroup = new HashMap<>();
    /** Pending transactional offsets: group, then producer id, then partition. */
    private final Map<String, Map<Long, Map<TopicPartition, CommittedOffset>>> pendingByGroup = new HashMap<>();

    public OffsetStore(MetadataJournal journal) {
        this.journal = journal;
    }

    public void commit(String group, TopicPartition partition, CommittedOffset offset) {
        put(group, partition, offset);
        journal.offsetCommitted(group, partition.topic(), partition.partition(), offset.offset(), offset.leaderEpoch(),
                offset.metadata());
    }

    /** Records a transactional offset commit; it takes effect when its transaction commits. */
    public void commitPending(String group, long producerId, TopicPartition partition, CommittedOffset offset) {
        putPending(group, producerId, partition, offset);
        journal.transactionalOffsetCommitted(group, producerId, partition, offset.offset(), offset.leaderEpoch(),
                offset.metadata());
    }

    /** Makes a producer's pending offsets of the group committed ({@code commit}) or drops them. */
    public void completePending(String group, long producerId, boolean commit) {
        if (complete(group, producerId, commit)) {
            journal.transactionalOffsetsCompleted(group, producerId, commit);
        }
    }

    /** Whether a transaction that has not ended yet committed an offset for this partition of the group. */
    public boolean hasPending(String group, TopicPartition partition) {
        Map<Long, Map<TopicPartition, CommittedOffset>> byProducer = pendingByGroup.get(group);
        if (byProducer != null) {
            for (Map<TopicPartition, CommittedOffset> pending : byProducer.values()) {
                if (pending.containsKey(partition)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void putPending(String group, long producerId, TopicPartition partition, CommittedOffset offset) {
        pendingByGroup.computeIfAbsent(group, g -> new HashMap<>())
                .computeIfAbsent(producerId, p -> new HashMap<>()).put(partition, offset);
    }

    private boolean complete(String group, long producerId, boolean commit) {
        Map<Long, Map<TopicPartition, CommittedOffset>> byProducer = pendingByGroup.get(group);
        Map<TopicPartition, CommittedOffset> pending = byProducer == null ? null : byProducer.remove(producerId);
        if (pending == null) {
            return false;
        }
        if (byProducer.isEmpty()) {
            pendingByGroup.remove(group);
        }
        if (commit) {
            pending.forEach((partition, offset) -> put(group, partition, offset));
        }
        return true;
    }

    /** The committed offset, or null. */
    public CommittedOffset get(String group, TopicPartition partition) {
        Map<TopicPartition, CommittedOffset> offsets = byGroup.get(group);
        return offsets == null ? null : offsets.get(partition);
    }

    /** Every committed offset of the group, ordered by topic and partition. */
    public Map<TopicPartition, CommittedOffset> all(String group) {
        Map<TopicPartition, CommittedOffset> offsets = byGroup.get(group);
        return offsets == null ? Map.of() : Collections.unmodifiableMap(offsets);
    }

    public boolean hasOffsets(String group) {
        return byGroup.containsKey(group);
    }

    /** Groups that have committed offsets, or transactional offsets pending. */
    public Set<String> groups() {
        Set<String> groups = new java.util.TreeSet<>(byGroup.keySet());
        groups.addAll(pendingByGroup.keySet());
        return groups;
    }

    public void delete(String group, TopicPartition partition) {
        if (remove(group, partition)) {
            journal.offsetDeleted(group, partition.topic(), partition.partition());
        }
    }

    public void deleteGroup(String group) {
        boolean hadPending = pendingByGroup.remove(group) != null;
        if (byGroup.remove(group) != null || hadPending) {
            journal.groupOffsetsDeleted(group);
        }
    }

    /** Drops offsets of a deleted topic; the journal already holds the topic's deletion, which replays the same. */
    public void deleteTopic(String topic) {
        byGroup.values().forEach(offsets -> offsets.keySet().removeIf(tp -> tp.topic().equals(topic)));
        byGroup.values().removeIf(Map::isEmpty);
        pendingByGroup.values().forEach(byProducer -> byProducer.values()
                .forEach(offsets -> offsets.keySet().removeIf(tp -> tp.topic().equals(topic))));
    }

    private void put(String group, TopicPartition partition, CommittedOffset offset) {
        byGroup.computeIfAbsent(group, g -> new TreeMap<>(ORDER)).put(partition, offset);
    }

    private boolean remove(String group, TopicPartition partition) {
        Map<TopicPartition, CommittedOffset> offsets = byGroup.get(group);
        if (offsets == null || offsets.remove(partition) == null) {
            return false;
        }
        if (offsets.isEmpty()) {
            byGroup.remove(group);
        }
        return true;
    }

    // Journal replay.

    @Override
    public void onOffsetCommitted(String group, String topic, int partition, long offset, int leaderEpoch, String metadata) {
        put(group, new TopicPartition(topic, partition), new CommittedOffset(offset, leaderEpoch, metadata));
    }

    @Override
    public void onOffsetDeleted(String group, String topic, int partition) {
        remove(group, new TopicPartition(topic, partition));
    }

    @Override
    public void onGroupOffsetsDeleted(String group) {
        byGroup.remove(group);
        pendingByGroup.remove(group);
    }

    @Override
    public void onTransactionalOffsetCommitted(String group, long producerId, String topic, int partition, long offset,
                                               int leaderEpoch, String metadata) {
        putPending(group, producerId, new TopicPartition(topic, partition), new CommittedOffset(offset, leaderEpoch, metadata));
    }

    @Override
    public void onTransactionalOffsetsCompleted(String group, long producerId, boolean committed) {
        complete(group, producerId, committed);
    }

    @Override
    public void onTopicDeleted(String name) {
        deleteTopic(name);
    }

    @Override
    public void writeSnapshot(MetadataJournal snapshot) {
        byGroup.forEach((group, offsets) -> offsets.forEach((partition, offset) -> snapshot.offsetCommitted(group,
                partition.topic(), partition.partition(), offset.offset(), offset.leaderEpoch(), offset.metadata())));
        pendingByGroup.forEach((group, byProducer) -> byProducer.forEach((producerId, offsets) -> offsets.forEach(
                (partition, offset) -> snapshot.transactionalOffsetCommitted(group, producerId, partition,
                        offset.offset(), offset.leaderEpoch(), offset.metadata()))));
    }
}
