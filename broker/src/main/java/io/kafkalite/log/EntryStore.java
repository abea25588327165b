package io.kafkalite.log;

import java.nio.ByteBuffer;

/**
 * An append-only sequence of byte entries. Each entry is addressed by the value {@link #append} returned;
 * addresses grow with every append but need not be dense.
 *
 * <p>Stores are single-threaded objects: they belong to the broker loop thread.
 */
public interface EntryStore extends AutoCloseable {

    /** Appends the remaining bytes of {@code entry} and returns the new entry's address. */
    long append(ByteBuffer entry);

    /**
     * Copies {@code count} consecutive entries, starting with the one at {@code firstAddress}, into {@code target}.
     * The caller sizes {@code target} from the entry sizes it recorded at append time.
     */
    void readConsecutive(long firstAddress, int count, ByteBuffer target);

    /** Visits every entry in append order; the buffer is only valid during the call. */
    void forEach(EntryVisitor visitor);

    /** Closes the store and removes its files. */
    void delete();

    @Override
    void close();

    /** Receives entries from {@link #forEach}. */
    @FunctionalInterface
    interface EntryVisitor {
        void visit(long address, ByteBuffer entry);
    }
}
