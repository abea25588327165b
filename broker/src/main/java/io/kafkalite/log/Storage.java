package io.kafkalite.log;

/**
 * Where the broker keeps what it stores: the shared log of every partition's batches, and the entry stores and
 * markers of the metadata journal. On Chronicle Queue under the data directory, or on the heap.
 */
public interface Storage extends AutoCloseable {

    /**
     * Opens the log holding every partition's batches.
     *
     * @param segmentBytes how large one file of the log grows before the next starts
     */
    PartitionLogs openPartitionLogs(long segmentBytes);

    /**
     * Opens (creating if needed) the entry store with this name, a path relative to the data directory such as
     * {@code metadata/0000000001}; the same name reopens the same entries after a restart.
     */
    EntryStore open(String name);


    /** Removes the store with this name, if there is one; it must not be open. */
    void delete(String name);

    /** The short text kept under {@code name} (which journal generation is current, say), or null. */
    String readMarker(String name);

    /** Replaces the text under {@code name} atomically: after a crash it is the old text or the new one. */
    void writeMarker(String name, String text);

    /** Closes every entry store opened through this storage (the partition logs close on their own). */
    @Override
    void close();
}
