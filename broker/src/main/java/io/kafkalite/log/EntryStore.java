package io.kafkalite.log;

import java.nio.ByteBuffer;

/**
 * An append-only sequence of byte entries, read back in order: the metadata journal's store.
 *
 * <p>Stores are single-threaded objects: they belong to the broker loop thread.
 */
public interface EntryStore extends AutoCloseable {

    /**
     * Appends the remaining bytes of {@code entry}.
     *
     * @throws org.apache.kafka.common.errors.KafkaStorageException when it cannot be stored (full disk, ...)
     */
    void append(ByteBuffer entry);

    /** Visits every entry in append order; the buffer is only valid during the call. */
    void forEach(EntryVisitor visitor);

    /** Closes the store and removes its files. */
    void delete();

    @Override
    void close();

    /** Receives entries from {@link #forEach}. */
    @FunctionalInterface
    interface EntryVisitor {
        void visit(long sequence, ByteBuffer entry);
    }
}
