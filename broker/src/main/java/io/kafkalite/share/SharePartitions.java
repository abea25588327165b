package io.kafkalite.share;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.kafkalite.log.BatchLog.TimestampAndOffset;
import io.kafkalite.metadata.BrokerConfig;
import io.kafkalite.metadata.GroupConfigs;
import io.kafkalite.metadata.MetadataJournal;
import io.kafkalite.metadata.MetadataJournal.ShareStateBatch;
import io.kafkalite.metadata.Topic;
import io.kafkalite.metadata.TopicRegistry;
import io.kafkalite.partition.AbortedTransaction;
import io.kafkalite.partition.Partition;
import io.kafkalite.partition.PartitionRegistry;
import io.kafkalite.time.BrokerTimer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidRecordStateException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Every share group's share-partitions: what Kafka splits between its share partition manager (acquisition,
 * acknowledgement, acquisition lock timeouts) and its share coordinator (the persisted state behind
 * ReadShareGroupState and WriteShareGroupState). Each acknowledgement, release and start-offset move is journaled,
 * so a broker restarted on the same data directory keeps every acknowledgement; acquisitions are not (a record
 * acquired when the broker stopped is delivered again), as in Kafka.
 *
 * <p>Records are read through {@link Partition}: up to the high watermark, or up to the last stable offset with
 * aborted transactions archived for a group with {@code share.isolation.level=read_committed}. Acquisition lock
 * timeouts are keyed tasks on the broker timer, so a manual clock moves past them. Broker loop thread only.
 */
public final class SharePartitions implements MetadataJournal.Participant {

    private final BrokerConfig config;
    private final GroupConfigs groupConfigs;
    private final TopicRegistry topics;
    private final PartitionRegistry partitions;
    private final MetadataJournal journal;
    private final BrokerTimer timer;
    private final Map<Key, SharePartition> byKey = new HashMap<>();
    private final SharePartition.LockTimer lockTimer = new LockTimer();
    private Consumer<Key> onAvailable = key -> { };

    public SharePartitions(BrokerConfig config, GroupConfigs groupConfigs, TopicRegistry topics,
                           PartitionRegistry partitions, MetadataJournal journal, BrokerTimer timer) {
        this.config = config;
        this.groupConfigs = groupConfigs;
        this.topics = topics;
        this.partitions = partitions;
        this.journal = journal;
        this.timer = timer;
    }

    /** A share group's partition. */
    public record Key(String groupId, TopicPartition partition) {
    }

    /** Told when records of a share-partition may have become acquirable (released, timed out, start moved). */
    public void onRecordsAvailable(Consumer<Key> listener) {
        this.onAvailable = listener;
    }

    /** Groups that have share-partition state (they exist after a restart, without members). */
    public Set<String> groups() {
        Set<String> groups = new TreeSet<>();
        byKey.keySet().forEach(key -> groups.add(key.groupId()));
        return groups;
    }

    /** The partitions of {@code groupId} that have state, ordered by topic and partition. */
    public List<TopicPartition> partitionsOf(String groupId) {
        List<TopicPartition> result = new ArrayList<>();
        byKey.keySet().forEach(key -> {
            if (key.groupId().equals(groupId)) {
                result.add(key.partition());
            }
        });
        result.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        return result;
    }

    /**
     * Gives the group a start offset on the partition, by its {@code share.auto.offset.reset}, unless it has one:
     * Kafka's group coordinator does this (InitializeShareGroupState) before it assigns the partition.
     */
    public void initializeIfAbsent(String groupId, Topic topic, int partition) {
        Key key = new Key(groupId, new TopicPartition(topic.name(), partition));
        if (byKey.containsKey(key)) {
            return;
        }
        long start = initialOffset(groupId, partitions.partition(topic, partition));
        byKey.put(key, newSharePartition(key, start));
        journal.shareStateInitialized(groupId, topic.name(), partition, start);
    }

    private long initialOffset(String groupId, Partition partition) {
        GroupConfigs.AutoOffsetReset reset = GroupConfigs.AutoOffsetReset.parse(
                groupConfigs.stringValue(groupId, GroupConfigs.SHARE_AUTO_OFFSET_RESET));
        return switch (reset.kind()) {
            case EARLIEST -> partition.logStartOffset();
            case LATEST -> partition.highWatermark();
            case BY_DURATION -> {
                long since = timer.clock().epochMillis() - reset.duration().toMillis();
                TimestampAndOffset found = partition.offsetForTimestamp(since, false);
                yield found == null ? partition.highWatermark() : found.offset();
            }
        };
    }

    private SharePartition newSharePartition(Key key, long startOffset) {
        return new SharePartition(key.groupId(), key.partition().topic(), key.partition().partition(), startOffset,
                lockTimer);
    }

    // ---------------------------------------------------------------- fetch

    /** What a share fetch of one partition returns: the batches holding the acquired records, and those records. */
    public record Fetched(MemoryRecords records, List<SharePartition.Acquired> acquired) {
        static final Fetched NONE = new Fetched(MemoryRecords.EMPTY, List.of());
    }

    /** Whether a fetch of the share-partition would acquire something now (a parked ShareFetch asks). */
    public boolean canAcquire(String groupId, Topic topic, int partition) {
        Key key = new Key(groupId, new TopicPartition(topic.name(), partition));
        SharePartition share = byKey.get(key);
        Partition log = partitions.partition(topic, partition);
        if (share == null) {
            return false;
        }
        catchUpWithLogStart(key, share, log);
        return share.canAcquire(readableEnd(groupId, log), maxInFlight());
    }

    /**
     * Acquires records of the partition for a member: reads batches from the next available offset (at most
     * {@code maxBytes}, at least one batch) and acquires what is available among them, up to {@code maxRecords}.
     */
    public Fetched fetch(String groupId, String memberId, Topic topic, int partition, int maxBytes, int maxRecords,
                         boolean recordLimit) {
        Key key = new Key(groupId, new TopicPartition(topic.name(), partition));
        initializeIfAbsent(groupId, topic, partition);
        SharePartition share = byKey.get(key);
        Partition log = partitions.partition(topic, partition);
        catchUpWithLogStart(key, share, log);
        boolean readCommitted = isReadCommitted(groupId);
        long readableEnd = readableEnd(groupId, log);
        if (maxRecords <= 0 || !share.canAcquire(readableEnd, maxInFlight())) {
            return Fetched.NONE;
        }
        Partition.FetchedRecords read = log.readCopy(share.nextFetchOffset(), maxBytes, true, readCommitted);
        MemoryRecords records = (MemoryRecords) read.records();
        List<long[]> bounds = new ArrayList<>();
        List<RecordBatch> batches = new ArrayList<>();
        for (RecordBatch batch : records.batches()) {
            bounds.add(new long[] {batch.baseOffset(), batch.lastOffset()});
            batches.add(batch);
        }
        long acquisitionId = share.acquire(memberId, bounds, maxRecords, recordLimit, maxInFlight());
        if (acquisitionId == 0) {
            return Fetched.NONE;
        }
        if (readCommitted && !read.abortedTransactions().isEmpty()) {
            archiveAborted(key, share, acquisitionId, batches, read.abortedTransactions());
        }
        List<SharePartition.Acquired> acquired = share.acquiredRecords(acquisitionId);
        if (acquired.isEmpty()) {
            return Fetched.NONE;
        }
        return new Fetched(slice(records, batches, acquired), acquired);
    }

    /**
     * A read_committed group never sees an aborted transaction's records: they are archived (Kafka's share partition
     * does the same), leaving their batches' offsets out of the acquired records.
     */
    private void archiveAborted(Key key, SharePartition share, long acquisitionId, List<RecordBatch> batches,
                                List<AbortedTransaction> aborted) {
        long before = share.startOffset();
        ArrayDeque<AbortedTransaction> pending = new ArrayDeque<>(aborted);
        Set<Long> abortedProducers = new HashSet<>();
        List<ShareStateBatch> changed = new ArrayList<>();
        for (RecordBatch batch : batches) {
            while (!pending.isEmpty() && pending.peekFirst().firstOffset() <= batch.lastOffset()) {
                abortedProducers.add(pending.pollFirst().producerId());
            }
            if (!batch.isTransactional() || !abortedProducers.contains(batch.producerId())) {
                continue;
            }
            if (batch.isControlBatch()) {
                abortedProducers.remove(batch.producerId()); // the ABORT marker: later batches of it are new
            } else {
                changed.addAll(share.archiveAcquired(acquisitionId, batch.baseOffset(), batch.lastOffset()));
            }
        }
        persist(key, share, changed, before);
    }

    /** The batches from the first holding an acquired record to the last holding one. */
    private static MemoryRecords slice(MemoryRecords records, List<RecordBatch> batches,
                                       List<SharePartition.Acquired> acquired) {
        long first = acquired.get(0).firstOffset();
        long last = acquired.get(acquired.size() - 1).lastOffset();
        int position = 0;
        int start = -1;
        int end = 0;
        for (RecordBatch batch : batches) {
            int size = batch.sizeInBytes();
            if (batch.lastOffset() >= first && batch.baseOffset() <= last) {
                if (start < 0) {
                    start = position;
                }
                end = position + size;
            }
            position += size;
        }
        if (start <= 0 && end == records.sizeInBytes()) {
            return records;
        }
        ByteBuffer buffer = records.buffer().duplicate();
        buffer.position(buffer.position() + start).limit(buffer.position() + end - start);
        return MemoryRecords.readableRecords(buffer.slice());
    }

    /** The log start offset may have passed the share start offset (retention, DeleteRecords): follow it. */
    private void catchUpWithLogStart(Key key, SharePartition share, Partition log) {
        long before = share.startOffset();
        if (before < log.logStartOffset()) {
            share.moveStartOffset(log.logStartOffset());
            persist(key, share, List.of(), before);
        }
    }

    private long readableEnd(String groupId, Partition log) {
        return isReadCommitted(groupId) ? log.lastStableOffset() : log.highWatermark();
    }

    private boolean isReadCommitted(String groupId) {
        return groupConfigs.stringValue(groupId, GroupConfigs.SHARE_ISOLATION_LEVEL).equals("read_committed");
    }

    private int maxInFlight() {
        return config.intValue(BrokerConfig.GROUP_SHARE_PARTITION_MAX_RECORD_LOCKS);
    }

    private int deliveryCountLimit() {
        return config.intValue(BrokerConfig.GROUP_SHARE_DELIVERY_COUNT_LIMIT);
    }

    /** {@code share.record.lock.duration.ms} of the group: how long a member holds what it acquired. */
    public int recordLockDurationMs(String groupId) {
        return groupConfigs.intValue(groupId, GroupConfigs.SHARE_RECORD_LOCK_DURATION_MS);
    }

    // ---------------------------------------------------------------- acknowledge and release

    /**
     * Applies a member's acknowledgements of one partition, all or none.
     *
     * @throws InvalidRecordStateException for records the member does not hold
     * @throws org.apache.kafka.common.errors.InvalidRequestException for offsets past the acquired records
     */
    public void acknowledge(String groupId, String memberId, TopicPartition partition,
                            List<SharePartition.AckBatch> batches) {
        Key key = new Key(groupId, partition);
        SharePartition share = byKey.get(key);
        if (share == null) {
            throw new InvalidRecordStateException("Group " + groupId
                    + " has acquired no records of " + partition);
        }
        long before = share.startOffset();
        List<ShareStateBatch> changed = share.acknowledge(memberId, batches, deliveryCountLimit());
        persist(key, share, changed, before);
    }

    /** Releases what a member holds on the given partitions (its share session closed, or it left the group). */
    public void releaseMember(String groupId, String memberId, Iterable<TopicPartition> held) {
        for (TopicPartition partition : held) {
            Key key = new Key(groupId, partition);
            SharePartition share = byKey.get(key);
            if (share != null) {
                long before = share.startOffset();
                persist(key, share, share.releaseMember(memberId, deliveryCountLimit()), before);
            }
        }
    }

    /** Journals what changed (nothing when neither records nor the start offset did) and wakes parked fetches. */
    private void persist(Key key, SharePartition share, List<ShareStateBatch> changed, long startBefore) {
        if (changed.isEmpty() && share.startOffset() == startBefore) {
            return;
        }
        journal.shareStateWritten(key.groupId(), key.partition().topic(), key.partition().partition(),
                share.startOffset(), changed);
        onAvailable.accept(key);
    }

    // ---------------------------------------------------------------- admin

    /** A share-partition's start offset and lag, as DescribeShareGroupOffsets reports them; null without state. */
    public record Offsets(long startOffset, long lag) {
    }

    /** The share-partition's start offset and lag, or null if the group has no state for the partition. */
    public Offsets offsets(String groupId, Topic topic, int partition) {
        SharePartition share = byKey.get(new Key(groupId, new TopicPartition(topic.name(), partition)));
        if (share == null) {
            return null;
        }
        Partition log = partitions.partition(topic, partition);
        long start = Math.max(share.startOffset(), log.logStartOffset());
        long lag = Math.max(0, log.highWatermark() - start - share.terminalRecords());
        return new Offsets(start, lag);
    }

    /** Admin alterShareGroupOffsets: the group starts over at {@code startOffset}, with no record delivered. */
    public void reset(String groupId, Topic topic, int partition, long startOffset) {
        Key key = new Key(groupId, new TopicPartition(topic.name(), partition));
        byKey.put(key, newSharePartition(key, startOffset)); // lock timers of a replaced one find it gone
        journal.shareStateInitialized(groupId, topic.name(), partition, startOffset);
    }

    /** Forgets the group's state of a partition; returns whether there was any. */
    public boolean delete(String groupId, TopicPartition partition) {
        if (byKey.remove(new Key(groupId, partition)) == null) {
            return false;
        }
        journal.shareStateDeleted(groupId, partition.topic(), partition.partition());
        return true;
    }

    /** Forgets everything about a deleted share group. */
    public void deleteGroup(String groupId) {
        partitionsOf(groupId).forEach(partition -> delete(groupId, partition));
    }

    /** Forgets the share state of a deleted topic (the journal holds the deletion, which replays the same). */
    public void deleteTopic(String topic) {
        byKey.keySet().removeIf(key -> key.partition().topic().equals(topic));
    }

    // ---------------------------------------------------------------- journal replay and snapshots

    /** Every share-partition's state as events whose replay gives the same state. */
    @Override
    public void writeSnapshot(MetadataJournal snapshot) {
        byKey.forEach((key, share) -> snapshot.shareStateWritten(key.groupId(), key.partition().topic(),
                key.partition().partition(), share.startOffset(), share.persistedState()));
    }

    @Override
    public void onShareStateInitialized(String group, String topic, int partition, long startOffset) {
        Key key = new Key(group, new TopicPartition(topic, partition));
        byKey.put(key, newSharePartition(key, startOffset));
    }

    @Override
    public void onShareStateWritten(String group, String topic, int partition, long startOffset,
                                    List<ShareStateBatch> batches) {
        Key key = new Key(group, new TopicPartition(topic, partition));
        SharePartition share = byKey.computeIfAbsent(key, k -> newSharePartition(k, startOffset));
        share.applyPersisted(startOffset, batches);
    }

    @Override
    public void onShareStateDeleted(String group, String topic, int partition) {
        byKey.remove(new Key(group, new TopicPartition(topic, partition)));
    }

    @Override
    public void onTopicDeleted(String name) {
        deleteTopic(name);
    }

    /** Acquisition lock timeouts on the broker timer (broker time, so a manual clock moves past them). */
    private final class LockTimer implements SharePartition.LockTimer {
        @Override
        public void schedule(SharePartition share, long acquisitionId) {
            Key key = new Key(share.groupId(), new TopicPartition(share.topic(), share.partition()));
            long delay = TimeUnit.MILLISECONDS.toNanos(recordLockDurationMs(share.groupId()));
            timer.scheduleAfter(new LockKey(share, acquisitionId), delay, () -> {
                if (byKey.get(key) == share) {
                    long before = share.startOffset();
                    persist(key, share, share.expire(acquisitionId, deliveryCountLimit()), before);
                }
            });
        }

        @Override
        public void cancel(SharePartition share, long acquisitionId) {
            timer.cancel(new LockKey(share, acquisitionId));
        }
    }

    /** Timer key of one acquisition's lock (identity of the share-partition object: a reset one starts over). */
    private record LockKey(SharePartition share, long acquisitionId) {
        @Override
        public boolean equals(Object other) {
            return other instanceof LockKey key && key.share == share && key.acquisitionId == acquisitionId;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(share) * 31 + Long.hashCode(acquisitionId);
        }
    }
}
