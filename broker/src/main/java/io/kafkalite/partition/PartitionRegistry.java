package io.kafkalite.partition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.kafkalite.log.BatchLog;
import io.kafkalite.log.Deadlines;
import io.kafkalite.log.PartitionKey;
import io.kafkalite.log.PartitionLogs;
import io.kafkalite.metadata.MetadataJournal;
import io.kafkalite.metadata.Topic;
import io.kafkalite.time.BrokerTimer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
public final class PartitionRegistry implements MetadataJournal.Participant, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionRegistry.class);
    private static final Object UPKEEP_TIMER = "storage-upkeep";
    private static final Object CLEANER_TIMER = "log-cleaner";
    private static final Object WORK_TIMER = "storage-work";
    /** Background work on the broker loop stops for requests after this long. */
    private static final long WORK_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final PartitionLogs logs;
    private final MetadataJournal journal;
    private final Map<TopicPartition, Partition> partitions = new HashMap<>();
    /** Log start offsets read from the journal for partitions not yet created in this run. */
    private final Map<TopicPartition, Long> persistedStartOffsets = new HashMap<>();
    private final LogCleaner cleaner = new LogCleaner();
    private Function<Uuid, Topic> topicsById = id -> null;
    /** Whether the cleaner has a pass under way or was asked to look for one. */
    private boolean cleaning;

    public PartitionRegistry(PartitionLogs logs, MetadataJournal journal) {
        this.logs = logs;
        this.journal = journal;
    }

    /**
     * Rebuilds the stored partitions' indexes once the journal has been replayed; batches of topics that no longer
     * exist are dropped.
     */
    public void recover(Function<Uuid, Topic> topicsById) {
        this.topicsById = topicsById;
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
     * Runs the storage's upkeep on the broker timer: retention every {@code retentionIntervalMs}, the log cleaner
     * every {@code cleanerBackoffMs} (if enabled), and reclaiming the space either released, all in slices of a few
     * milliseconds so that requests are served in between.
     */
    public void scheduleUpkeep(BrokerTimer timer, long retentionIntervalMs, long cleanerBackoffMs, boolean cleanerEnabled) {
        scheduleRetention(timer, retentionIntervalMs);
        if (cleanerEnabled) {
            scheduleCleaner(timer, cleanerBackoffMs);
        }
    }

    private void scheduleRetention(BrokerTimer timer, long intervalMs) {
        timer.scheduleAfter(UPKEEP_TIMER, TimeUnit.MILLISECONDS.toNanos(intervalMs), () -> {
            applyRetention(timer.clock().epochMillis());
            logs.checkpointIfDue();
            backgroundWork(timer);
            scheduleRetention(timer, intervalMs);
        });
    }

    private void scheduleCleaner(BrokerTimer timer, long backoffMs) {
        timer.scheduleAfter(CLEANER_TIMER, TimeUnit.MILLISECONDS.toNanos(backoffMs), () -> {
            cleaning = true;
            backgroundWork(timer);
            scheduleCleaner(timer, backoffMs);
        });
    }

    /** One slice of compaction and reclaiming; schedules the next slice while there is more to do. */
    private void backgroundWork(BrokerTimer timer) {
        long deadline = Deadlines.after(WORK_SLICE_NANOS);
        boolean more = false;
        if (cleaning) {
            long passes = cleaner.passesCompleted();
            cleaning = cleaner.clean(storedPartitions(true), timer.clock().epochMillis(), deadline);
            if (cleaner.passesCompleted() != passes) {
                checkpointQuietly(); // a crash now must not bring back what the pass removed
            }
            more = cleaning;
        }
        more |= Deadlines.passed(deadline) || logs.reclaim(deadline);
        if (more && !timer.isScheduled(WORK_TIMER)) {
            timer.scheduleAfter(WORK_TIMER, 0, () -> backgroundWork(timer));
        }
    }

    private void checkpointQuietly() {
        try {
            logs.checkpoint();
        } catch (RuntimeException e) {
            LOG.warn("Could not checkpoint the partition indexes: {}", e.getMessage());
        }
    }

    /** Applies retention to every partition with stored batches; returns how many moved their log start. */
    public int applyRetention(long now) {
        int moved = 0;
        for (Partition partition : storedPartitions(false)) {
            if (partition.applyRetention(now)) {
                moved++;
            }
        }
        return moved;
    }

    /**
     * What {@code KafkaLite.cleanLogs()} does: retention, then compaction of every partition of a compacted topic
     * (its active segment rolled first), then giving back the space released, all now and in one go.
     *
     * @return how many partitions were compacted
     */
    public int cleanNow(long now) {
        applyRetention(now);
        int compacted = cleaner.cleanAll(storedPartitions(true), now);
        logs.checkpoint();
        while (logs.reclaim(Deadlines.NONE)) {
            // each round deletes what the previous one emptied
        }
        return compacted;
    }

    /** The partitions with stored batches (of compacted topics only, if asked), created now if need be. */
    private List<Partition> storedPartitions(boolean compactedOnly) {
        List<Partition> stored = new ArrayList<>();
        for (PartitionKey key : List.copyOf(logs.keys())) {
            Topic topic = topicsById.apply(key.topicId());
            if (topic != null && topic.hasPartition(key.partition()) && (!compactedOnly || topic.settings().compactPolicy())) {
                stored.add(partition(topic, key.partition()));
            }
        }
        return stored;
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
