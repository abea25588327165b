package io.kafkalite.partition;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.kafkalite.log.Compaction;
import org.agrona.collections.Long2ObjectHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.TransactionCoordinatorFencedException;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * The producers of one partition, with Kafka's rules: a batch must carry the next sequence number of its producer
 * and epoch; a retried batch (one of the last five) is recognised and answered with the offset it got the first
 * time; a new epoch starts at sequence 0; a transactional batch opens the producer's transaction on this
 * partition until a COMMIT or ABORT marker closes it. Everything here is rebuilt from the stored batches when the
 * partition opens, as Kafka rebuilds its producer state from the log.
 */
final class ProducerStates {

    /** Kafka keeps the metadata of this many recent batches per producer for duplicate detection. */
    private static final int RETAINED_BATCHES = 5;

    private final TopicPartition partition;
    private final Long2ObjectHashMap<Producer> producers = new Long2ObjectHashMap<>();
    /** Open transactions by first offset: the smallest bounds the last stable offset. */
    private final TreeMap<Long, Long> openTransactionsByFirstOffset = new TreeMap<>();

    ProducerStates(TopicPartition partition) {
        this.partition = partition;
    }

    /**
     * Checks a data batch from a client without changing state.
     *
     * @return the base offset the batch already has if it is a retry of one of the last stored batches, else -1
     * @throws OutOfOrderSequenceException if its sequence number is not the next one
     * @throws InvalidProducerEpochException if it comes from an older epoch
     * @throws InvalidTxnStateException if a non-transactional batch arrives while the producer's transaction is open
     */
    long check(RecordBatch batch) {
        if (!batch.hasProducerId()) {
            return -1;
        }
        Producer producer = producers.get(batch.producerId());
        short epoch = batch.producerEpoch();
        if (producer == null) {
            return -1;
        }
        if (producer.epoch != RecordBatch.NO_PRODUCER_EPOCH && epoch < producer.epoch) {
            throw new InvalidProducerEpochException("Producer " + batch.producerId() + " epoch " + epoch
                    + " is older than the current epoch " + producer.epoch + " on " + partition);
        }
        if (epoch == producer.epoch) {
            for (long[] recent : producer.recent) {
                if (recent[0] == batch.baseSequence() && recent[1] == batch.lastSequence()) {
                    return recent[2];
                }
            }
            int last = producer.lastSequence();
            int expected = DefaultRecordBatch.incrementSequence(last, 1);
            if (last != RecordBatch.NO_SEQUENCE && batch.baseSequence() != expected) {
                throw new OutOfOrderSequenceException("Out of order sequence number for producer "
                        + batch.producerId() + " at " + partition + ": expected " + expected + ", got "
                        + batch.baseSequence() + " (epoch " + epoch + ")");
            }
        } else if (producer.epoch != RecordBatch.NO_PRODUCER_EPOCH && batch.baseSequence() != 0) {
            throw new OutOfOrderSequenceException("Producer " + batch.producerId() + " started epoch " + epoch
                    + " at sequence " + batch.baseSequence() + " on " + partition + "; a new epoch must start at 0");
        }
        if (producer.transactionFirstOffset >= 0 && !batch.isTransactional()) {
            throw new InvalidTxnStateException("Producer " + batch.producerId() + " wrote a non-transactional batch to "
                    + partition + " while its transaction there is open");
        }
        return -1;
    }

    /** Records a data batch just stored (or found while the partition opens) at the given offsets. */
    void onDataBatch(RecordBatch batch, long baseOffset, long lastOffset) {
        if (!batch.hasProducerId()) {
            return;
        }
        Producer producer = producers.computeIfAbsent(batch.producerId(), Producer::new);
        producer.record(batch.producerEpoch(), batch.baseSequence(), batch.lastSequence(), baseOffset, lastOffset);
        producer.lastTimestamp = batch.maxTimestamp();
        if (batch.isTransactional() && producer.transactionFirstOffset < 0) {
            producer.transactionFirstOffset = baseOffset;
            openTransactionsByFirstOffset.put(baseOffset, producer.id);
        }
    }

    /**
     * Checks a transaction marker of the coordinator before it is written.
     *
     * @param epochMustGrow transaction version 2 bumps the epoch before writing each marker, so a marker at the
     *     current epoch is stale, unless it repeats one already written
     * @throws InvalidProducerEpochException for a marker of an older epoch
     * @throws TransactionCoordinatorFencedException for a marker of an older coordinator epoch
     */
    void checkMarker(long producerId, short epoch, int coordinatorEpoch, boolean epochMustGrow) {
        Producer producer = producers.get(producerId);
        if (producer == null) {
            return;
        }
        boolean stale = epochMustGrow ? epoch <= producer.epoch : epoch < producer.epoch;
        boolean repeated = epochMustGrow && epoch == producer.epoch && producer.transactionFirstOffset < 0;
        if (stale && !repeated) {
            throw new InvalidProducerEpochException("Transaction marker of producer " + producerId + " at epoch "
                    + epoch + " is stale: the producer's epoch on " + partition + " is " + producer.epoch);
        }
        if (coordinatorEpoch < producer.coordinatorEpoch) {
            throw new TransactionCoordinatorFencedException("Transaction marker of coordinator epoch "
                    + coordinatorEpoch + " for producer " + producerId + " on " + partition
                    + " is older than the known coordinator epoch " + producer.coordinatorEpoch);
        }
    }

    /**
     * Records a transaction marker stored at {@code offset}, closing the producer's open transaction here.
     *
     * @return the first offset of the transaction it closed, or -1 if none was open
     */
    long onMarker(long producerId, short epoch, int coordinatorEpoch, long timestamp) {
        Producer producer = producers.computeIfAbsent(producerId, Producer::new);
        if (producer.epoch != epoch) {
            producer.epoch = epoch;
            producer.recent.clear();
        }
        producer.coordinatorEpoch = coordinatorEpoch;
        producer.lastTimestamp = timestamp;
        long firstOffset = producer.transactionFirstOffset;
        if (firstOffset >= 0) {
            openTransactionsByFirstOffset.remove(firstOffset);
            producer.transactionFirstOffset = -1;
        }
        return firstOffset;
    }

    /** The first offset of the oldest open transaction, or -1 when none is open. */
    long firstUnstableOffset() {
        return openTransactionsByFirstOffset.isEmpty() ? -1 : openTransactionsByFirstOffset.firstKey();
    }

    /** The first offset of this producer's open transaction here, or -1. */
    long openTransactionFirstOffset(long producerId) {
        Producer producer = producers.get(producerId);
        return producer == null ? -1 : producer.transactionFirstOffset;
    }

    /**
     * What compaction must keep of each producer: the last offset of its last data batch (-1 when it has written
     * only markers since its epoch began) and its epoch.
     */
    Map<Long, Compaction.LastRecord> lastRecords() {
        Map<Long, Compaction.LastRecord> last = new HashMap<>();
        for (Producer producer : producers.values()) {
            long lastDataOffset = producer.recent.isEmpty() ? -1 : producer.recent.peekLast()[3];
            last.put(producer.id, new Compaction.LastRecord(lastDataOffset, producer.epoch));
        }
        return last;
    }

    /** What DescribeProducers reports, one entry per producer that wrote here. */
    List<ProducerDescription> describe() {
        List<ProducerDescription> views = new ArrayList<>(producers.size());
        for (Producer producer : producers.values()) {
            views.add(new ProducerDescription(producer.id, producer.epoch, producer.lastSequence(), producer.lastTimestamp,
                    producer.coordinatorEpoch, producer.transactionFirstOffset));
        }
        return views;
    }

    private static final class Producer {
        final long id;
        short epoch = RecordBatch.NO_PRODUCER_EPOCH;
        int coordinatorEpoch = -1;
        long lastTimestamp = RecordBatch.NO_TIMESTAMP;
        long transactionFirstOffset = -1;
        /** The last batches: first sequence, last sequence, base offset, last offset. */
        final ArrayDeque<long[]> recent = new ArrayDeque<>(RETAINED_BATCHES);

        Producer(long id) {
            this.id = id;
        }

        int lastSequence() {
            return recent.isEmpty() ? RecordBatch.NO_SEQUENCE : (int) recent.peekLast()[1];
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
