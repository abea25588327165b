package io.kafkalite.api;

import java.util.ArrayList;
import java.util.List;

import io.kafkalite.metadata.Topic;
import io.kafkalite.txn.TransactionCoordinator;
import io.kafkalite.txn.TransactionCoordinator.ProducerIdAndEpoch;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResultCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResultCollection;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The producer side of transactions: InitProducerId (idempotent and transactional), AddPartitionsToTxn (the
 * client form of v0-3 and the batched, verify-or-add form of v4+), AddOffsetsToTxn, TxnOffsetCommit and EndTxn.
 * The state lives in the {@link TransactionCoordinator} and, for offsets, the group coordinator; this class
 * checks the ACLs Kafka checks (WRITE on the transactional id, READ on the group, WRITE on added topics) and
 * translates errors per request version as Kafka does (older clients do not know PRODUCER_FENCED or
 * TRANSACTION_ABORTABLE).
 */
final class TransactionHandler implements ApiHandler {

    /** TxnOffsetCommit v5+ belongs to transaction version 2: it adds the group to the transaction itself. */
    private static final short TXN_OFFSET_COMMIT_ADDS_GROUP = 5;
    /** TxnOffsetCommit v6 names topics by id (KIP-1319). */
    private static final short TXN_OFFSET_COMMIT_TOPIC_IDS = 6;
    /** EndTxn v5+ is transaction version 2: the epoch is bumped at every transaction end. */
    private static final short END_TXN_BUMPS_EPOCH = 5;

    private final BrokerState state;
    private final TransactionCoordinator transactions;

    TransactionHandler(BrokerState state, TransactionCoordinator transactions) {
        this.state = state;
        this.transactions = transactions;
    }

    @Override
    public void handle(ApiRequest request) {
        switch (request.apiKey()) {
            case INIT_PRODUCER_ID -> initProducerId(request);
            case ADD_PARTITIONS_TO_TXN -> addPartitions(request);
            case ADD_OFFSETS_TO_TXN -> addOffsets(request);
            case TXN_OFFSET_COMMIT -> commitOffsets(request);
            case END_TXN -> endTransaction(request);
            default -> throw new IllegalArgumentException("TransactionHandler does not serve " + request.apiKey());
        }
    }

    private boolean mayWrite(ApiRequest request, String transactionalId) {
        return state.authorization().allows(request, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, transactionalId);
    }

    private void initProducerId(ApiRequest request) {
        InitProducerIdRequestData data = request.data();
        InitProducerIdResponseData response = new InitProducerIdResponseData()
                .setProducerId(RecordBatch.NO_PRODUCER_ID).setProducerEpoch(RecordBatch.NO_PRODUCER_EPOCH);
        Authorization authorization = state.authorization();
        if (data.transactionalId() != null && !mayWrite(request, data.transactionalId())) {
            request.respond(response.setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code()));
            return;
        }
        // an idempotent producer needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic, as in Kafka
        if (data.transactionalId() == null && !authorization.allowsCluster(request, AclOperation.IDEMPOTENT_WRITE)
                && !authorization.allowsAny(request, AclOperation.WRITE, ResourceType.TOPIC)) {
            request.respond(response.setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code()));
            return;
        }
        if (data.transactionalId() == null) {
            request.respond(response.setErrorCode(Errors.NONE.code())
                    .setProducerId(state.producerIds().allocate())
                    .setProducerEpoch((short) 0));
            return;
        }
        boolean noProducerId = data.producerId() == RecordBatch.NO_PRODUCER_ID;
        boolean noEpoch = data.producerEpoch() == RecordBatch.NO_PRODUCER_EPOCH;
        if (noProducerId != noEpoch) {
            request.respond(response.setErrorCode(Errors.INVALID_REQUEST.code()));
            return;
        }
        ProducerIdAndEpoch result = transactions.initProducerId(data.transactionalId(), data.transactionTimeoutMs(),
                data.producerId(), data.producerEpoch());
        Errors error = result.error() == Errors.PRODUCER_FENCED && request.version() < 4
                ? Errors.INVALID_PRODUCER_EPOCH : result.error();
        request.respond(response.setErrorCode(error.code())
                .setProducerId(result.producerId())
                .setProducerEpoch(result.epoch()));
    }

    private void addPartitions(ApiRequest request) {
        AddPartitionsToTxnRequestData data = request.data();
        short version = request.version();
        if (version < 4) {
            AddPartitionsToTxnResult result = addOrVerify(request, data.v3AndBelowTransactionalId(),
                    data.v3AndBelowProducerId(), data.v3AndBelowProducerEpoch(), false, data.v3AndBelowTopics(), version);
            request.respond(new AddPartitionsToTxnResponseData().setResultsByTopicV3AndBelow(result.topicResults()));
            return;
        }
        // v4+ is what brokers send each other: it needs CLUSTER_ACTION, as in Kafka
        if (!state.authorization().allowsCluster(request, AclOperation.CLUSTER_ACTION)) {
            request.respond(new AddPartitionsToTxnResponseData()
                    .setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code()));
            return;
        }
        AddPartitionsToTxnResponseData.AddPartitionsToTxnResultCollection results =
                new AddPartitionsToTxnResponseData.AddPartitionsToTxnResultCollection();
        for (AddPartitionsToTxnTransaction transaction : data.transactions()) {
            results.add(addOrVerify(request, transaction.transactionalId(), transaction.producerId(),
                    transaction.producerEpoch(), transaction.verifyOnly(), transaction.topics(), version));
        }
        request.respond(new AddPartitionsToTxnResponseData().setErrorCode(Errors.NONE.code())
                .setResultsByTransaction(results));
    }

    private AddPartitionsToTxnResult addOrVerify(ApiRequest request, String transactionalId, long producerId,
                                                 short epoch, boolean verifyOnly,
                                                 AddPartitionsToTxnTopicCollection topics, short version) {
        boolean mayWrite = mayWrite(request, transactionalId);
        List<TopicPartition> known = new ArrayList<>();
        AddPartitionsToTxnTopicResultCollection results = new AddPartitionsToTxnTopicResultCollection();
        boolean anyRefused = !mayWrite;
        for (AddPartitionsToTxnTopic topic : topics) {
            Topic existing = state.topics().get(topic.name());
            boolean topicAllowed = state.authorization().allows(request, AclOperation.WRITE, ResourceType.TOPIC, topic.name());
            for (int partition : topic.partitions()) {
                if (!topicAllowed || existing == null || !existing.hasPartition(partition)) {
                    anyRefused = true;
                } else {
                    known.add(new TopicPartition(topic.name(), partition));
                }
            }
        }
        for (AddPartitionsToTxnTopic topic : topics) {
            Topic existing = state.topics().get(topic.name());
            boolean topicAllowed = state.authorization().allows(request, AclOperation.WRITE, ResourceType.TOPIC, topic.name());
            AddPartitionsToTxnPartitionResultCollection partitions = new AddPartitionsToTxnPartitionResultCollection();
            for (int partition : topic.partitions()) {
                Errors error;
                if (!mayWrite) {
                    error = Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
                } else if (!topicAllowed) {
                    error = Errors.TOPIC_AUTHORIZATION_FAILED;
                } else if (existing == null || !existing.hasPartition(partition)) {
                    error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
                } else if (anyRefused) {
                    error = Errors.OPERATION_NOT_ATTEMPTED; // Kafka adds all of them or none
                } else if (verifyOnly) {
                    error = transactions.verifyPartition(transactionalId, producerId, epoch,
                            new TopicPartition(topic.name(), partition));
                } else {
                    error = null;
                }
                partitions.add(new AddPartitionsToTxnPartitionResult().setPartitionIndex(partition)
                        .setPartitionErrorCode(error == null ? 0 : error.code()));
            }
            results.add(new AddPartitionsToTxnTopicResult().setName(topic.name()).setResultsByPartition(partitions));
        }
        if (!anyRefused && !verifyOnly) {
            Errors error = transactions.addPartitions(transactionalId, producerId, epoch, known, false);
            Errors sent = error == Errors.PRODUCER_FENCED && version < 2 ? Errors.INVALID_PRODUCER_EPOCH : error;
            results.forEach(t -> t.resultsByPartition().forEach(p -> p.setPartitionErrorCode(sent.code())));
        }
        return new AddPartitionsToTxnResult().setTransactionalId(transactionalId).setTopicResults(results);
    }

    private void addOffsets(ApiRequest request) {
        AddOffsetsToTxnRequestData data = request.data();
        Errors error;
        if (!mayWrite(request, data.transactionalId())) {
            error = Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
        } else if (!state.authorization().allows(request, AclOperation.READ, ResourceType.GROUP, data.groupId())) {
            error = Errors.GROUP_AUTHORIZATION_FAILED;
        } else if (data.transactionalId().isEmpty()) {
            error = Errors.INVALID_REQUEST; // Kafka's first check, as for AddPartitionsToTxn and EndTxn
        } else if (data.groupId() == null || data.groupId().isEmpty()) {
            error = Errors.INVALID_GROUP_ID;
        } else {
            error = transactions.addGroup(data.transactionalId(), data.producerId(), data.producerEpoch(), data.groupId(),
                    false);
        }
        if (error == Errors.PRODUCER_FENCED && request.version() < 2) {
            error = Errors.INVALID_PRODUCER_EPOCH;
        }
        request.respond(new AddOffsetsToTxnResponseData().setErrorCode(error.code()));
    }

    private void commitOffsets(ApiRequest request) {
        TxnOffsetCommitRequestData data = request.data();
        short version = request.version();
        boolean byId = version >= TXN_OFFSET_COMMIT_TOPIC_IDS;
        Errors refused = !mayWrite(request, data.transactionalId()) ? Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
                : !state.authorization().allows(request, AclOperation.READ, ResourceType.GROUP, data.groupId())
                        ? Errors.GROUP_AUTHORIZATION_FAILED : Errors.NONE;
        if (refused != Errors.NONE) {
            request.respond(request.errorResponse(refused.exception()));
            return;
        }
        TxnOffsetCommitResponseData response = new TxnOffsetCommitResponseData();
        TxnOffsetCommitRequestData known = data.duplicate().setTopics(new ArrayList<>());
        List<TxnOffsetCommitResponseTopic> unknown = new ArrayList<>();
        for (TxnOffsetCommitRequestTopic topic : data.topics()) {
            Topic existing = byId ? state.topics().get(topic.topicId()) : state.topics().get(topic.name());
            TxnOffsetCommitRequestTopic valid = topic.duplicate().setPartitions(new ArrayList<>());
            TxnOffsetCommitResponseTopic invalid = new TxnOffsetCommitResponseTopic().setName(topic.name())
                    .setTopicId(topic.topicId());
            String name = existing != null ? existing.name() : topic.name();
            boolean mayRead = name == null || name.isEmpty()
                    || state.authorization().allows(request, AclOperation.READ, ResourceType.TOPIC, name);
            for (TxnOffsetCommitRequestPartition partition : topic.partitions()) {
                Errors error = !mayRead ? Errors.TOPIC_AUTHORIZATION_FAILED
                        : existing != null && existing.hasPartition(partition.partitionIndex()) ? Errors.NONE
                        : byId && existing == null ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
                if (error == Errors.NONE) {
                    valid.partitions().add(partition);
                } else {
                    invalid.partitions().add(new TxnOffsetCommitResponsePartition()
                            .setPartitionIndex(partition.partitionIndex()).setErrorCode(error.code()));
                }
            }
            if (!valid.partitions().isEmpty()) {
                known.topics().add(valid.setName(existing.name()).setTopicId(existing.id()));
            }
            if (!invalid.partitions().isEmpty()) {
                unknown.add(invalid);
            }
        }
        if (!known.topics().isEmpty()) {
            Errors error = version >= TXN_OFFSET_COMMIT_ADDS_GROUP
                    ? transactions.addGroup(data.transactionalId(), data.producerId(), data.producerEpoch(),
                            data.groupId(), true)
                    : transactions.verifyGroup(data.transactionalId(), data.producerId(), data.producerEpoch(),
                            data.groupId());
            error = transactionErrorForClient(error, version, 4);
            if (error != Errors.NONE) {
                for (TxnOffsetCommitRequestTopic topic : known.topics()) {
                    TxnOffsetCommitResponseTopic failed = new TxnOffsetCommitResponseTopic().setName(topic.name())
                            .setTopicId(topic.topicId());
                    for (TxnOffsetCommitRequestPartition partition : topic.partitions()) {
                        failed.partitions().add(new TxnOffsetCommitResponsePartition()
                                .setPartitionIndex(partition.partitionIndex()).setErrorCode(error.code()));
                    }
                    response.topics().add(failed);
                }
            } else {
                TxnOffsetCommitResponseData committed = state.groups().commitTransactionalOffsets(known);
                for (int i = 0; i < committed.topics().size(); i++) {
                    response.topics().add(committed.topics().get(i).setTopicId(known.topics().get(i).topicId()));
                }
            }
        }
        response.topics().addAll(unknown);
        if (byId) {
            response.topics().forEach(t -> t.setName(""));
        } else {
            response.topics().forEach(t -> t.setTopicId(Uuid.ZERO_UUID));
        }
        request.respond(response);
    }

    private void endTransaction(ApiRequest request) {
        EndTxnRequestData data = request.data();
        if (!mayWrite(request, data.transactionalId())) {
            request.respond(new EndTxnResponseData().setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code()));
            return;
        }
        ProducerIdAndEpoch result = transactions.endTransaction(data.transactionalId(), data.producerId(),
                data.producerEpoch(), data.committed(), request.version() >= END_TXN_BUMPS_EPOCH);
        Errors error = result.error() == Errors.PRODUCER_FENCED && request.version() < 2
                ? Errors.INVALID_PRODUCER_EPOCH : result.error();
        request.respond(new EndTxnResponseData().setErrorCode(error.code())
                .setProducerId(result.producerId())
                .setProducerEpoch(result.epoch()));
    }

    /**
     * Translates a coordinator answer about a write inside a transaction (a produce or a transactional offset
     * commit) for the client, as Kafka's broker does: a fenced epoch shows as INVALID_PRODUCER_EPOCH, and a
     * partition or group not in the transaction as INVALID_TXN_STATE for clients older than
     * {@code abortableFromVersion}, which do not know TRANSACTION_ABORTABLE.
     */
    static Errors transactionErrorForClient(Errors error, short version, int abortableFromVersion) {
        if (error == Errors.PRODUCER_FENCED) {
            return Errors.INVALID_PRODUCER_EPOCH;
        }
        if (error == Errors.TRANSACTION_ABORTABLE && version < abortableFromVersion) {
            return Errors.INVALID_TXN_STATE;
        }
        return error;
    }
}
