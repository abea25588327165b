package io.kafkalite.log;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;

import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * The stored record batches of one partition: each batch exactly as produced, with broker-assigned dense offsets,
 * kept in the shared {@link BatchStore}, and the in-memory index of this partition's batches (one slot per batch:
 * offsets, largest timestamp, address, size). Fetches are answered from the index and the stored bytes without
 * decoding them.
 *
 * <p>The log is divided into segments by offset, as Kafka's is, only for compaction: a segment rolls when it holds
 * {@code segment.bytes} or is older than {@code segment.ms}, and the newest (active) segment is never cleaned.
 * Compaction leaves the batches' offsets as they were: a cleaned batch keeps its slot, an emptied one loses it, and
 * readers skip the gaps.
 *
 * <p>The batches and their index are all this class knows; the log start offset, the stable offset and producer
 * state belong to the partition that owns it ({@code io.kafkalite.partition.Partition}), which tells it what to
 * {@link #trimBefore trim}. Not thread-safe: it belongs to the broker loop thread.
 */
public final class BatchLog {

    private static final int REMOVED = -1;
    /** Kafka's record batch header: where the fields this index needs are. */
    private static final int LAST_OFFSET_DELTA_AT = 23;
    private static final int MAX_TIMESTAMP_AT = 35;

    private final PartitionKey key;
    private final BatchStore store;
    private SegmentPolicy segmentPolicy = SegmentPolicy.NEVER_ROLL;

    // The index: one slot per stored batch, in offset order; a batch compaction emptied has size REMOVED.
    private long[] baseOffsets = new long[4];
    private long[] lastOffsets = new long[4];
    private long[] maxTimestamps = new long[4];
    private long[] addresses = new long[4];
    private int[] sizes = new int[4];
    private int slots;
    private int removedSlots;

    /** First slot that still holds offsets at or above the trim point. */
    private int firstRetained;
    private long retainedBytes;
    private long trimmedBefore;
    private long nextOffset;

    // Segments (for compaction): base offsets in order, the last one active.
    private long[] segmentBases = {0};
    private int segmentCount = 1;
    private long activeSegmentBytes;
    /** When the active segment started: its first batch's largest timestamp, or the broker time if it had none. */
    private long activeSegmentRollBase = -1;
    private boolean rollBaseIsRecordTime;
    /** Compaction has cleaned everything below this offset (Kafka's cleaner checkpoint, the first dirty offset). */
    private long cleanedUpTo;
    private boolean deleted;

    BatchLog(PartitionKey key, BatchStore store, long startOffset) {
        this.key = key;
        this.store = store;
        this.trimmedBefore = startOffset;
        this.nextOffset = startOffset;
        this.segmentBases[0] = startOffset;
        this.cleanedUpTo = startOffset;
    }

    public PartitionKey key() {
        return key;
    }

    BatchStore store() {
        return store;
    }

    /** How this log rolls segments; taken from the topic's configs each time it is asked. */
    public void segmentPolicy(SegmentPolicy policy) {
        this.segmentPolicy = policy;
    }

    /** The offset the next appended record gets: the log end offset. */
    public long nextOffset() {
        return nextOffset;
    }

    /** Whether the log holds no batch at or above the trim point. */
    public boolean isEmpty() {
        return firstLiveSlot(firstRetained) < 0;
    }

    // ---------------------------------------------------------------- append

    /**
     * Assigns offsets to {@code batch} (and the append time for {@code LOG_APPEND_TIME} topics), rewriting
     * its header in place, and stores it.
     *
     * @param batchBytes the batch's bytes exactly, position to limit
     * @return the base offset assigned
     * @throws org.apache.kafka.common.errors.KafkaStorageException when the batch could not be stored; nothing changed
     */
    public long append(MutableRecordBatch batch, ByteBuffer batchBytes, TimestampType timestampType, long now) {
        long baseOffset = nextOffset;
        int lastOffsetDelta = (int) (batch.lastOffset() - batch.baseOffset());
        batch.setLastOffset(baseOffset + lastOffsetDelta);
        batch.setPartitionLeaderEpoch(0);
        if (timestampType == TimestampType.LOG_APPEND_TIME) {
            batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, now);
        }
        int size = batchBytes.remaining();
        boolean roll = shouldRoll(size, batch.maxTimestamp(), now);
        long address = store.append(key, batchBytes);
        if (roll) {
            roll(baseOffset);
        }
        if (activeSegmentRollBase < 0) {
            rollBaseIsRecordTime = batch.maxTimestamp() >= 0;
            activeSegmentRollBase = rollBaseIsRecordTime ? batch.maxTimestamp() : now;
        }
        activeSegmentBytes += size;
        index(address, baseOffset, baseOffset + lastOffsetDelta, batch.maxTimestamp(), size);
        nextOffset = baseOffset + lastOffsetDelta + 1;
        return baseOffset;
    }

    /** Kafka's rule: a non-empty active segment rolls when the batch would overflow it or it has grown too old. */
    private boolean shouldRoll(int size, long batchTimestamp, long now) {
        if (activeSegmentBytes == 0) {
            return false;
        }
        long waited = rollBaseIsRecordTime ? batchTimestamp - activeSegmentRollBase : now - activeSegmentRollBase;
        return activeSegmentBytes + size > segmentPolicy.segmentBytes() || waited > segmentPolicy.segmentMs();
    }

    private void roll(long baseOffset) {
        if (segmentBases[segmentCount - 1] == baseOffset) {
            return;
        }
        if (segmentCount == segmentBases.length) {
            segmentBases = Arrays.copyOf(segmentBases, segmentCount * 2);
        }
        segmentBases[segmentCount++] = baseOffset;
        activeSegmentBytes = 0;
        activeSegmentRollBase = -1;
    }

    /** Starts a new active segment at the log end, so that everything written so far can be cleaned. */
    public void rollNow() {
        if (activeSegmentBytes > 0) {
            roll(nextOffset);
        }
    }

    private void index(long address, long baseOffset, long lastOffset, long maxTimestamp, int size) {
        if (slots == baseOffsets.length) {
            int capacity = slots * 2;
            baseOffsets = Arrays.copyOf(baseOffsets, capacity);
            lastOffsets = Arrays.copyOf(lastOffsets, capacity);
            maxTimestamps = Arrays.copyOf(maxTimestamps, capacity);
            addresses = Arrays.copyOf(addresses, capacity);
            sizes = Arrays.copyOf(sizes, capacity);
        }
        baseOffsets[slots] = baseOffset;
        lastOffsets[slots] = lastOffset;
        maxTimestamps[slots] = maxTimestamp;
        addresses[slots] = address;
        sizes[slots] = size;
        slots++;
        retainedBytes += size;
    }

    // ---------------------------------------------------------------- read

    /**
     * Reads whole batches starting with the one that holds {@code fetchOffset} (or the next one left by compaction)
     * and ending before {@code upperBound} (the high watermark, or the last stable offset for read_committed), up to
     * {@code maxBytes}; the first batch is returned even when larger if {@code minOneBatch} (KIP-74), so a consumer
     * never gets stuck. The records are sent from the stored files where the store has them.
     */
    public BaseRecords read(long fetchOffset, long upperBound, int maxBytes, boolean minOneBatch) {
        int[] chosen = chooseSlots(fetchOffset, upperBound, maxBytes, minOneBatch);
        if (chosen.length == 0) {
            return MemoryRecords.EMPTY;
        }
        long[] batchAddresses = new long[chosen.length];
        int[] batchSizes = new int[chosen.length];
        for (int n = 0; n < chosen.length; n++) {
            batchAddresses[n] = addresses[chosen[n]];
            batchSizes[n] = sizes[chosen[n]];
        }
        return store.records(batchAddresses, batchSizes, chosen.length);
    }

    /**
     * The batches {@link #read} would return, copied into one heap buffer, for a caller on the broker loop that looks
     * into them or sends only some of them (a share fetch acquires and slices records).
     */
    public MemoryRecords readCopy(long fetchOffset, long upperBound, int maxBytes, boolean minOneBatch) {
        int[] chosen = chooseSlots(fetchOffset, upperBound, maxBytes, minOneBatch);
        if (chosen.length == 0) {
            return MemoryRecords.EMPTY;
        }
        int total = 0;
        for (int slot : chosen) {
            total += sizes[slot];
        }
        ByteBuffer copy = ByteBuffer.allocate(total);
        for (int slot : chosen) {
            copy.put(store.view(addresses[slot], sizes[slot]));
        }
        return MemoryRecords.readableRecords(copy.flip());
    }

    /** The live slots a read from {@code fetchOffset} takes, within {@code maxBytes} (see {@link #read}). */
    private int[] chooseSlots(long fetchOffset, long upperBound, int maxBytes, boolean minOneBatch) {
        int first = slotHolding(fetchOffset);
        if (first < 0) {
            return new int[0];
        }
        int total = 0;
        int count = 0;
        int last = first;
        for (int i = first; i < slots && baseOffsets[i] < upperBound; i++) {
            int size = sizes[i];
            if (size == REMOVED) {
                continue;
            }
            if (total + size > maxBytes && !(count == 0 && minOneBatch)) {
                break;
            }
            total += size;
            count++;
            last = i;
        }
        int[] chosen = new int[count];
        int n = 0;
        for (int i = first; i <= last && n < count; i++) {
            if (sizes[i] != REMOVED) {
                chosen[n++] = i;
            }
        }
        return chosen;
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
        for (int i = first; i < slots && total < enough && baseOffsets[i] < upperBound; i++) {
            total += Math.max(0, sizes[i]);
        }
        return total;
    }

    /** The first live slot holding {@code offset} or any later offset, or -1 at the end of the log. */
    private int slotHolding(long offset) {
        int low = firstRetained;
        int high = slots - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (lastOffsets[mid] >= offset) {
                found = mid;
                high = mid - 1;
            } else {
                low = mid + 1;
            }
        }
        return found < 0 ? -1 : firstLiveSlot(found);
    }

    private int firstLiveSlot(int from) {
        for (int i = from; i < slots; i++) {
            if (sizes[i] != REMOVED) {
                return i;
            }
        }
        return -1;
    }

    /** The slot whose batch starts at {@code baseOffset}, or -1. */
    int slotStarting(long baseOffset) {
        int low = firstRetained;
        int high = slots - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            long base = baseOffsets[mid];
            if (base == baseOffset) {
                return sizes[mid] == REMOVED ? -1 : mid;
            } else if (base < baseOffset) {
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return -1;
    }

    /** The first retained record whose timestamp is at least {@code timestamp}. */
    public TimestampAndOffset offsetForTimestamp(long timestamp) {
        for (int i = firstRetained; i < slots; i++) {
            if (sizes[i] != REMOVED && maxTimestamps[i] >= timestamp) {
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
        for (int i = firstRetained; i < slots; i++) {
            if (sizes[i] != REMOVED && (best < 0 || maxTimestamps[i] > maxTimestamps[best])) {
                best = i;
            }
        }
        return best < 0 ? null : findRecord(best, maxTimestamps[best], true);
    }

    private TimestampAndOffset findRecord(int slot, long timestamp, boolean exact) {
        RecordBatch batch = batchAt(slot);
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

    /** The batch in a slot, read from the store; valid until the store next changes. */
    MutableRecordBatch batchAt(int slot) {
        return MemoryRecords.readableRecords(store.view(addresses[slot], sizes[slot])).batches().iterator().next();
    }

    /** Visits every stored batch at or above the trim point, in order (e.g. to rebuild producer state). */
    public void forEachBatch(BatchVisitor visitor) {
        for (int i = firstRetained; i < slots; i++) {
            if (sizes[i] != REMOVED) {
                visitor.visit(batchAt(i));
            }
        }
    }

    // ---------------------------------------------------------------- trimming and retention

    /** Stops serving batches wholly below {@code offset} (the partition's new log start offset). */
    public void trimBefore(long offset) {
        if (offset > trimmedBefore) {
            trimmedBefore = offset;
            nextOffset = Math.max(nextOffset, offset);
            cleanedUpTo = Math.max(cleanedUpTo, offset);
            advanceFirstRetained();
            while (segmentCount > 1 && segmentBases[1] <= offset) {
                System.arraycopy(segmentBases, 1, segmentBases, 0, --segmentCount);
            }
            segmentBases[0] = Math.max(segmentBases[0], offset);
            if (segmentCount == 1 && nextOffset == offset) {
                activeSegmentBytes = 0;
                activeSegmentRollBase = -1;
            }
        }
    }

    /** The offset below which this log no longer serves batches. */
    public long trimmedBefore() {
        return trimmedBefore;
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
        while (slot < slots && lastOffsets[slot] < limit) {
            if (sizes[slot] != REMOVED) {
                boolean expired = retentionMs >= 0 && maxTimestamps[slot] < now - retentionMs;
                boolean oversize = retentionBytes >= 0 && remaining - sizes[slot] >= retentionBytes;
                if (!expired && !oversize) {
                    break;
                }
                remaining -= sizes[slot];
            }
            slot++;
        }
        if (slot == firstRetained) {
            return trimmedBefore;
        }
        return slot < slots ? baseOffsets[slot] : nextOffset;
    }

    private void advanceFirstRetained() {
        while (firstRetained < slots && lastOffsets[firstRetained] < trimmedBefore) {
            if (sizes[firstRetained] != REMOVED) {
                retainedBytes -= sizes[firstRetained];
                store.release(addresses[firstRetained], sizes[firstRetained]);
            } else {
                removedSlots--;
            }
            firstRetained++;
        }
        if (firstRetained > 64 && firstRetained * 2 > slots) {
            pack();
        }
    }

    /** Drops trimmed and removed slots from the arrays. */
    private void pack() {
        int to = 0;
        for (int from = firstRetained; from < slots; from++) {
            if (sizes[from] != REMOVED) {
                baseOffsets[to] = baseOffsets[from];
                lastOffsets[to] = lastOffsets[from];
                maxTimestamps[to] = maxTimestamps[from];
                addresses[to] = addresses[from];
                sizes[to] = sizes[from];
                to++;
            }
        }
        slots = to;
        firstRetained = 0;
        removedSlots = 0;
    }

    // ---------------------------------------------------------------- compaction and relocation

    /** Number of slots, trimmed ones included; slot numbers stay valid until the log is next trimmed or packed. */
    int slotCount() {
        return slots;
    }

    int firstRetainedSlot() {
        return firstRetained;
    }

    boolean isRemoved(int slot) {
        return sizes[slot] == REMOVED;
    }

    long baseOffset(int slot) {
        return baseOffsets[slot];
    }

    long lastOffset(int slot) {
        return lastOffsets[slot];
    }

    long maxTimestamp(int slot) {
        return maxTimestamps[slot];
    }

    int size(int slot) {
        return sizes[slot];
    }

    long address(int slot) {
        return addresses[slot];
    }

    /** Points a slot at a copy of its batch elsewhere in the store (the batch is unchanged). */
    void moved(int slot, long newAddress) {
        addresses[slot] = newAddress;
    }

    /**
     * Replaces a slot's batch with its cleaned version, which covers the same offsets, and releases the old one.
     *
     * @param cleaned the cleaned batch's bytes, position to limit
     */
    void replace(int slot, ByteBuffer cleaned, long maxTimestamp) {
        long address = store.append(key, cleaned.duplicate());
        int size = cleaned.remaining();
        store.release(addresses[slot], sizes[slot]);
        retainedBytes += size - sizes[slot];
        addresses[slot] = address;
        sizes[slot] = size;
        maxTimestamps[slot] = maxTimestamp;
    }

    /** Removes a slot whose batch compaction emptied; its offsets stay taken. */
    void remove(int slot) {
        store.release(addresses[slot], sizes[slot]);
        retainedBytes -= sizes[slot];
        sizes[slot] = REMOVED;
        removedSlots++;
        if (removedSlots > 64 && removedSlots * 2 > slots - firstRetained) {
            pack();
        }
    }

    long cleanedUpTo() {
        return Math.max(cleanedUpTo, trimmedBefore);
    }

    void cleanedUpTo(long offset) {
        cleanedUpTo = offset;
    }

    int segmentCount() {
        return segmentCount;
    }

    long segmentBase(int segment) {
        return segmentBases[segment];
    }

    /** Bytes of the batches held by slots with offsets in [{@code from}, {@code to}). */
    long bytesBetween(long from, long to) {
        long total = 0;
        for (int i = firstRetained; i < slots && baseOffsets[i] < to; i++) {
            if (sizes[i] != REMOVED && lastOffsets[i] >= from) {
                total += sizes[i];
            }
        }
        return total;
    }

    /** The first slot whose batch ends at or after {@code offset}, trimmed or removed slots included. */
    int slotFrom(long offset) {
        int low = firstRetained;
        int high = slots - 1;
        int found = slots;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (lastOffsets[mid] >= offset) {
                found = mid;
                high = mid - 1;
            } else {
                low = mid + 1;
            }
        }
        return found;
    }

    // ---------------------------------------------------------------- recovery and checkpoints

    /**
     * Indexes a batch found in the store while recovering: a batch past the end is appended; a batch covering the
     * same offsets as an indexed one is its newer copy (cleaned or moved) and replaces it.
     *
     * @return whether the batch is indexed now (else it is garbage)
     */
    boolean recover(long address, ByteBuffer batch) {
        long baseOffset = batch.getLong(0);
        long lastOffset = baseOffset + batch.getInt(LAST_OFFSET_DELTA_AT);
        long maxTimestamp = batch.getLong(MAX_TIMESTAMP_AT);
        int size = batch.remaining();
        if (baseOffset >= nextOffset) {
            index(address, baseOffset, lastOffset, maxTimestamp, size);
            activeSegmentBytes += size;
            nextOffset = lastOffset + 1;
            return true;
        }
        int slot = slotStarting(baseOffset);
        if (slot >= 0 && lastOffsets[slot] == lastOffset) {
            // the store counts live bytes from the recovered index afterwards: nothing to release here
            retainedBytes += size - sizes[slot];
            addresses[slot] = address;
            sizes[slot] = size;
            maxTimestamps[slot] = maxTimestamp;
            return true;
        }
        return false;
    }

    /** Counts every live batch as referenced in the store, after recovery. */
    void forEachLive(LiveBatchConsumer consumer) {
        for (int i = firstRetained; i < slots; i++) {
            if (sizes[i] != REMOVED) {
                consumer.accept(addresses[i], sizes[i]);
            }
        }
    }

    /** Writes this log's index to a checkpoint. */
    void writeTo(CheckpointFile.Writer out) {
        out.putLong(key.topicId().getMostSignificantBits());
        out.putLong(key.topicId().getLeastSignificantBits());
        out.putInt(key.partition());
        out.putLong(trimmedBefore);
        out.putLong(nextOffset);
        out.putLong(cleanedUpTo);
        out.putInt(segmentCount);
        for (int i = 0; i < segmentCount; i++) {
            out.putLong(segmentBases[i]);
        }
        out.putLong(activeSegmentBytes);
        out.putLong(activeSegmentRollBase);
        out.putInt(rollBaseIsRecordTime ? 1 : 0);
        int live = slots - firstRetained - removedSlots;
        out.putInt(live);
        for (int i = firstRetained; i < slots; i++) {
            if (sizes[i] != REMOVED) {
                out.putLong(baseOffsets[i]);
                out.putInt((int) (lastOffsets[i] - baseOffsets[i]));
                out.putLong(maxTimestamps[i]);
                out.putLong(addresses[i]);
                out.putInt(sizes[i]);
            }
        }
    }

    /** Reads a log's index from a checkpoint written by {@link #writeTo}. */
    static BatchLog readFrom(CheckpointFile.Reader in, BatchStore store) {
        PartitionKey key = new PartitionKey(new org.apache.kafka.common.Uuid(in.getLong(), in.getLong()), in.getInt());
        long trimmedBefore = in.getLong();
        BatchLog log = new BatchLog(key, store, trimmedBefore);
        log.nextOffset = in.getLong();
        log.cleanedUpTo = in.getLong();
        log.segmentCount = in.getInt();
        log.segmentBases = new long[Math.max(1, log.segmentCount)];
        for (int i = 0; i < log.segmentCount; i++) {
            log.segmentBases[i] = in.getLong();
        }
        log.activeSegmentBytes = in.getLong();
        log.activeSegmentRollBase = in.getLong();
        log.rollBaseIsRecordTime = in.getInt() == 1;
        int count = in.getInt();
        for (int i = 0; i < count; i++) {
            long base = in.getLong();
            long last = base + in.getInt();
            long maxTimestamp = in.getLong();
            long address = in.getLong();
            log.index(address, base, last, maxTimestamp, in.getInt());
        }
        return log;
    }

    // ---------------------------------------------------------------- deletion

    /** Releases every stored batch: the partition is gone (its topic deleted). */
    public void delete() {
        if (!deleted) {
            deleted = true;
            for (int i = firstRetained; i < slots; i++) {
                if (sizes[i] != REMOVED) {
                    store.release(addresses[i], sizes[i]);
                }
            }
            slots = 0;
            firstRetained = 0;
            removedSlots = 0;
            retainedBytes = 0;
        }
    }

    public boolean isDeleted() {
        return deleted;
    }

    @Override
    public String toString() {
        return "BatchLog[" + key + ", " + (slots - firstRetained - removedSlots) + " batches, offsets " + trimmedBefore
                + ".." + nextOffset + "]";
    }

    /** A record's timestamp and offset, as ListOffsets reports them. */
    public record TimestampAndOffset(long timestamp, long offset) {
    }

    /** Sees each stored batch in order. */
    @FunctionalInterface
    public interface BatchVisitor {
        void visit(RecordBatch batch);
    }

    /** When a log's segments roll: the topic's {@code segment.bytes} and {@code segment.ms}. */
    public interface SegmentPolicy {
        SegmentPolicy NEVER_ROLL = new SegmentPolicy() {
            @Override
            public long segmentBytes() {
                return Long.MAX_VALUE;
            }

            @Override
            public long segmentMs() {
                return Long.MAX_VALUE;
            }
        };

        long segmentBytes();

        long segmentMs();
    }

    @FunctionalInterface
    interface LiveBatchConsumer {
        void accept(long address, int size);
    }
}
