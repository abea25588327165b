package io.kafkalite.log;

import java.nio.ByteBuffer;
import java.util.Iterator;

import org.agrona.collections.IntArrayList;
import org.agrona.collections.LongArrayList;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * One partition's log: record batches stored exactly as produced, one entry each, with broker-assigned dense
 * offsets. An in-memory index (rebuilt on open) maps offsets to entries, so fetches copy stored bytes without
 * decoding them.
 *
 * <p>Retention and DeleteRecords only move the log start offset; reads never return batches wholly below it.
 */
public final class PartitionLog implements AutoCloseable {

    private final EntryStore store;

    // The index: one slot per stored batch, in offset order.
    private final LongArrayList baseOffsets = new LongArrayList();
    private final LongArrayList lastOffsets = new LongArrayList();
    private final LongArrayList maxTimestamps = new LongArrayList();
    private final LongArrayList addresses = new LongArrayList();
    private final IntArrayList sizes = new IntArrayList();

    /** First index slot that still holds offsets at or above the log start offset. */
    private int firstRetained;
    private long retainedBytes;
    private long logStartOffset;
    private long logEndOffset;

    private PartitionLog(EntryStore store, long logStartOffset) {
        this.store = store;
        this.logStartOffset = logStartOffset;
        this.logEndOffset = logStartOffset;
    }

    /**
     * Opens a log over {@code store}, indexing the batches it already holds.
     *
     * @param logStartOffset the persisted log start offset (0 for a new partition)
     * @param visitor sees every stored batch header in order, e.g. to rebuild producer state; may be null
     */
    public static PartitionLog open(EntryStore store, long logStartOffset, BatchVisitor visitor) {
        PartitionLog log = new PartitionLog(store, logStartOffset);
        store.forEach((address, entry) -> {
            RecordBatch batch = asBatch(entry);
            log.index(address, batch.baseOffset(), batch.lastOffset(), batch.maxTimestamp(), entry.remaining());
            if (visitor != null) {
                visitor.visit(batch);
            }
        });
        log.logEndOffset = Math.max(log.logEndOffset, log.lastOffsets.isEmpty() ? 0 : log.lastOffsets.getLong(log.lastOffsets.size() - 1) + 1);
        log.advanceFirstRetained();
        return log;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    /** The offset the next appended record gets; also the high watermark on a single node. */
    public long logEndOffset() {
        return logEndOffset;
    }

    /**
     * Assigns offsets to {@code batch} (and the append time for {@code LOG_APPEND_TIME} topics), rewriting
     * its header in place, and stores it.
     *
     * @param batchBytes the batch's bytes exactly, position to limit
     * @return the base offset assigned
     */
    public long append(MutableRecordBatch batch, ByteBuffer batchBytes, TimestampType timestampType, long now) {
        long baseOffset = logEndOffset;
        int lastOffsetDelta = (int) (batch.lastOffset() - batch.baseOffset());
        batch.setLastOffset(baseOffset + lastOffsetDelta);
        batch.setPartitionLeaderEpoch(0);
        if (timestampType == TimestampType.LOG_APPEND_TIME) {
            batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, now);
        }
        long address = store.append(batchBytes);
        index(address, baseOffset, baseOffset + lastOffsetDelta, batch.maxTimestamp(), batchBytes.remaining());
        logEndOffset = baseOffset + lastOffsetDelta + 1;
        return baseOffset;
    }

    private void index(long address, long baseOffset, long lastOffset, long maxTimestamp, int size) {
        addresses.addLong(address);
        baseOffsets.addLong(baseOffset);
        lastOffsets.addLong(lastOffset);
        maxTimestamps.addLong(maxTimestamp);
        sizes.addInt(size);
        retainedBytes += size;
    }

    /**
     * Reads whole batches starting with the one that holds {@code fetchOffset}, up to {@code maxBytes}; the first
     * batch is returned even when larger if {@code minOneBatch} (KIP-74), so a consumer never gets stuck.
     */
    public MemoryRecords read(long fetchOffset, int maxBytes, boolean minOneBatch) {
        int first = slotHolding(fetchOffset);
        if (first < 0) {
            return MemoryRecords.EMPTY;
        }
        int total = 0;
        int count = 0;
        for (int i = first; i < addresses.size(); i++) {
            int size = sizes.getInt(i);
            if (total + size > maxBytes && !(count == 0 && minOneBatch)) {
                break;
            }
            total += size;
            count++;
        }
        if (count == 0) {
            return MemoryRecords.EMPTY;
        }
        ByteBuffer buffer = ByteBuffer.allocate(total);
        store.readConsecutive(addresses.getLong(first), count, buffer);
        return MemoryRecords.readableRecords(buffer.flip());
    }

    /**
     * Bytes available from {@code fetchOffset}, counted in whole batches, up to the first count that reaches
     * {@code enough} (a long-poll only needs to know whether its minimum is met).
     */
    public long bytesFrom(long fetchOffset, long enough) {
        int first = slotHolding(fetchOffset);
        if (first < 0) {
            return 0;
        }
        long total = 0;
        for (int i = first; i < sizes.size() && total < enough; i++) {
            total += sizes.getInt(i);
        }
        return total;
    }

    /** Index slot of the batch holding {@code offset} (or the next batch after it), or -1 at the end of the log. */
    private int slotHolding(long offset) {
        int low = firstRetained;
        int high = lastOffsets.size() - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (lastOffsets.getLong(mid) >= offset) {
                found = mid;
                high = mid - 1;
            } else {
                low = mid + 1;
            }
        }
        return found;
    }

    /** The first record at or above the log start offset whose timestamp is at least {@code timestamp}. */
    public TimestampAndOffset offsetForTimestamp(long timestamp) {
        for (int i = firstRetained; i < maxTimestamps.size(); i++) {
            if (maxTimestamps.getLong(i) >= timestamp) {
                TimestampAndOffset found = findRecord(i, timestamp, false);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** The record with the largest timestamp (the first of equals), or null for an empty log. */
    public TimestampAndOffset maxTimestamp() {
        int best = -1;
        for (int i = firstRetained; i < maxTimestamps.size(); i++) {
            if (best < 0 || maxTimestamps.getLong(i) > maxTimestamps.getLong(best)) {
                best = i;
            }
        }
        return best < 0 ? null : findRecord(best, maxTimestamps.getLong(best), true);
    }

    private TimestampAndOffset findRecord(int slot, long timestamp, boolean exact) {
        ByteBuffer buffer = ByteBuffer.allocate(sizes.getInt(slot));
        store.readConsecutive(addresses.getLong(slot), 1, buffer);
        RecordBatch batch = asBatch(buffer.flip());
        if (batch.timestampType() == TimestampType.LOG_APPEND_TIME) {
            long offset = Math.max(batch.baseOffset(), logStartOffset);
            return offset <= batch.lastOffset() ? new TimestampAndOffset(batch.maxTimestamp(), offset) : null;
        }
        Iterator<Record> records = batch.iterator();
        while (records.hasNext()) {
            Record record = records.next();
            if (record.offset() >= logStartOffset
                    && (exact ? record.timestamp() == timestamp : record.timestamp() >= timestamp)) {
                return new TimestampAndOffset(record.timestamp(), record.offset());
            }
        }
        return null;
    }

    private static RecordBatch asBatch(ByteBuffer entry) {
        return MemoryRecords.readableRecords(entry).batches().iterator().next();
    }

    /** Moves the log start offset up to {@code offset} (never down, never past the end); returns the new one. */
    public long advanceLogStartOffset(long offset) {
        if (offset > logStartOffset) {
            logStartOffset = Math.min(offset, logEndOffset);
            advanceFirstRetained();
        }
        return logStartOffset;
    }

    /**
     * Applies time and size retention as Kafka does per segment, here per batch: drops the oldest batches whose
     * newest record is older than {@code retentionMs}, then the oldest while the rest alone still exceeds
     * {@code retentionBytes}. Negative limits disable a rule. Returns true if the log start offset moved.
     */
    public boolean applyRetention(long retentionMs, long retentionBytes, long now) {
        long before = logStartOffset;
        int slot = firstRetained;
        long remaining = retainedBytes;
        while (slot < addresses.size()) {
            boolean expired = retentionMs >= 0 && maxTimestamps.getLong(slot) < now - retentionMs;
            boolean oversize = retentionBytes >= 0 && remaining - sizes.getInt(slot) >= retentionBytes;
            if (!expired && !oversize) {
                break;
            }
            remaining -= sizes.getInt(slot);
            slot++;
        }
        if (slot > firstRetained) {
            advanceLogStartOffset(slot < addresses.size() ? baseOffsets.getLong(slot) : logEndOffset);
        }
        return logStartOffset != before;
    }

    private void advanceFirstRetained() {
        while (firstRetained < lastOffsets.size() && lastOffsets.getLong(firstRetained) < logStartOffset) {
            retainedBytes -= sizes.getInt(firstRetained);
            firstRetained++;
        }
    }

    /** Closes the log and removes its stored batches. */
    public void delete() {
        store.delete();
    }

    @Override
    public void close() {
        store.close();
    }

    /** A record's timestamp and offset, as ListOffsets reports them. */
    public record TimestampAndOffset(long timestamp, long offset) {
    }

    /** Sees each stored batch when a log is opened. */
    @FunctionalInterface
    public interface BatchVisitor {
        void visit(RecordBatch batch);
    }
}
