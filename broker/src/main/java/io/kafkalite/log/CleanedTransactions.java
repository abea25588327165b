package io.kafkalite.log;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Transactions as compaction walks a log in offset order, with the rules of Kafka's cleaner: the records of an
 * aborted transaction are removed; an ABORT marker stays while any record of its transaction is left before it (and
 * then until its delete horizon); a COMMIT marker may go once no record of its transaction was seen since the last
 * pass, i.e. once every record of the transaction was cleaned away.
 */
final class CleanedTransactions {

    private final Set<Long> ongoingCommitted = new HashSet<>();
    /** Aborted transactions whose first offset was passed, by producer: whether a batch of theirs was seen. */
    private final Map<Long, boolean[]> ongoingAborted = new HashMap<>();
    private final PriorityQueue<Compaction.AbortedTransaction> aborted =
            new PriorityQueue<>((a, b) -> Long.compare(a.firstOffset(), b.firstOffset()));

    CleanedTransactions(List<Compaction.AbortedTransaction> abortedTransactions) {
        aborted.addAll(abortedTransactions);
    }

    /**
     * Takes in a control batch.
     *
     * @return whether it may be discarded (its delete horizon permitting)
     */
    boolean onControlBatch(RecordBatch batch) {
        consumeAbortedUpTo(batch.lastOffset());
        Iterator<Record> records = batch.iterator();
        if (!records.hasNext()) {
            return true; // a marker an earlier pass emptied
        }
        ControlRecordType type = ControlRecordType.parse(records.next().key());
        long producerId = batch.producerId();
        return switch (type) {
            case ABORT -> {
                boolean[] seenBatch = ongoingAborted.remove(producerId);
                yield seenBatch == null || !seenBatch[0];
            }
            case COMMIT -> !ongoingCommitted.remove(producerId);
            default -> false;
        };
    }

    /**
     * Takes in a data batch.
     *
     * @return whether it belongs to an aborted transaction (then its records go)
     */
    boolean onDataBatch(RecordBatch batch) {
        consumeAbortedUpTo(batch.lastOffset());
        if (!batch.isTransactional()) {
            return false;
        }
        boolean[] seenBatch = ongoingAborted.get(batch.producerId());
        if (seenBatch != null) {
            seenBatch[0] = true;
            return true;
        }
        ongoingCommitted.add(batch.producerId());
        return false;
    }

    private void consumeAbortedUpTo(long offset) {
        while (!aborted.isEmpty() && aborted.peek().firstOffset() <= offset) {
            ongoingAborted.putIfAbsent(aborted.poll().producerId(), new boolean[1]);
        }
    }
}
