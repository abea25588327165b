package io.kafkalite.partition;

import java.util.ArrayList;
import java.util.List;

/**
 * The aborted transactions of one partition, in the order their ABORT markers were written: what a read_committed
 * fetch returns so the consumer can drop the aborted records among the batches it gets. Rebuilt from the stored
 * markers when the partition opens, as Kafka rebuilds its transaction index.
 */
final class AbortedTransactionIndex {

    private final List<AbortedTransaction> aborted = new ArrayList<>();

    void add(AbortedTransaction transaction) {
        aborted.add(transaction);
    }

    /** The aborted transactions that overlap [{@code fetchOffset}, {@code upperBound}). */
    List<AbortedTransaction> overlapping(long fetchOffset, long upperBound) {
        List<AbortedTransaction> found = null;
        for (AbortedTransaction transaction : aborted) {
            if (transaction.lastOffset() >= fetchOffset && transaction.firstOffset() < upperBound) {
                if (found == null) {
                    found = new ArrayList<>(2);
                }
                found.add(transaction);
            }
        }
        return found == null ? List.of() : found;
    }

    /** Forgets transactions wholly below the new log start offset. */
    void trimBefore(long logStartOffset) {
        aborted.removeIf(transaction -> transaction.lastOffset() < logStartOffset);
    }
}
