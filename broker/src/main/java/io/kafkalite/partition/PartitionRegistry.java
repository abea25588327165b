package io.kafkalite.partition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.kafkalite.log.BatchLog;
import io.kafkalite.log.PartitionKey;
import io.kafkalite.log.PartitionLogs;
import io.kafkalite.metadata.MetadataJournal;
import io.kafkalite.metadata.Topic;
import io.kafkalite.time.BrokerTimer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * Every partition of the broker: created on first use for a partition of an existing topic (so a broker with
 * thousands of partitions starts at once), closed with the broker and deleted with its topic. It persists each
 * partition's log start offset in the metadata journal and, on the broker timer every
 * {@code log.retention.check.interval.ms}, runs the storage's upkeep: retention, then giving back the space of what
 * retention, compaction and deleted topics released.
 *
 * <p>Deleting a topic is a metadata operation: its partitions' index entries are dropped at once and the disk space
 * comes back in the background.
 */
public final class PartitionRegistry implements MetadataJournal.Listener, MetadataJournal.SnapshotSource, AutoCloseable {

    private static final Object UPKEEP_TIMER = "storage-upkeep";
    private static final Object RECLAIM_TIMER = "storage-reclaim";
    /** Background work on the broker loop stops for requests after this long. */
    private static final long WORK_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final PartitionLogs logs;
    private final MetadataJournal journal;
    private final Map<TopicPartition, Partition> partitions = new HashMap<>();
    /** Log start offsets read from the journal for partitions not yet created in this run. */
    private final Map<TopicPartition, Long> persistedStartOffsets = new HashMap<>();

    public PartitionRegistry(PartitionLogs logs, MetadataJournal journal) {
        this.logs = logs;
        this.journal = journal;
    }

    /**
     * Rebuilds the stored partitions' indexes once the journal has been replayed; batches of topics that no longer
     * exist are dropped.
     */
    public void recover(Function<Uuid, Topic> topicsById) {
        logs.recover(key -> {
            Topic topic = topicsById.apply(key.topicId());
            if (topic == null || !topic.hasPartition(key.partition())) {
                return -1;
            }
            Long start = persistedStartOffsets.get(new TopicPartition(topic.name(), key.partition()));
            return start == null ? 0 : start;
        });
    }

    /** The partition {@code index} of {@code topic}, which must exist. */
    public Partition partition(Topic topic, int index) {
        TopicPartition key = new TopicPartition(topic.name(), index);
        Partition partition = partitions.get(key);
        if (partition == null) {
            Long start = persistedStartOffsets.remove(key);
            partition = new Partition(this, topic, index, start == null ? 0 : start);
            partitions.put(key, partition);
        }
        return partition;
    }

    /** Deletes a topic's partitions with their stored batches; their listeners are told. */
    public void deleteTopic(Topic topic) {
        for (int p = 0; p < topic.partitionCount(); p++) {
            TopicPartition key = new TopicPartition(topic.name(), p);
            persistedStartOffsets.remove(key);
            Partition partition = partitions.remove(key);
            if (partition != null) {
                partition.delete();
            } else {
                logs.delete(new PartitionKey(topic.id(), p));
            }
        }
    }

    /**
     * Runs the storage's upkeep every {@code intervalMs} on the broker timer, starting one interval from now:
     * retention, then reclaiming space a few milliseconds at a time until nothing is left to reclaim.
     */
    public void scheduleRetention(BrokerTimer timer, long intervalMs) {
        timer.scheduleAfter(UPKEEP_TIMER, TimeUnit.MILLISECONDS.toNanos(intervalMs), () -> {
            applyRetention(timer.clock().epochMillis());
            logs.checkpointIfDue();
            reclaimInSlices(timer);
            scheduleRetention(timer, intervalMs);
        });
    }

    private void reclaimInSlices(BrokerTimer timer) {
        if (logs.reclaim(WORK_SLICE_NANOS) && !timer.isScheduled(RECLAIM_TIMER)) {
            timer.scheduleAfter(RECLAIM_TIMER, 0, () -> reclaimInSlices(timer));
        }
    }

    /** Applies retention to every partition with stored batches; returns how many moved their log start. */
    public int applyRetention(long now) {
        int moved = 0;
        for (Partition partition : List.copyOf(partitions.values())) {
            if (partition.applyRetention(now)) {
                moved++;
            }
        }
        return moved;
    }

    /**
     * Gives back, now and in one go, the space of everything released: deleted topics, retention, DeleteRecords.
     * Blocks the broker loop while it runs; meant for tests and for shutting a long-running broker down small.
     */
    public void reclaimNow() {
        while (logs.reclaim(Long.MAX_VALUE)) {
            // each round deletes what the previous one emptied
        }
    }

    /** Every partition created in this run, for views across partitions (DescribeProducers, ListTransactions). */
    public List<Partition> all() {
        return new ArrayList<>(partitions.values());
    }

    /** The partitions' shared storage. */
    public PartitionLogs logs() {
        return logs;
    }

    BatchLog open(Partition partition, BatchLog.BatchVisitor replay) {
        Topic topic = partition.topic();
        BatchLog log = logs.open(key(partition), partition.logStartOffset(), new BatchLog.SegmentPolicy() {
            @Override
            public long segmentBytes() {
                return topic.settings().segmentBytes();
            }

            @Override
            public long segmentMs() {
                return topic.settings().segmentMs();
            }
        });
        log.forEachBatch(replay);
        return log;
    }

    boolean hasStoredBatches(Partition partition) {
        return logs.hasLog(key(partition));
    }

    void deleteStore(Partition partition, BatchLog open) {
        logs.delete(key(partition));
    }

    void persistLogStartOffset(Partition partition) {
        journal.logStartOffset(partition.id().topic(), partition.id().partition(), partition.logStartOffset());
    }

    private static PartitionKey key(Partition partition) {
        return new PartitionKey(partition.topic().id(), partition.id().partition());
    }

    // Journal replay and snapshot

    @Override
    public void onLogStartOffset(String topic, int partition, long offset) {
        persistedStartOffsets.put(new TopicPartition(topic, partition), offset);
    }

    @Override
    public void onTopicDeleted(String topic) {
        Iterator<TopicPartition> it = persistedStartOffsets.keySet().iterator();
        while (it.hasNext()) {
            if (it.next().topic().equals(topic)) {
                it.remove();
            }
        }
    }

    @Override
    public void writeSnapshot(MetadataJournal snapshot) {
        persistedStartOffsets.forEach((tp, offset) -> snapshot.logStartOffset(tp.topic(), tp.partition(), offset));
        for (Partition partition : partitions.values()) {
            if (partition.logStartOffset() > 0) {
                snapshot.logStartOffset(partition.id().topic(), partition.id().partition(), partition.logStartOffset());
            }
        }
    }

    @Override
    public void close() {
        partitions.values().forEach(Partition::close);
        partitions.clear();
        logs.close();
    }
}
