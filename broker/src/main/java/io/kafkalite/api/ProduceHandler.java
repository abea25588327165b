package io.kafkalite.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.kafkalite.metadata.Topic;
import io.kafkalite.metadata.TopicConfigs;
import io.kafkalite.partition.Partition;
import io.kafkalite.txn.TransactionCoordinator;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidRequiredAcksException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedForMessageFormatException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponseCollection;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * Produce: validates each partition's record batch (one per partition, magic v2, CRC, size, timestamps), checks
 * a transactional batch against its transaction (version 1: the partition must have been added; version 2,
 * Produce v12+: the partition joins the transaction), and hands the batch to its partition, which checks it
 * against the producer's state and appends it as sent. On one node every acks level is satisfied by the append.
 */
final class ProduceHandler implements ApiHandler {

    /** Produce v12+ belongs to transaction version 2: a transactional batch adds its partition to the transaction. */
    private static final short ADDS_PARTITIONS_TO_TRANSACTION = 12;
    /** Produce v11+ clients know TRANSACTION_ABORTABLE. */
    private static final short KNOWS_TRANSACTION_ABORTABLE = 11;

    private final BrokerState state;
    private final TransactionCoordinator transactions;
    private final RefusedBatches refusedBatches;

    ProduceHandler(BrokerState state, TransactionCoordinator transactions) {
        this.state = state;
        this.transactions = transactions;
        this.refusedBatches = new RefusedBatches(state.topics());
    }

    @Override
    public void handle(ApiRequest request) {
        ProduceRequestData data = request.data();
        boolean validAcks = data.acks() == -1 || data.acks() == 0 || data.acks() == 1;
        long now = state.clock().epochMillis();
        // a transactional producer needs WRITE on its transactional id, checked before anything else as in Kafka
        boolean transactionalIdDenied = data.transactionalId() != null && !state.authorization().allows(request,
                AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, data.transactionalId());
        TopicProduceResponseCollection responses = new TopicProduceResponseCollection();
        for (TopicProduceData topicData : data.topicData()) {
            Topic topic = topicData.name() == null || topicData.name().isEmpty()
                    ? state.topics().get(topicData.topicId()) : state.topics().get(topicData.name());
            // WRITE is checked before existence, so an unauthorized principal learns nothing about other topics
            String name = topic != null ? topic.name() : topicData.name();
            boolean authorized = name == null || name.isEmpty()
                    || state.authorization().allows(request, AclOperation.WRITE, ResourceType.TOPIC, name);
            List<PartitionProduceResponse> partitions = new ArrayList<>();
            for (PartitionProduceData partitionData : topicData.partitionData()) {
                PartitionProduceResponse response = new PartitionProduceResponse()
                        .setIndex(partitionData.index())
                        .setBaseOffset(-1)
                        .setLogAppendTimeMs(-1)
                        .setLogStartOffset(-1);
                try {
                    if (transactionalIdDenied) {
                        throw new TransactionalIdAuthorizationException("Not authorized to write as transactional id '"
                                + data.transactionalId() + "'");
                    }
                    if (!authorized) {
                        throw new TopicAuthorizationException(Set.of(name));
                    }
                    if (!validAcks) {
                        throw new InvalidRequiredAcksException("acks must be -1, 0 or 1, got " + data.acks());
                    }
                    ApiException injected = request.injectedError(topic == null ? topicData.name() : topic.name(),
                            partitionData.index());
                    if (injected != null) {
                        noteRefused(topic, partitionData, injected);
                        throw injected; // test control fails this partition; the others are appended as usual
                    }
                    append(request.version(), data.transactionalId(), topicData, topic, partitionData, response, now);
                } catch (ApiException e) {
                    response.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
                }
                partitions.add(response);
            }
            responses.add(new TopicProduceResponse()
                    .setName(topicData.name())
                    .setTopicId(topicData.topicId())
                    .setPartitionResponses(partitions));
        }
        if (data.acks() == 0) {
            request.respondNothing();
        } else {
            request.respond(new ProduceResponseData().setResponses(responses));
        }
    }

    /** Validates and appends one partition's batch, filling {@code response}. */
    private void append(short version, String transactionalId, TopicProduceData topicData, Topic topic,
                        PartitionProduceData partitionData, PartitionProduceResponse response, long now) {
        if (topic == null) {
            throw topicData.name() == null || topicData.name().isEmpty()
                    ? new UnknownTopicIdException("Topic id " + topicData.topicId() + " does not exist")
                    : new UnknownTopicOrPartitionException("Topic '" + topicData.name() + "' does not exist");
        }
        int index = partitionData.index();
        if (!topic.hasPartition(index)) {
            throw new UnknownTopicOrPartitionException("Topic '" + topic.name() + "' has no partition " + index);
        }
        MemoryRecords records = (MemoryRecords) partitionData.records();
        MutableRecordBatch batch = singleBatch(records);
        TopicConfigs.Settings settings = topic.settings();
        validate(batch, settings, now);
        if (settings.compactPolicy()) {
            requireKeys(batch, topic.name(), index);
        }

        ApiException heldBack = refusedBatches.holdBack(topic, index, batch);
        if (heldBack != null) {
            throw heldBack;
        }
        Partition partition = state.partition(topic, index);
        if (batch.isTransactional()) {
            checkTransaction(version, transactionalId, batch, partition.id());
        }
        Partition.AppendResult result = partition.appendRecords(batch, records.buffer(), now);
        boolean logAppendTime = settings.timestampType() == TimestampType.LOG_APPEND_TIME;
        // a retried batch is acknowledged again with the offset it got the first time
        response.setBaseOffset(result.baseOffset())
                .setLogStartOffset(partition.logStartOffset())
                .setLogAppendTimeMs(logAppendTime ? now : -1);
    }

    /** A batch a fault rule refused holds back its producer's later batches to the partition until it is retried. */
    private void noteRefused(Topic topic, PartitionProduceData partitionData, ApiException injected) {
        if (topic == null || !topic.hasPartition(partitionData.index())) {
            return;
        }
        try {
            refusedBatches.refused(topic, partitionData.index(), singleBatch((MemoryRecords) partitionData.records()),
                    injected);
        } catch (ApiException malformed) {
            // a malformed batch holds nothing back: retried, it is refused for what it is
        }
    }

    private void checkTransaction(short version, String transactionalId, MutableRecordBatch batch, TopicPartition tp) {
        if (transactionalId == null) {
            throw new InvalidTxnStateException("A transactional record batch needs the producer's transactional.id "
                    + "in the produce request");
        }
        Errors error = version >= ADDS_PARTITIONS_TO_TRANSACTION
                ? transactions.addPartitions(transactionalId, batch.producerId(), batch.producerEpoch(), List.of(tp), true)
                : transactions.verifyPartition(transactionalId, batch.producerId(), batch.producerEpoch(), tp);
        error = TransactionHandler.transactionErrorForClient(error, version, KNOWS_TRANSACTION_ABORTABLE);
        if (error == Errors.INVALID_TXN_STATE) {
            throw new InvalidTxnStateException("Partition " + tp + " was not added to the transaction of '"
                    + transactionalId + "'");
        }
        if (error != Errors.NONE) {
            throw error.exception();
        }
    }

    /** Produce v3+ carries exactly one batch per partition, as Kafka requires. */
    private static MutableRecordBatch singleBatch(MemoryRecords records) {
        if (records == null) {
            throw new InvalidRecordException("Produce request has no records for the partition");
        }
        MutableRecordBatch batch = null;
        int count = 0;
        try {
            for (MutableRecordBatch b : records.batches()) {
                batch = b;
                count++;
            }
        } catch (CorruptRecordException | InvalidRecordException e) {
            throw new CorruptRecordException("Record batch is malformed: " + e.getMessage());
        }
        if (count != 1 || records.validBytes() != records.sizeInBytes()) {
            throw new InvalidRecordException("Produce requests of version 3 and above must contain exactly one "
                    + "record batch per partition, found " + count + " batch(es) in " + records.sizeInBytes() + " bytes");
        }
        return batch;
    }

    /** Compaction keeps the latest record per key: a compacted topic refuses records without one, as Kafka does. */
    private static void requireKeys(MutableRecordBatch batch, String topic, int partition) {
        try (CloseableIterator<Record> records = batch.skipKeyValueIterator(BufferSupplier.NO_CACHING)) {
            while (records.hasNext()) {
                if (!records.next().hasKey()) {
                    throw new InvalidRecordException("Compacted topic cannot accept message without key in topic "
                            + "partition " + topic + "-" + partition + ".");
                }
            }
        }
    }

    private static void validate(MutableRecordBatch batch, TopicConfigs.Settings settings, long now) {
        if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
            throw new UnsupportedForMessageFormatException("Record batches of magic v" + batch.magic()
                    + " are not supported; use a client that writes magic v2 (Kafka 0.11 or later)");
        }
        if (batch.sizeInBytes() > settings.maxMessageBytes()) {
            throw new RecordTooLargeException("Record batch of " + batch.sizeInBytes()
                    + " bytes exceeds the topic's max.message.bytes of " + settings.maxMessageBytes());
        }
        try {
            batch.ensureValid();
        } catch (CorruptRecordException e) {
            throw new CorruptRecordException("Record batch failed its CRC check: " + e.getMessage());
        }
        if (batch.isControlBatch()) {
            throw new InvalidRecordException("Clients may not write control batches");
        }
        if (settings.timestampType() == TimestampType.CREATE_TIME && batch.maxTimestamp() > now + settings.timestampAfterMaxMs()) {
            throw new InvalidTimestampException("Record timestamp " + batch.maxTimestamp() + " is more than "
                    + "message.timestamp.after.max.ms=" + settings.timestampAfterMaxMs() + " ahead of the broker's clock");
        }
        if (settings.timestampType() == TimestampType.CREATE_TIME && settings.timestampBeforeMaxMs() != Long.MAX_VALUE
                && ((DefaultRecordBatch) batch).baseTimestamp() < now - settings.timestampBeforeMaxMs()) {
            throw new InvalidTimestampException("Record timestamp " + ((DefaultRecordBatch) batch).baseTimestamp() + " is more than "
                    + "message.timestamp.before.max.ms=" + settings.timestampBeforeMaxMs() + " behind the broker's clock");
        }
    }
}
