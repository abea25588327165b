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
 * Committed offsets by group and partition. Every change is journaled, so a broker restarted on the same data
 * directory gives consumers back their positions; offsets of a deleted topic go with it.
 */
public final class OffsetStore implements MetadataJournal.Listener, MetadataJournal.SnapshotSource {

    private static final Comparator<TopicPartition> ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private final MetadataJournal journal;
    private final Map<String, Map<TopicPartition, CommittedOffset>> byGroup = new HashMap<>();

    public OffsetStore(MetadataJournal journal) {
        this.journal = journal;
    }

    public void commit(String group, TopicPartition partition, CommittedOffset offset) {
        put(group, partition, offset);
        journal.offsetCommitted(group, partition.topic(), partition.partition(), offset.offset(), offset.leaderEpoch(),
                offset.metadata());
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

    /** Groups that have committed offsets. */
    public Set<String> groups() {
        return Collections.unmodifiableSet(byGroup.keySet());
    }

    public void delete(String group, TopicPartition partition) {
        if (remove(group, partition)) {
            journal.offsetDeleted(group, partition.topic(), partition.partition());
        }
    }

    public void deleteGroup(String group) {
        if (byGroup.remove(group) != null) {
            journal.groupOffsetsDeleted(group);
        }
    }

    /** Drops offsets of a deleted topic; the journal already holds the topic's deletion, which replays the same. */
    public void deleteTopic(String topic) {
        byGroup.values().forEach(offsets -> offsets.keySet().removeIf(tp -> tp.topic().equals(topic)));
        byGroup.values().removeIf(Map::isEmpty);
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
    }

    @Override
    public void onTopicDeleted(String name) {
        deleteTopic(name);
    }

    @Override
    public void writeSnapshot(MetadataJournal snapshot) {
        byGroup.forEach((group, offsets) -> offsets.forEach((partition, offset) -> snapshot.offsetCommitted(group,
                partition.topic(), partition.partition(), offset.offset(), offset.leaderEpoch(), offset.metadata())));
    }
}
