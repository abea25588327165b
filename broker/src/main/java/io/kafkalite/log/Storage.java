package io.kafkalite.log;

/** Opens {@link EntryStore}s by name: one per partition, one for the metadata journal. */
public interface Storage extends AutoCloseable {

    /**
     * Opens (creating if needed) the store with this name. Names are relative paths such as
     * {@code orders-3} or {@code __metadata}; the same name reopens the same entries after a restart.
     */
    EntryStore open(String name, int maxEntryBytes);

    /** Whether a store with this name already holds entries from an earlier run. */
    boolean exists(String name);

    /** Closes every store opened through this storage. */
    @Override
    void close();
}
