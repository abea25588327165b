package io.kafkalite.log;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Batches on the heap, for a JVM that cannot run Chronicle Queue (its module flags are missing). Behaves like
 * {@link ChronicleBatchStore} except that nothing survives {@link #close()} and a released batch's memory is free
 * at once.
 */
public final class HeapBatchStore implements BatchStore {

    private final List<byte[]> entries = new ArrayList<>();
    private long storedBytes;
    private long appendCount;

    @Override
    public long append(PartitionKey owner, ByteBuffer batch) {
        byte[] copy = new byte[batch.remaining()];
        batch.duplicate().get(copy);
        entries.add(copy);
        storedBytes += copy.length;
        appendCount++;
        return entries.size() - 1;
    }

    @Override
    public void prepare() {
        // nothing to get ready
    }

    @Override
    public ByteBuffer view(long address, int size) {
        return ByteBuffer.wrap(entry(address), 0, size).slice().asReadOnlyBuffer();
    }

    private byte[] entry(long address) {
        byte[] entry = entries.get((int) address);
        if (entry == null) {
            throw new IllegalStateException("batch at " + address + " was released");
        }
        return entry;
    }

    @Override
    public BaseRecords records(long[] addresses, int[] sizes, int count) {
        if (count == 1) {
            return MemoryRecords.readableRecords(ByteBuffer.wrap(entry(addresses[0])).asReadOnlyBuffer());
        }
        int total = 0;
        for (int i = 0; i < count; i++) {
            total += sizes[i];
        }
        ByteBuffer buffer = ByteBuffer.allocate(total);
        for (int i = 0; i < count; i++) {
            buffer.put(entry(addresses[i]));
        }
        return MemoryRecords.readableRecords(buffer.flip());
    }

    @Override
    public void release(long address, int size) {
        byte[] entry = entries.set((int) address, null);
        if (entry != null) {
            storedBytes -= entry.length;
        }
    }

    @Override
    public boolean durable() {
        return false;
    }

    @Override
    public long mark() {
        return entries.size();
    }

    @Override
    public void writeCheckpoint(CheckpointFile.Writer out) {
        out.putLong(mark());
    }

    @Override
    public long readCheckpoint(CheckpointFile.Reader in) {
        return in.getLong();
    }

    @Override
    public void scan(long mark, EntryVisitor visitor) {
        // nothing survives a restart, so there is never anything to recover
    }

    @Override
    public boolean reclaim(ReclaimListener listener, long deadlineNanos) {
        return false;
    }

    @Override
    public long storedBytes() {
        return storedBytes;
    }

    @Override
    public long appendCount() {
        return appendCount;
    }

    @Override
    public void markLive(long address, int size) {
        // the heap keeps nothing across restarts: nothing is recovered
    }

    @Override
    public void recovered() {
        // nothing to recover
    }

    @Override
    public void close() {
        entries.clear();
        storedBytes = 0;
    }
}
