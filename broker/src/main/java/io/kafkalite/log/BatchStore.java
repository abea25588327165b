package io.kafkalite.log;

import java.nio.ByteBuffer;

import org.apache.kafka.common.record.internal.BaseRecords;

/**
 * Where the record batches of every partition are stored: one append-only log shared by all partitions (the
 * interleaved entry log of Apache BookKeeper), each batch addressed by the value {@link #append} returned. The
 * offset index of each partition lives with its {@link BatchLog}; the store keeps the bytes, counts how many of
 * them are still referenced, and gives back the space of the rest ({@link #reclaim}).
 *
 * <p>Not thread-safe: a store belongs to the broker loop thread. Only the records it hands to fetch responses are
 * written to sockets by the network thread.
 */
public interface BatchStore extends AutoCloseable {

    /**
     * Stores a partition's batch (the remaining bytes of {@code batch}) and returns its address.
     *
     * @throws org.apache.kafka.common.errors.KafkaStorageException when the disk is full, file descriptors ran out
     *     or the data directory cannot be written; the message says which and what to do
     */
    long append(PartitionKey owner, ByteBuffer batch);

    /** Gets ready for the first append (a file to write to), so that it does not wait for that. */
    void prepare();

    /**
     * The stored bytes of the batch at {@code address}, for reading on the broker loop thread only; valid until the
     * store next changes (an append, a release, a reclaim).
     */
    ByteBuffer view(long address, int size);

    /**
     * The batches at these addresses, in this order, as records a fetch response can carry: written from the
     * stored files into the socket where the store has files, without a copy on the heap.
     */
    BaseRecords records(long[] addresses, int[] sizes, int count);

    /** The batch at {@code address} is no longer referenced by any index: its space may be reclaimed. */
    void release(long address, int size);

    /** Whether stored batches survive a restart (and so need {@link #mark()}, {@link #scan} and checkpoints). */
    boolean durable();

    /** The position after the last entry appended: {@link #scan} from it sees only what is appended later. */
    long mark();

    /** Writes the {@link #mark()} and whatever else the store must know again after a restart, to a checkpoint. */
    void writeCheckpoint(CheckpointFile.Writer out);

    /** Reads back what {@link #writeCheckpoint} wrote; returns the mark to {@link #scan} from. */
    long readCheckpoint(CheckpointFile.Reader in);

    /** Visits, in append order, every entry appended at or after {@code mark}; used to recover after a crash. */
    void scan(long mark, EntryVisitor visitor);

    /**
     * Gives back space of released batches: deletes files nothing references (after {@code listener} made the
     * index durable) and copies the live batches of mostly released files forward so that those files can go too.
     * Works until about {@code deadlineNanos} ({@link Deadlines}).
     *
     * @return whether there is more to reclaim
     */
    boolean reclaim(ReclaimListener listener, long deadlineNanos);

    /** Bytes stored on disk (or on the heap), released or not, until reclaimed. */
    long storedBytes();

    /** How many entries were appended since the store was opened. */
    long appendCount();

    /**
     * Counts a batch an index still holds after recovery as referenced. Until {@link #recovered()}, releases are
     * ignored: the store learns what is live from the recovered indexes, not from their history.
     */
    void markLive(long address, int size);

    /** Recovery is over: from now on releases count, and files nothing references may be reclaimed. */
    void recovered();

    @Override
    void close();

    /** Receives entries from {@link #scan}. */
    @FunctionalInterface
    interface EntryVisitor {
        /** @param batch the batch's bytes, valid during the call only */
        void visit(PartitionKey owner, long address, ByteBuffer batch);
    }

    /** What reclaiming needs from the owner of the indexes. */
    interface ReclaimListener {
        /** Whether the batch of {@code owner} at {@code address}, starting at {@code baseOffset}, is still indexed. */
        boolean isLive(PartitionKey owner, long baseOffset, long address);

        /** A live batch was copied to {@code newAddress}; the index must point there from now on. */
        void moved(PartitionKey owner, long baseOffset, long oldAddress, long newAddress);

        /** Makes the indexes durable as they are now; files are deleted only after this returns. */
        void checkpoint();
    }
}
