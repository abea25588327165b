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
 * The stored record batches of one partition: each batch exactly as produced, one entry each, with
 * broker-assigned dense offsets. An in-memory index (rebuilt on open) maps offsets to entries, so fetches copy
 * stored bytes without decoding them.
 *
 * <p>The batches and their index are all this class knows; the log start offset, the stable offset and producer
 * state belong to the partition that owns it ({@code io.kafkalite.partition.Partition}), which tells it what to
 * {@link #trimBefore trim}.
 */
public final class BatchLog implements AutoCloseable {

    private final EntryStore store;

    // The index: one slot per stored batch, in offset order.
    private final LongArrayList baseOffsets = new LongArrayList();
    private final LongArrayList lastOffsets = new LongArrayList();
    private final LongArrayList maxTimestamps = new LongArrayList();
    private final LongArrayList addresses = new LongArrayList();
    private final IntArrayList sizes = new IntArrayList();

    /** First index slot that still holds offsets at or above the trim point. */
    private int firstRetained;
    private long retainedBytes;
    private long trimmedBefore;
    private long nextOffset;

    private BatchLog(EntryStore store, long startOffset) {
        this.store = store;
        this.trimmedBefore = startOffset;
        this.nextOffset = startOffset;
    }

    /**
     * Opens a log over {@code store}, indexing the batches it already holds.
     *
     * @param startOffset the partition's log start offset: batches wholly below it are not served, and an empty
     *     log starts numbering there
     * @param visitor sees every stored batch in order, e.g. to rebuild producer state
     */
    public static BatchLog open(EntryStore store, long startOffset, BatchVisitor visitor) {
        BatchLog log = new BatchLog(store, startOffset);
        store.forEach((address, entry) -> {
            RecordBatch batch = asBatch(entry);
            log.index(address, batch.baseOffset(), batch.lastOffset(), batch.maxTimestamp(), entry.remaining());
            visitor.visit(batch);
        });
        if (!log.lastOffsets.isEmpty()) {
            log.nextOffset = Math.max(log.nextOffset, log.lastOffsets.getLong(log.lastOffsets.size() - 1) + 1);
        }
        log.advanceFirstRetained();
        return log;
    }

    /** The offset the next appended record gets: the log end offset. */
    public long nextOffset() {
        return nextOffset;
    }

    /**
     * Assigns offsets to {@code batch} (and the append time for {@code LOG_APPEND_TIME} topics), rewriting
     * its header in place, and stores it.
     *
     * @param batchBytes the batch's bytes exactly, position to limit
     * @return the base offset assigned
     */
    public long append(MutableRecordBatch batch, ByteBuffer batchBytes, TimestampType timestampType, long now) {
        long baseOffset = nextOffset;
        int lastOffsetDelta = (int) (batch.lastOffset() - batch.baseOffset());
        batch.setLastOffset(baseOffset + lastOffsetDelta);
        batch.setPartitionLeaderEpoch(0);
        if (timestampType == TimestampType.LOG_APPEND_TIME) {
            batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, now);
        }
        long address = store.append(batchBytes);
        index(address, baseOffset, baseOffset + lastOffsetDelta, batch.maxTimestamp(), batchBytes.remaining());
        nextOffset = baseOffset + lastOffsetDelta + 1;
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
     * Reads whole batches starting with the one that holds {@code fetchOffset} and ending before
     * {@code upperBound} (the high watermark, or the last stable offset for read_committed), up to
     * {@code maxBytes}; the first batch is returned even when larger if {@code minOneBatch} (KIP-74), so a
     * consumer never gets stuck.
     */
    public MemoryRecords read(long fetchOffset, long upperBound, int maxBytes, boolean minOneBatch) {
        int first = slotHolding(fetchOffset);
        if (first < 0) {
            return MemoryRecords.EMPTY;
        }
        int total = 0;
        int count = 0;
        for (int i = first; i < addresses.size() && baseOffsets.getLong(i) < upperBound; i++) {
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
     * Bytes available from {@code fetchOffset} below {@code upperBound}, counted in whole batches, up to the first
     * count that reaches {@code enough} (a long-poll only needs to know whether its minimum is met).
     */
    public long bytesFrom(long fetchOffset, long upperBound, long enough) {
        int first = slotHolding(fetchOffset);
        if (first < 0) {
            return 0;
        }
        long total = 0;
        for (int i = first; i < sizes.size() && total < enough && baseOffsets.getLong(i) < upperBound; i++) {
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

    /** The first retained record whose timestamp is at least {@code timestamp}. */
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
            long offset = Math.max(batch.baseOffset(), trimmedBefore);
            return offset <= batch.lastOffset() ? new TimestampAndOffset(batch.maxTimestamp(), offset) : null;
        }
        Iterator<Record> records = batch.iterator();
        while (records.hasNext()) {
            Record record = records.next();
            if (record.offset() >= trimmedBefore
                    && (exact ? record.timestamp() == timestamp : record.timestamp() >= timestamp)) {
                return new TimestampAndOffset(record.timestamp(), record.offset());
            }
        }
        return null;
    }

    private static RecordBatch asBatch(ByteBuffer entry) {
        return MemoryRecords.readableRecords(entry).batches().iterator().next();
    }

    /** Stops serving batches wholly below {@code offset} (the partition's new log start offset). */
    public void trimBefore(long offset) {
        if (offset > trimmedBefore) {
            trimmedBefore = offset;
            nextOffset = Math.max(nextOffset, offset);
            advanceFirstRetained();
        }
    }

    /**
     * Where the log would start after time and size retention, as Kafka applies it per segment and here per
     * batch: past the oldest batches whose newest record is older than {@code retentionMs}, then past the oldest
     * while the rest alone still exceeds {@code retentionBytes}, never past {@code limit}. Negative limits
     * disable a rule.
     */
    public long retentionStart(long retentionMs, long retentionBytes, long now, long limit) {
        int slot = firstRetained;
        long remaining = retainedBytes;
        while (slot < addresses.size() && lastOffsets.getLong(slot) < limit) {
            boolean expired = retentionMs >= 0 && maxTimestamps.getLong(slot) < now - retentionMs;
            boolean oversize = retentionBytes >= 0 && remaining - sizes.getInt(slot) >= retentionBytes;
            if (!expired && !oversize) {
                break;
            }
            remaining -= sizes.getInt(slot);
            slot++;
        }
        if (slot == firstRetained) {
            return trimmedBefore;
        }
        return slot < addresses.size() ? baseOffsets.getLong(slot) : nextOffset;
    }

    private void advanceFirstRetained() {
        while (firstRetained < lastOffsets.size() && lastOffsets.getLong(firstRetained) < trimmedBefore) {
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
