package io.kafkalite.partition;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

import io.kafkalite.log.Compaction;
import io.kafkalite.log.Deadlines;
import io.kafkalite.log.PartitionKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts the partitions of compacted topics, as Kafka's log cleaner does but on the broker loop: each round picks
 * the filthiest partition that is due (the largest dirty share above its {@code min.cleanable.dirty.ratio}, or one
 * whose dirty records waited past {@code max.compaction.lag.ms}) and works on its pass a slice at a time. A pass that
 * fails leaves its partition uncleanable until the broker restarts, as in Kafka, with the reason in the log.
 */
final class LogCleaner {

    private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);

    private final Set<PartitionKey> uncleanable = new HashSet<>();
    private Compaction pass;
    private long passesCompleted;

    /**
     * Works on the current pass, or starts one on the filthiest due partition, until done or the deadline.
     *
     * @return whether a pass is still under way
     */
    boolean clean(Collection<Partition> partitions, long now, long deadlineNanos) {
        if (pass == null) {
            pass = filthiest(partitions, now);
        }
        if (pass == null) {
            return false;
        }
        if (run(pass, deadlineNanos)) {
            pass = null;
            passesCompleted++;
        }
        return pass != null;
    }

    /** How many passes ran to their end (for knowing when to checkpoint). */
    long passesCompleted() {
        return passesCompleted;
    }

    private Compaction filthiest(Collection<Partition> partitions, long now) {
        Compaction filthiest = null;
        for (Partition partition : partitions) {
            if (uncleanable.contains(key(partition))) {
                continue;
            }
            Compaction candidate = plan(partition, now, false);
            if (candidate != null && (filthiest == null || candidate.cleanableRatio() > filthiest.cleanableRatio())) {
                filthiest = candidate;
            }
        }
        return filthiest;
    }

    /** Cleans every compacted partition now, each whole; returns how many were cleaned. */
    int cleanAll(Collection<Partition> partitions, long now) {
        if (pass != null) {
            run(pass, Deadlines.NONE);
            pass = null;
        }
        int cleaned = 0;
        for (Partition partition : partitions) {
            Compaction forced = plan(partition, now, true);
            if (forced != null && run(forced, Deadlines.NONE)) {
                cleaned++;
            }
        }
        return cleaned;
    }

    private Compaction plan(Partition partition, long now, boolean force) {
        try {
            return partition.planCompaction(now, force);
        } catch (RuntimeException e) {
            markUncleanable(key(partition), e);
            return null;
        }
    }

    /** Runs a pass; a failing pass marks its partition uncleanable and counts as over. */
    private boolean run(Compaction compaction, long deadlineNanos) {
        try {
            return compaction.run(deadlineNanos);
        } catch (RuntimeException e) {
            markUncleanable(compaction.log().key(), e);
            return true;
        }
    }

    private void markUncleanable(PartitionKey key, RuntimeException e) {
        uncleanable.add(key);
        LOG.error("Compacting partition {} failed; it stays uncompacted until the broker restarts", key, e);
    }

    private static PartitionKey key(Partition partition) {
        return new PartitionKey(partition.topic().id(), partition.id().partition());
    }
}
