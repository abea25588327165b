package io.kafkalite.log;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Batches on the heap, for a JVM that cannot run Chronicle Queue (its module flags are missing). Behaves like
 * {@link ChronicleBatchStore} except that nothing survives the JVM and a released batch's memory is free at once.
 * Closing it keeps the batches: a broker restarted in the same JVM scans them to rebuild its indexes (the owning
 * {@link MemoryStorage} lets go of them).
 */
public final class HeapBatchStore implements BatchStore {

    private final List<byte[]> entries = new ArrayList<>();
    private final List<PartitionKey> owners = new ArrayList<>();
    private long storedBytes;
    private long appendCount;

    @Override
    public long append(PartitionKey owner, ByteBuffer batch) {
        byte[] copy = new byte[batch.remaining()];
        batch.duplicate().get(copy);
        entries.add(copy);
        owners.add(owner);
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

    /** Not across JVMs: there is no checkpoint to write; a restart in this JVM scans everything instead. */
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

    /** Every batch still stored, in append order; released ones are gone, so nothing comes back. */
    @Override
    public void scan(long mark, EntryVisitor visitor) {
        for (int i = (int) mark; i < entries.size(); i++) {
            byte[] entry = entries.get(i);
            if (entry != null) {
                visitor.visit(owners.get(i), i, ByteBuffer.wrap(entry).asReadOnlyBuffer());
            }
        }
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
        // a released batch is freed at once: there is no file whose liveness to count
    }

    @Override
    public void recovered() {
        // nothing to reclaim later
    }

    @Override
    public void close() {
        // the batches stay for a restart in this JVM; MemoryStorage.close() lets go of them
    }
}
