package io.kafkalite.txn;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.agrona.collections.Long2ObjectHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Idempotent-producer state per partition, with Kafka's rules: a batch must carry the next sequence number of
 * its producer and epoch; a retried batch (one of the last five) is recognised and answered with the offset it
 * got the first time; a new epoch starts at sequence 0. The state is rebuilt from the stored batches when a
 * partition's log is opened.
 */
public final class ProducerStateTable {

    /** Kafka keeps the metadata of this many recent batches per producer for duplicate detection. */
    private static final int RETAINED_BATCHES = 5;

    private final Map<TopicPartition, Long2ObjectHashMap<ProducerEntry>> partitions = new HashMap<>();

    /** Applies a stored batch without checks; used while a log is opened. */
    public void replay(TopicPartition partition, RecordBatch batch) {
        if (batch.hasProducerId() && !batch.isControlBatch()) {
            producers(partition).computeIfAbsent(batch.producerId(), id -> new ProducerEntry())
                    .record(batch.producerEpoch(), batch.baseSequence(), batch.lastSequence(), batch.baseOffset(),
                            batch.lastOffset());
        }
    }

    /**
     * Checks a partition's batches from one produce request, in order, without changing state.
     *
     * @return for each batch, the base offset it already has if it is a retry of a stored batch, else -1
     * @throws OutOfOrderSequenceException if a sequence number is not the next one
     * @throws InvalidProducerEpochException if a batch comes from an older epoch
     */
    public long[] check(TopicPartition partition, List<? extends RecordBatch> batches) {
        long[] duplicates = new long[batches.size()];
        Long2ObjectHashMap<ProducerEntry> producers = partitions.get(partition);
        Map<Long, ProducerEntry> pending = new HashMap<>();
        for (int i = 0; i < batches.size(); i++) {
            RecordBatch batch = batches.get(i);
            duplicates[i] = -1;
            if (!batch.hasProducerId()) {
                continue;
            }
            ProducerEntry entry = pending.get(batch.producerId());
            if (entry == null) {
                ProducerEntry stored = producers == null ? null : producers.get(batch.producerId());
                entry = stored == null ? new ProducerEntry() : stored.copy();
                pending.put(batch.producerId(), entry);
            }
            long duplicateOf = entry.checkAndRecord(partition, batch);
            duplicates[i] = duplicateOf;
        }
        return duplicates;
    }

    /** Records a batch that was just appended at {@code baseOffset}. */
    public void recordAppended(TopicPartition partition, RecordBatch batch, long baseOffset) {
        if (batch.hasProducerId()) {
            producers(partition).computeIfAbsent(batch.producerId(), id -> new ProducerEntry())
                    .record(batch.producerEpoch(), batch.baseSequence(), batch.lastSequence(), baseOffset,
                            baseOffset + (batch.lastOffset() - batch.baseOffset()));
        }
    }

    /** Forgets a deleted partition. */
    public void remove(TopicPartition partition) {
        partitions.remove(partition);
    }

    private Long2ObjectHashMap<ProducerEntry> producers(TopicPartition partition) {
        return partitions.computeIfAbsent(partition, p -> new Long2ObjectHashMap<>());
    }

    private static final class ProducerEntry {
        private short epoch = RecordBatch.NO_PRODUCER_EPOCH;
        private final ArrayDeque<long[]> recent = new ArrayDeque<>(RETAINED_BATCHES);

        ProducerEntry copy() {
            ProducerEntry copy = new ProducerEntry();
            copy.epoch = epoch;
            recent.forEach(b -> copy.recent.addLast(b.clone()));
            return copy;
        }

        int lastSequence() {
            return recent.isEmpty() ? RecordBatch.NO_SEQUENCE : (int) recent.peekLast()[1];
        }

        /** Returns the stored base offset for a retried batch, else -1 after recording the batch in this copy. */
        long checkAndRecord(TopicPartition partition, RecordBatch batch) {
            short batchEpoch = batch.producerEpoch();
            if (epoch != RecordBatch.NO_PRODUCER_EPOCH && batchEpoch < epoch) {
                throw new InvalidProducerEpochException("Producer " + batch.producerId() + " epoch " + batchEpoch
                        + " is older than the current epoch " + epoch + " on " + partition);
            }
            if (batchEpoch == epoch) {
                for (long[] b : recent) {
                    if (b[0] == batch.baseSequence() && b[1] == batch.lastSequence()) {
                        return b[2];
                    }
                }
                int expected = DefaultRecordBatch.incrementSequence(lastSequence(), 1);
                if (lastSequence() != RecordBatch.NO_SEQUENCE && batch.baseSequence() != expected) {
                    throw new OutOfOrderSequenceException("Out of order sequence number for producer "
                            + batch.producerId() + " at " + partition + ": expected " + expected + ", got "
                            + batch.baseSequence() + " (epoch " + batchEpoch + ")");
                }
            } else if (epoch != RecordBatch.NO_PRODUCER_EPOCH && batch.baseSequence() != 0) {
                throw new OutOfOrderSequenceException("Producer " + batch.producerId() + " started epoch "
                        + batchEpoch + " at sequence " + batch.baseSequence() + " on " + partition
                        + "; a new epoch must start at 0");
            }
            record(batchEpoch, batch.baseSequence(), batch.lastSequence(), -1, -1);
            return -1;
        }

        void record(short batchEpoch, int firstSeq, int lastSeq, long baseOffset, long lastOffset) {
            if (batchEpoch != epoch) {
                epoch = batchEpoch;
                recent.clear();
            }
            if (recent.size() == RETAINED_BATCHES) {
                recent.pollFirst();
            }
            recent.addLast(new long[] {firstSeq, lastSeq, baseOffset, lastOffset});
        }
    }
}
