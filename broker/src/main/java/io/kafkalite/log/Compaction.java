package io.kafkalite.log;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecords.RecordFilter.BatchRetention;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One compaction pass over one partition's log, with the semantics of Kafka's log cleaner: the latest record of
 * each key is kept with its offset, older ones go; a tombstone (a key with no value) stays for
 * {@code delete.retention.ms} after the pass that first kept it, then goes; records of aborted transactions go and
 * transaction markers follow once their transaction's records are gone (and their delete horizon passed); the last
 * batch of each active producer stays, emptied if need be, so producer state rebuilt from the log stays right;
 * keyless records go. The active segment, anything at or past the last stable offset and anything younger than
 * {@code min.compaction.lag.ms} is never cleaned.
 *
 * <p>A pass first maps each key of the dirty part of the log (written since the last pass) to its latest offset,
 * then recopies every batch from the log start to the end of that part. Kafka's {@code MemoryRecords.filterTo}
 * decides which records of a batch stay; a batch that changed is written again to the store and replaces the old one
 * in the index with the same offsets. The pass works in slices of a few milliseconds on the broker loop, keeping
 * its place by offset, so requests are served in between; what a slice leaves is a consistent log.
 */
public final class Compaction {

    private static final Logger LOG = LoggerFactory.getLogger(Compaction.class);
    /** Keys the offset map holds at most per pass (Kafka bounds it with log.cleaner.dedupe.buffer.size). */
    private static final long MAX_MAPPED_KEY_BYTES = 64L << 20;
    private static final int LAST_OFFSET_DELTA_AT = 23;
    private static final int MAX_TIMESTAMP_AT = 35;

    private final BatchLog log;
    private final Settings settings;
    private final Transactions transactions;
    private final long now;
    private final long firstDirty;
    private final long firstUncleanable;
    private final double cleanableRatio;
    private final Map<ByteBuffer, Long> latestOffsetByKey = new HashMap<>();
    private final BufferSupplier decompression = BufferSupplier.create();
    private long mappedKeyBytes;
    private boolean mapping = true;
    private long cursor;
    private long endOffset;
    private CleanedTransactions cleaned;
    private Map<Long, LastRecord> lastRecordsOfActiveProducers;
    private ByteBuffer output = ByteBuffer.allocate(16 * 1024);
    private final long startedNanos = System.nanoTime();
    private long batchesRead;
    private long batchesRewritten;
    private long batchesRemoved;
    private long bytesBefore;
    private long bytesAfter;

    private Compaction(BatchLog log, Settings settings, Transactions transactions, long now, long firstDirty,
                       long firstUncleanable, double cleanableRatio) {
        this.log = log;
        this.settings = settings;
        this.transactions = transactions;
        this.now = now;
        this.firstDirty = firstDirty;
        this.firstUncleanable = firstUncleanable;
        this.cleanableRatio = cleanableRatio;
        this.cursor = firstDirty;
        this.endOffset = firstDirty;
        this.cleaned = new CleanedTransactions(transactions.abortedBetween(firstDirty, firstUncleanable));
    }

    /**
     * The pass {@code log} is due for, or null: Kafka's rule is that the dirty share of the cleanable log exceeds
     * {@code min.cleanable.dirty.ratio}, or some dirty record is older than {@code max.compaction.lag.ms}.
     *
     * @param lastStableOffset nothing at or past it is cleaned (an open transaction may still abort)
     * @param force clean whatever can be cleaned, however little is dirty: even a clean log is recopied, so that
     *     tombstones and markers whose delete horizon passed go
     */
    public static Compaction plan(BatchLog log, Settings settings, Transactions transactions, long now,
                                  long lastStableOffset, boolean force) {
        if (log.isDeleted()) {
            return null;
        }
        long logStart = log.trimmedBefore();
        long firstDirty = log.cleanedUpTo();
        if (firstDirty > log.nextOffset()) {
            firstDirty = logStart;
        }
        int active = log.segmentCount() - 1;
        long uncleanable = Math.min(lastStableOffset, log.segmentBase(active));
        int firstDirtySegment = segmentHolding(log, firstDirty);
        if (settings.minCompactionLagMs() > 0) {
            for (int s = firstDirtySegment; s < active; s++) {
                if (segmentMaxTimestamp(log, s) > now - settings.minCompactionLagMs()) {
                    uncleanable = Math.min(uncleanable, log.segmentBase(s));
                    break;
                }
            }
        }
        uncleanable = Math.max(firstDirty, uncleanable);
        long uncleanableSegmentBase = log.segmentBase(segmentHolding(log, uncleanable));
        long cleanBytes = log.bytesBetween(logStart, firstDirty);
        long cleanableBytes = log.bytesBetween(firstDirty, Math.max(firstDirty, uncleanableSegmentBase));
        if (force) {
            return log.bytesBetween(logStart, uncleanable) > 0
                    ? new Compaction(log, settings, transactions, now, firstDirty, uncleanable, 1.0) : null;
        }
        if (cleanBytes + cleanableBytes == 0) {
            return null;
        }
        double ratio = (double) cleanableBytes / (cleanBytes + cleanableBytes);
        boolean lagExceeded = false;
        for (int s = firstDirtySegment; s < active && !lagExceeded; s++) {
            long firstTimestamp = segmentFirstTimestamp(log, s);
            lagExceeded = firstTimestamp > 0 && firstTimestamp < now - Math.max(0, settings.maxCompactionLagMs());
        }
        if ((lagExceeded && cleanableBytes > 0) || ratio > settings.minCleanableDirtyRatio()) {
            return new Compaction(log, settings, transactions, now, firstDirty, uncleanable, ratio);
        }
        return null;
    }

    private static int segmentHolding(BatchLog log, long offset) {
        int segment = 0;
        while (segment + 1 < log.segmentCount() && log.segmentBase(segment + 1) <= offset) {
            segment++;
        }
        return segment;
    }

    private static long segmentMaxTimestamp(BatchLog log, int segment) {
        long end = segment + 1 < log.segmentCount() ? log.segmentBase(segment + 1) : Long.MAX_VALUE;
        long max = -1;
        for (int i = log.slotFrom(log.segmentBase(segment)); i < log.slotCount() && log.baseOffset(i) < end; i++) {
            if (!log.isRemoved(i)) {
                max = Math.max(max, log.maxTimestamp(i));
            }
        }
        return max;
    }

    private static long segmentFirstTimestamp(BatchLog log, int segment) {
        long end = segment + 1 < log.segmentCount() ? log.segmentBase(segment + 1) : Long.MAX_VALUE;
        for (int i = log.slotFrom(log.segmentBase(segment)); i < log.slotCount() && log.baseOffset(i) < end; i++) {
            if (!log.isRemoved(i)) {
                return log.maxTimestamp(i);
            }
        }
        return -1;
    }

    public BatchLog log() {
        return log;
    }

    /** The dirty share of the cleanable log when the pass was planned (Kafka picks the filthiest log first). */
    public double cleanableRatio() {
        return cleanableRatio;
    }

    /**
     * Works on the pass until done or {@code deadlineNanos} ({@link Deadlines}) passed, whichever comes first.
     *
     * @return whether the pass is over
     */
    public boolean run(long deadlineNanos) {
        while (true) {
            if (log.isDeleted()) {
                return true;
            }
            boolean more = mapping ? mapNext() : recopyNext();
            if (!more) {
                if (mapping) {
                    startRecopy();
                } else {
                    finish();
                    return true;
                }
            }
            if (Deadlines.passed(deadlineNanos)) {
                return false;
            }
        }
    }

    /** Maps the keys of the next dirty batch; returns false when the dirty part is mapped (or the map is full). */
    private boolean mapNext() {
        int slot = nextSlot(firstUncleanable);
        if (slot < 0) {
            endOffset = Math.max(endOffset, firstUncleanable);
            return false;
        }
        MutableRecordBatch batch = log.batchAt(slot);
        cursor = batch.lastOffset() + 1;
        if (batch.isControlBatch()) {
            cleaned.onControlBatch(batch);
        } else if (!cleaned.onDataBatch(batch)) {
            try (CloseableIterator<Record> records = batch.streamingIterator(decompression)) {
                while (records.hasNext()) {
                    Record record = records.next();
                    if (record.hasKey() && record.offset() >= firstDirty) {
                        ByteBuffer key = record.key();
                        if (mappedKeyBytes + key.remaining() > MAX_MAPPED_KEY_BYTES && !latestOffsetByKey.isEmpty()) {
                            // the map is full: this pass cleans up to here, the next one goes on from here
                            endOffset = batch.baseOffset();
                            return false;
                        }
                        ByteBuffer copy = ByteBuffer.allocate(key.remaining()).put(key).flip();
                        if (latestOffsetByKey.put(copy, record.offset()) == null) {
                            mappedKeyBytes += copy.capacity();
                        }
                    }
                }
            }
        }
        endOffset = cursor;
        return true;
    }

    private void startRecopy() {
        mapping = false;
        cursor = log.trimmedBefore();
        cleaned = new CleanedTransactions(transactions.abortedBetween(cursor, endOffset));
        lastRecordsOfActiveProducers = transactions.lastRecordsOfActiveProducers();
    }

    /** The next live slot at or after the cursor that starts below {@code bound}, or -1. */
    private int nextSlot(long bound) {
        int slot = log.slotFrom(cursor);
        while (slot < log.slotCount() && log.isRemoved(slot)) {
            slot++;
        }
        if (slot >= log.slotCount() || log.baseOffset(slot) >= bound) {
            return -1;
        }
        return slot;
    }

    /** Cleans the next batch below the end offset; returns false when there is none. */
    private boolean recopyNext() {
        int slot = nextSlot(endOffset);
        if (slot < 0) {
            return false;
        }
        long baseOffset = log.baseOffset(slot);
        cursor = log.lastOffset(slot) + 1;
        int size = log.size(slot);
        ByteBuffer stored = log.store().view(log.address(slot), size);
        if (output.capacity() < size) {
            output = ByteBuffer.allocate(Math.max(size, output.capacity() * 2));
        }
        output.clear();
        MemoryRecords.FilterResult result = MemoryRecords.readableRecords(stored)
                .filterTo(new CleanerFilter(), output, decompression, Integer.MAX_VALUE);
        ByteBuffer filtered = result.outputBuffer().flip();
        output = result.outputBuffer();
        batchesRead++;
        bytesBefore += size;
        if (filtered.remaining() == 0) {
            log.remove(slot);
            batchesRemoved++;
        } else if (!filtered.equals(stored)) {
            long lastOffset = filtered.getLong(0) + filtered.getInt(LAST_OFFSET_DELTA_AT);
            if (filtered.getLong(0) != baseOffset || lastOffset != log.lastOffset(slot)) {
                throw new IllegalStateException("compaction changed the offsets of a batch of " + log.key());
            }
            log.replace(slot, filtered, filtered.getLong(MAX_TIMESTAMP_AT));
            batchesRewritten++;
            bytesAfter += filtered.remaining();
        } else {
            bytesAfter += size;
        }
        return true;
    }

    private void finish() {
        log.cleanedUpTo(Math.max(log.cleanedUpTo(), endOffset));
        decompression.close();
        LOG.debug("Compacted {} below offset {}: {} batches read, {} rewritten, {} removed, {} -> {} bytes in {} ms",
                log.key(), endOffset, batchesRead, batchesRewritten, batchesRemoved, bytesBefore, bytesAfter,
                (System.nanoTime() - startedNanos) / 1_000_000);
    }

    /** Kafka's cleaner filter: what stays of each batch. */
    private final class CleanerFilter extends MemoryRecords.RecordFilter {
        private boolean discardBatchRecords;

        CleanerFilter() {
            super(now, settings.deleteRetentionMs());
        }

        @Override
        protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
            // markers are kept like tombstones, and never before every record of their transaction is gone
            boolean canDiscardBatch = batch.isControlBatch() ? cleaned.onControlBatch(batch) : cleaned.onDataBatch(batch);
            if (batch.isControlBatch()) {
                discardBatchRecords = canDiscardBatch && batch.deleteHorizonMs().isPresent()
                        && batch.deleteHorizonMs().getAsLong() <= now;
            } else {
                discardBatchRecords = canDiscardBatch;
            }
            LastRecord last = lastRecordsOfActiveProducers.get(batch.producerId());
            boolean lastOfProducer = last != null && (last.lastDataOffset() >= 0
                    ? batch.lastOffset() == last.lastDataOffset()
                    : batch.isControlBatch() && batch.producerEpoch() == last.producerEpoch());
            BatchRetention retention;
            if (batch.hasProducerId() && lastOfProducer) {
                retention = BatchRetention.RETAIN_EMPTY; // its producer's sequence and epoch must survive
            } else if (batch.nextOffset() == endOffset) {
                retention = BatchRetention.RETAIN_EMPTY; // the end of the cleaned part keeps its offset
            } else if (discardBatchRecords) {
                retention = BatchRetention.DELETE;
            } else {
                retention = BatchRetention.DELETE_EMPTY;
            }
            return new BatchRetentionResult(retention, canDiscardBatch && batch.isControlBatch());
        }

        @Override
        protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
            if (discardBatchRecords) {
                return false;
            }
            if (batch.isControlBatch()) {
                return true;
            }
            if (record.offset() >= endOffset) {
                return true;
            }
            if (!record.hasKey()) {
                return false; // a compacted topic has no use for keyless records
            }
            Long latest = latestOffsetByKey.get(record.key());
            boolean latestForKey = latest == null || record.offset() >= latest;
            boolean retainTombstone = batch.deleteHorizonMs().isEmpty() || now < batch.deleteHorizonMs().getAsLong();
            return latestForKey && (record.hasValue() || retainTombstone);
        }
    }

    /** The topic configs a pass follows. */
    public record Settings(long deleteRetentionMs, long minCompactionLagMs, long maxCompactionLagMs,
                           double minCleanableDirtyRatio) {
    }

    /** An aborted transaction: its producer and first offset. */
    public record AbortedTransaction(long producerId, long firstOffset) {
    }

    /** A producer's last data batch's last offset (-1 when it has written only markers since) and its epoch. */
    public record LastRecord(long lastDataOffset, short producerEpoch) {
    }

    /** What a pass needs to know about the partition's transactions and producers, which the partition owns. */
    public interface Transactions {
        /** Aborted transactions whose records lie in [{@code from}, {@code to}), by first offset. */
        List<AbortedTransaction> abortedBetween(long from, long to);

        /** The producers whose state must survive the pass, by producer id. */
        Map<Long, LastRecord> lastRecordsOfActiveProducers();
    }
}
