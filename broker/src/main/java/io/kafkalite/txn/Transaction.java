package io.kafkalite.txn;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.kafkalite.metadata.MetadataJournal.TransactionRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * One transactional id: the producer id and epoch it currently has (and the previous ones, so a retried request
 * can be told from a zombie), its transaction timeout, and its current or last transaction: state, partitions,
 * consumer groups whose offsets it commits, start time. Mutated only by the {@link TransactionCoordinator}.
 */
final class Transaction {

    final String transactionalId;
    long producerId;
    long previousProducerId = RecordBatch.NO_PRODUCER_ID;
    short producerEpoch = RecordBatch.NO_PRODUCER_EPOCH;
    short lastProducerEpoch = RecordBatch.NO_PRODUCER_EPOCH;
    int timeoutMs;
    TransactionState state = TransactionState.EMPTY;
    final Set<TopicPartition> partitions = new LinkedHashSet<>();
    final Set<String> groups = new LinkedHashSet<>();
    long startTimestamp = -1;
    long lastUpdateTimestamp;
    /** Transaction version 2 (KIP-890): the epoch is bumped at the end of every transaction. */
    boolean epochBumpPerTransaction;

    Transaction(String transactionalId, long producerId, int timeoutMs, long now) {
        this.transactionalId = transactionalId;
        this.producerId = producerId;
        this.timeoutMs = timeoutMs;
        this.lastUpdateTimestamp = now;
    }

    /** The producer epoch may go no higher: the next bump takes a new producer id. */
    boolean isEpochExhausted() {
        return producerEpoch >= Short.MAX_VALUE - 1;
    }

    TransactionRecord toRecord() {
        return new TransactionRecord(transactionalId, producerId, previousProducerId, producerEpoch,
                lastProducerEpoch, timeoutMs, state.kafkaName(), startTimestamp, lastUpdateTimestamp,
                epochBumpPerTransaction, List.copyOf(partitions), List.copyOf(groups));
    }

    static Transaction fromRecord(TransactionRecord record) {
        Transaction transaction = new Transaction(record.transactionalId(), record.producerId(), record.timeoutMs(),
                record.lastUpdateTimestamp());
        transaction.previousProducerId = record.previousProducerId();
        transaction.producerEpoch = record.producerEpoch();
        transaction.lastProducerEpoch = record.lastProducerEpoch();
        transaction.state = TransactionState.fromKafkaName(record.state());
        transaction.partitions.addAll(record.partitions());
        transaction.groups.addAll(record.groups());
        transaction.startTimestamp = record.startTimestamp();
        transaction.epochBumpPerTransaction = record.epochBumpPerTransaction();
        return transaction;
    }

    @Override
    public String toString() {
        return "transactional id '" + transactionalId + "' (producer " + producerId + " epoch " + producerEpoch + ", "
                + state.kafkaName() + ")";
    }
}
