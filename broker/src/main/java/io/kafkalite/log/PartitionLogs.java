package io.kafkalite.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link BatchLog} of every partition that has stored batches, over one shared {@link BatchStore}. It recovers
 * the indexes when the broker starts (the last checkpoint, then the entries appended after it), writes checkpoints
 * (on close, before the store deletes files, and after enough appends to keep a crash's recovery short), and gives
 * the store what it needs to reclaim space.
 *
 * <p>Deleting a partition only releases its index entries: it costs what the index holds, not what the files hold,
 * and the store gives the disk space back later. Not thread-safe: it belongs to the broker loop thread.
 */
public final class PartitionLogs implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionLogs.class);
    /** A checkpoint is due once this many batches were appended since the last one (bounds a crash's recovery). */
    private static final long CHECKPOINT_EVERY_APPENDS = 200_000;

    private final BatchStore store;
    private final Path checkpointFile;
    private final Map<PartitionKey, BatchLog> logs = new HashMap<>();
    private final BatchStore.ReclaimListener reclaimListener = new Reclaimer();
    private long appendsAtCheckpoint;
    private boolean recovered;

    /**
     * @param checkpointFile where the index checkpoint lives, or null when the store is not durable
     */
    public PartitionLogs(BatchStore store, Path checkpointFile) {
        this.store = store;
        this.checkpointFile = store.durable() ? checkpointFile : null;
    }

    public BatchStore store() {
        return store;
    }

    /** Gets the store ready for the first append now, so that the first produce does not wait for it. */
    public void prepare() {
        store.prepare();
    }

    /**
     * Rebuilds the indexes from the last checkpoint and the entries appended after it. Batches of partitions that
     * no longer exist (a deleted topic) are dropped; the rest is trimmed to each partition's log start offset.
     *
     * @param logStartOffset a partition's persisted log start offset, or -1 when it no longer exists
     */
    public void recover(ToLongFunction<PartitionKey> logStartOffset) {
        long startedNanos = System.nanoTime();
        long mark = 0;
        if (checkpointFile != null) {
            try {
                CheckpointFile.Checkpoint checkpoint = CheckpointFile.read(checkpointFile, store);
                if (checkpoint != null) {
                    mark = checkpoint.mark();
                    for (BatchLog log : checkpoint.logs()) {
                        logs.put(log.key(), log);
                    }
                } else if (store.mark() != 0) {
                    LOG.warn("No usable index checkpoint in {}: reading every stored batch", checkpointFile.getParent());
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("The index checkpoint {} is unreadable ({}): reading every stored batch", checkpointFile, e.toString());
                logs.clear();
                mark = 0;
            }
        }
        long[] scanned = {0};
        store.scan(mark, (owner, address, batch) -> {
            scanned[0]++;
            BatchLog log = logs.computeIfAbsent(owner, key -> new BatchLog(key, store, 0));
            if (!log.recover(address, batch)) {
                LOG.debug("Stored batch of {} at {} is superseded", owner, address);
            }
        });
        List<PartitionKey> gone = new ArrayList<>();
        for (BatchLog log : logs.values()) {
            long start = logStartOffset.applyAsLong(log.key());
            if (start < 0) {
                gone.add(log.key());
            } else {
                log.trimBefore(start);
            }
        }
        gone.forEach(logs::remove);
        for (BatchLog log : logs.values()) {
            log.forEachLive(store::markLive);
        }
        store.recovered();
        recovered = true;
        appendsAtCheckpoint = store.appendCount();
        if (!logs.isEmpty() || scanned[0] > 0) {
            LOG.info("Recovered the indexes of {} partitions ({} batches read after the checkpoint) in {} ms",
                    logs.size(), scanned[0], (System.nanoTime() - startedNanos) / 1_000_000);
        }
    }

    /** The log of a partition, or null when it has stored nothing. */
    public BatchLog log(PartitionKey key) {
        recoverIfNeeded();
        return logs.get(key);
    }

    /** Whether a partition has a log (it stored batches, perhaps all trimmed since). */
    public boolean hasLog(PartitionKey key) {
        recoverIfNeeded();
        return logs.containsKey(key);
    }

    /** Unit tests and tools may skip {@link #recover}: then every stored batch counts, trimmed by nothing. */
    private void recoverIfNeeded() {
        if (!recovered) {
            recover(key -> 0);
        }
    }

    /**
     * The log of a partition, created empty (numbering from {@code startOffset}) if it has none, trimmed to
     * {@code startOffset} if it has.
     */
    public BatchLog open(PartitionKey key, long startOffset, BatchLog.SegmentPolicy policy) {
        recoverIfNeeded();
        BatchLog log = logs.computeIfAbsent(key, k -> new BatchLog(k, store, startOffset));
        log.trimBefore(startOffset);
        log.segmentPolicy(policy);
        return log;
    }

    /** Drops a partition's log; its batches' space is reclaimed later. */
    public void delete(PartitionKey key) {
        BatchLog log = logs.remove(key);
        if (log != null) {
            log.delete();
        }
    }

    /** The partitions that have a log. */
    public Collection<PartitionKey> keys() {
        recoverIfNeeded();
        return logs.keySet();
    }

    /** Writes a checkpoint if enough was appended since the last one that a crash would mean a long recovery. */
    public void checkpointIfDue() {
        if (checkpointFile != null && store.appendCount() - appendsAtCheckpoint >= CHECKPOINT_EVERY_APPENDS) {
            checkpoint();
        }
    }

    /**
     * Makes every index durable as it is now.
     *
     * @throws UncheckedIOException when the checkpoint cannot be written (then no file is deleted either)
     */
    public void checkpoint() {
        if (checkpointFile == null || !recovered) {
            return;
        }
        try {
            CheckpointFile.write(checkpointFile, store, logs.values());
            appendsAtCheckpoint = store.appendCount();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the index checkpoint " + checkpointFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Lets the store reclaim space until about {@code deadlineNanos} ({@link Deadlines}): it may copy live batches
     * and delete files.
     *
     * @return whether there is more to do
     */
    public boolean reclaim(long deadlineNanos) {
        if (!recovered) {
            return false;
        }
        try {
            return store.reclaim(reclaimListener, deadlineNanos);
        } catch (RuntimeException e) {
            LOG.warn("Reclaiming log space failed; will try again: {}", e.getMessage());
            return false;
        }
    }

    /** Writes a final checkpoint and closes the store. */
    @Override
    public void close() {
        try {
            checkpoint();
        } catch (RuntimeException e) {
            LOG.warn("Could not write the index checkpoint on close; the next start reads the whole log: {}",
                    e.getMessage());
        }
        logs.clear();
        store.close();
    }

    private final class Reclaimer implements BatchStore.ReclaimListener {
        @Override
        public boolean isLive(PartitionKey owner, long baseOffset, long address) {
            BatchLog log = logs.get(owner);
            if (log == null) {
                return false;
            }
            int slot = log.slotStarting(baseOffset);
            return slot >= 0 && log.address(slot) == address;
        }

        @Override
        public void moved(PartitionKey owner, long baseOffset, long oldAddress, long newAddress) {
            BatchLog log = logs.get(owner);
            int slot = log.slotStarting(baseOffset);
            log.moved(slot, newAddress);
        }

        @Override
        public void checkpoint() {
            PartitionLogs.this.checkpoint();
        }
    }
}
