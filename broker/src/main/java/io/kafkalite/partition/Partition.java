package io.kafkalite.partition;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kafkalite.log.BatchLog;
import io.kafkalite.log.BatchLog.TimestampAndOffset;
import io.kafkalite.log.Compaction;
import io.kafkalite.metadata.Topic;
import io.kafkalite.metadata.TopicConfigs;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * One partition and everything it owns: its stored batches and their index, its producer state (ids, epochs,
 * sequences, open transactions), the log start offset, the high watermark and last stable offset, the index of
 * aborted transactions, and the listeners an append wakes. Produce, Fetch, ListOffsets, DeleteRecords,
 * retention and transaction markers all go through it, so each offset has one source of truth.
 *
 * <p>On one node the high watermark is the log end offset: every append is fully replicated when it is
 * written. The last stable offset is the first offset of the oldest open transaction, or the high watermark.
 *
 * <p>The stored batches are opened on first use, and a partition that was never written creates no files. Not
 * thread-safe: partitions belong to the broker loop thread.
 */
public final class Partition {

    private final PartitionRegistry registry;
    private final Topic topic;
    private final TopicPartition id;
    private final ProducerStates producers;
    private final AbortedTransactionIndex abortedTransactions = new AbortedTransactionIndex();
    private final List<PartitionListener> listeners = new ArrayList<>(1);
    private long logStartOffset;
    /** Null until the stored batches are needed; stays null for a partition never written. */
    private BatchLog log;
    /** Set once the storage said there is nothing stored: only this partition's own appends create its store. */
    private boolean knownEmpty;

    Partition(PartitionRegistry registry, Topic topic, int index, long logStartOffset) {
        this.registry = registry;
        this.topic = topic;
        this.id = new TopicPartition(topic.name(), index);
        this.producers = new ProducerStates(id);
        this.logStartOffset = logStartOffset;
    }

    public TopicPartition id() {
        return id;
    }

    public Topic topic() {
        return topic;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    /** The offset the next record gets. */
    public long logEndOffset() {
        BatchLog stored = storedIfAny();
        return stored == null ? logStartOffset : stored.nextOffset();
    }

    /** What read_uncommitted consumers may read up to; the log end offset on one node. */
    public long highWatermark() {
        return logEndOffset();
    }

    /** What read_committed consumers may read up to: the first offset of the oldest open transaction. */
    public long lastStableOffset() {
        long highWatermark = highWatermark();
        long firstUnstable = storedIfAny() == null ? -1 : producers.firstUnstableOffset();
        return firstUnstable < 0 ? highWatermark : Math.min(firstUnstable, highWatermark);
    }

    // ---------------------------------------------------------------- produce

    /**
     * Checks a client's batch against its producer's state and stores it, rewriting its header with the offsets
     * it gets (and the append time for {@code LogAppendTime} topics).
     *
     * @param batchBytes the batch's bytes exactly, position to limit
     * @return the base offset, and whether the batch was a retry of one already stored (then nothing was written)
     * @throws org.apache.kafka.common.errors.ApiException for sequence, epoch and transaction-state violations
     */
    public AppendResult appendRecords(MutableRecordBatch batch, ByteBuffer batchBytes, long now) {
        BatchLog stored = stored();
        long duplicateOf = producers.check(batch);
        if (duplicateOf >= 0) {
            return new AppendResult(duplicateOf, true);
        }
        long baseOffset = stored.append(batch, batchBytes, topic.settings().timestampType(), now);
        producers.onDataBatch(batch, baseOffset, batch.lastOffset());
        notifyListeners();
        return new AppendResult(baseOffset, false);
    }

    /**
     * Writes a COMMIT or ABORT marker for a producer's transaction, closing it on this partition. The marker is a
     * control batch of its own and takes an offset, as in Kafka.
     *
     * @param epochMustGrow whether the coordinator bumped the epoch for this marker (transaction version 2)
     * @return the marker's offset
     */
    public long appendTransactionMarker(long producerId, short epoch, int coordinatorEpoch, boolean commit,
                                        boolean epochMustGrow, long now) {
        BatchLog stored = stored();
        producers.checkMarker(producerId, epoch, coordinatorEpoch, epochMustGrow);
        ControlRecordType type = commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT;
        MemoryRecords marker = MemoryRecords.withEndTransactionMarker(stored.nextOffset(), now, 0, producerId, epoch,
                new EndTransactionMarker(type, coordinatorEpoch));
        MutableRecordBatch batch = marker.batches().iterator().next();
        long offset = stored.append(batch, marker.buffer(), TimestampType.CREATE_TIME, now);
        onMarkerStored(producerId, epoch, coordinatorEpoch, commit, offset, now);
        notifyListeners();
        return offset;
    }

    private void onMarkerStored(long producerId, short epoch, int coordinatorEpoch, boolean commit, long offset,
                                long timestamp) {
        long firstOffset = producers.onMarker(producerId, epoch, coordinatorEpoch, timestamp);
        if (!commit && firstOffset >= 0) {
            abortedTransactions.add(new AbortedTransaction(producerId, firstOffset, offset));
        }
    }

    /** Whether the producer has written transactional records here that no marker has closed yet. */
    public boolean hasOpenTransaction(long producerId) {
        return storedIfAny() != null && producers.openTransactionFirstOffset(producerId) >= 0;
    }

    // ---------------------------------------------------------------- fetch

    /**
     * Checks that a consumer may fetch from {@code fetchOffset}: between the log start offset and the high
     * watermark, both included.
     *
     * @throws OffsetOutOfRangeException otherwise
     */
    public void checkFetchOffset(long fetchOffset) {
        long highWatermark = highWatermark();
        if (fetchOffset < logStartOffset || fetchOffset > highWatermark) {
            throw new OffsetOutOfRangeException("Fetch offset " + fetchOffset + " of " + id + " is outside "
                    + logStartOffset + ".." + highWatermark);
        }
    }

    /**
     * Reads whole batches from {@code fetchOffset} below the high watermark, or below the last stable offset for
     * read_committed, with the aborted transactions among them that a read_committed consumer must drop.
     */
    public FetchedRecords read(long fetchOffset, int maxBytes, boolean minOneBatch, boolean readCommitted) {
        return read(fetchOffset, maxBytes, minOneBatch, readCommitted, BatchLog::read);
    }

    /**
     * As {@link #read}, but with the batches copied onto the heap, for a caller that looks into them or sends only
     * some of them (share fetches).
     */
    public FetchedRecords readCopy(long fetchOffset, int maxBytes, boolean minOneBatch, boolean readCommitted) {
        return read(fetchOffset, maxBytes, minOneBatch, readCommitted, BatchLog::readCopy);
    }

    private FetchedRecords read(long fetchOffset, int maxBytes, boolean minOneBatch, boolean readCommitted,
                                BatchReader reader) {
        BatchLog stored = storedIfAny();
        if (stored == null || maxBytes <= 0) {
            return FetchedRecords.NONE;
        }
        long upperBound = readCommitted ? lastStableOffset() : highWatermark();
        BaseRecords records = reader.read(stored, fetchOffset, upperBound, maxBytes, minOneBatch);
        List<AbortedTransaction> aborted = readCommitted && records.sizeInBytes() > 0
                ? abortedTransactions.overlapping(fetchOffset, upperBound) : List.of();
        return new FetchedRecords(records, aborted);
    }

    /** {@link BatchLog#read} or {@link BatchLog#readCopy}. */
    @FunctionalInterface
    private interface BatchReader {
        BaseRecords read(BatchLog log, long fetchOffset, long upperBound, int maxBytes, boolean minOneBatch);
    }

    /** Bytes a fetch from {@code fetchOffset} would get, counted up to {@code enough}. */
    public long bytesAvailable(long fetchOffset, boolean readCommitted, long enough) {
        BatchLog stored = storedIfAny();
        if (stored == null) {
            return 0;
        }
        return stored.bytesFrom(fetchOffset, readCommitted ? lastStableOffset() : highWatermark(), enough);
    }

    // ---------------------------------------------------------------- list offsets

    /** The first record with a timestamp at least {@code timestamp} that the isolation level may see, or null. */
    public TimestampAndOffset offsetForTimestamp(long timestamp, boolean readCommitted) {
        BatchLog stored = storedIfAny();
        return stored == null ? null : visible(stored.offsetForTimestamp(timestamp), readCommitted);
    }

    /** The record with the largest timestamp that the isolation level may see, or null. */
    public TimestampAndOffset maxTimestamp(boolean readCommitted) {
        BatchLog stored = storedIfAny();
        return stored == null ? null : visible(stored.maxTimestamp(), readCommitted);
    }

    private TimestampAndOffset visible(TimestampAndOffset found, boolean readCommitted) {
        long bound = readCommitted ? lastStableOffset() : highWatermark();
        return found != null && found.offset() < bound ? found : null;
    }

    // ---------------------------------------------------------------- log start offset

    /**
     * DeleteRecords: moves the log start offset up to {@code offset} (never down).
     *
     * @return the new log start offset (the low watermark)
     * @throws OffsetOutOfRangeException for an offset above the high watermark
     */
    public long deleteRecordsBefore(long offset) {
        long highWatermark = highWatermark();
        if (offset < 0 || offset > highWatermark) {
            throw new OffsetOutOfRangeException("Cannot delete records of " + id + " before offset " + offset
                    + ": the high watermark is " + highWatermark);
        }
        advanceLogStartOffset(offset);
        return logStartOffset;
    }

    /**
     * Applies the topic's {@code retention.ms} and {@code retention.bytes} if its cleanup policy includes
     * {@code delete}; returns whether the log start offset moved.
     */
    public boolean applyRetention(long now) {
        TopicConfigs.Settings settings = topic.settings();
        BatchLog stored = storedIfAny();
        if (!settings.deletePolicy() || stored == null) {
            return false;
        }
        long start = stored.retentionStart(settings.retentionMs(), settings.retentionBytes(), now, highWatermark());
        return advanceLogStartOffset(start);
    }

    private boolean advanceLogStartOffset(long offset) {
        if (offset <= logStartOffset) {
            return false;
        }
        logStartOffset = offset;
        BatchLog stored = storedIfAny();
        if (stored != null) {
            stored.trimBefore(offset);
        }
        abortedTransactions.trimBefore(offset);
        registry.persistLogStartOffset(this);
        return true;
    }

    // ---------------------------------------------------------------- compaction

    /**
     * The compaction pass this partition's log is due for, or null when its topic is not compacted, it stored
     * nothing or it is clean enough. Forced, the active segment is rolled first and whatever can be cleaned is.
     */
    Compaction planCompaction(long now, boolean force) {
        TopicConfigs.Settings settings = topic.settings();
        BatchLog stored = storedIfAny();
        if (!settings.compactPolicy() || stored == null) {
            return null;
        }
        if (force) {
            stored.rollNow();
        }
        return Compaction.plan(stored, new Compaction.Settings(settings.deleteRetentionMs(), settings.minCompactionLagMs(),
                settings.maxCompactionLagMs(), settings.minCleanableDirtyRatio()), compactionView, now, lastStableOffset(), force);
    }

    private final Compaction.Transactions compactionView = new Compaction.Transactions() {
        @Override
        public List<Compaction.AbortedTransaction> abortedBetween(long from, long to) {
            List<Compaction.AbortedTransaction> found = new ArrayList<>();
            for (AbortedTransaction aborted : abortedTransactions.overlapping(from, to)) {
                found.add(new Compaction.AbortedTransaction(aborted.producerId(), aborted.firstOffset()));
            }
            return found;
        }

        @Override
        public Map<Long, Compaction.LastRecord> lastRecordsOfActiveProducers() {
            return producers.lastRecords();
        }
    };

    // ---------------------------------------------------------------- producers

    /** The producers that wrote here, as DescribeProducers reports them. */
    public List<ProducerDescription> producers() {
        return storedIfAny() == null ? List.of() : producers.describe();
    }

    // ---------------------------------------------------------------- listeners

    /** Tells {@code listener} about every append, marker and deletion of this partition until removed. */
    public void addListener(PartitionListener listener) {
        listeners.add(listener);
    }

    public void removeListener(PartitionListener listener) {
        listeners.remove(listener);
    }

    void notifyListeners() {
        if (listeners.isEmpty()) {
            return;
        }
        // a listener that is answered removes itself (and may add others): iterate over a snapshot
        for (PartitionListener listener : listeners.toArray(new PartitionListener[0])) {
            listener.onPartitionChanged(this);
        }
    }

    // ---------------------------------------------------------------- storage

    private BatchLog stored() {
        if (log == null) {
            log = registry.open(this, this::replay);
        }
        return log;
    }

    private BatchLog storedIfAny() {
        if (log == null && !knownEmpty) {
            if (registry.hasStoredBatches(this)) {
                return stored();
            }
            knownEmpty = true;
        }
        return log;
    }

    /** Rebuilds producer state and the aborted-transaction index from a stored batch while the log opens. */
    private void replay(RecordBatch batch) {
        if (batch.isControlBatch()) {
            if (batch.hasProducerId()) {
                ControlRecordType type = ControlRecordType.parse(batch.iterator().next().key());
                if (type == ControlRecordType.COMMIT || type == ControlRecordType.ABORT) {
                    EndTransactionMarker marker = EndTransactionMarker.deserialize(batch.iterator().next());
                    onMarkerStored(batch.producerId(), batch.producerEpoch(), marker.coordinatorEpoch(),
                            type == ControlRecordType.COMMIT, batch.baseOffset(), batch.maxTimestamp());
                }
            }
        } else {
            producers.onDataBatch(batch, batch.baseOffset(), batch.lastOffset());
        }
    }

    /** Lets go of the stored batches (the registry closes the store); the partition must not be used after. */
    void close() {
        log = null;
    }

    /** Removes the stored batches for good, telling listeners the partition is gone. */
    void delete() {
        registry.deleteStore(this, log);
        log = null;
        notifyListeners();
    }

    /** The outcome of {@link #appendRecords}. */
    public record AppendResult(long baseOffset, boolean duplicate) {
    }

    /** What a fetch of one partition returns: stored batches and the aborted transactions among them. */
    public record FetchedRecords(BaseRecords records, List<AbortedTransaction> abortedTransactions) {
        static final FetchedRecords NONE = new FetchedRecords(MemoryRecords.EMPTY, List.of());
    }
}
