package io.kafkalite.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.kafkalite.metadata.Topic;
import io.kafkalite.metadata.TopicRegistry;
import io.kafkalite.partition.Partition;
import io.kafkalite.partition.ProducerDescription;
import io.kafkalite.txn.TransactionCoordinator;
import io.kafkalite.txn.TransactionCoordinator.TransactionView;
import io.kafkalite.txn.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

/**
 * What Admin's transaction views and {@code kafka-transactions.sh} use: DescribeTransactions and
 * ListTransactions (the coordinator's view), DescribeProducers (a partition's view of its producers and open
 * transactions) and WriteTxnMarkers, which Admin.abortTransaction sends to close a hanging transaction. The ACLs
 * are Kafka's: DESCRIBE on a transactional id to see it (and on a topic to see it in a transaction), READ on a
 * topic to describe its producers, ALTER or CLUSTER_ACTION on the cluster to write markers.
 */
final class TransactionAdminHandler implements ApiHandler {

    private final BrokerState state;
    private final TransactionCoordinator transactions;

    TransactionAdminHandler(BrokerState state, TransactionCoordinator transactions) {
        this.state = state;
        this.transactions = transactions;
    }

    @Override
    public void handle(ApiRequest request) {
        switch (request.apiKey()) {
            case DESCRIBE_TRANSACTIONS -> describeTransactions(request);
            case LIST_TRANSACTIONS -> listTransactions(request);
            case DESCRIBE_PRODUCERS -> describeProducers(request);
            case WRITE_TXN_MARKERS -> writeMarkers(request);
            default -> throw new IllegalArgumentException("TransactionAdminHandler does not serve " + request.apiKey());
        }
    }

    private void describeTransactions(ApiRequest request) {
        DescribeTransactionsRequestData data = request.data();
        DescribeTransactionsResponseData response = new DescribeTransactionsResponseData();
        for (String transactionalId : data.transactionalIds()) {
            DescribeTransactionsResponseData.TransactionState described =
                    new DescribeTransactionsResponseData.TransactionState().setTransactionalId(transactionalId);
            TransactionView view = transactionalId == null || transactionalId.isEmpty() ? null
                    : transactions.describe(transactionalId);
            if (transactionalId == null || transactionalId.isEmpty()) {
                described.setErrorCode(Errors.INVALID_REQUEST.code());
            } else if (!mayDescribe(request, transactionalId)) {
                described.setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code());
            } else if (view == null) {
                described.setErrorCode(Errors.TRANSACTIONAL_ID_NOT_FOUND.code());
            } else {
                DescribeTransactionsResponseData.TopicDataCollection topics =
                        new DescribeTransactionsResponseData.TopicDataCollection();
                for (TopicPartition tp : view.partitions()) {
                    if (!state.authorization().allows(request, AclOperation.DESCRIBE, ResourceType.TOPIC, tp.topic())) {
                        continue; // as Kafka, a principal sees only the partitions of topics it may describe
                    }
                    DescribeTransactionsResponseData.TopicData topic = topics.find(tp.topic());
                    if (topic == null) {
                        topic = new DescribeTransactionsResponseData.TopicData().setTopic(tp.topic());
                        topics.add(topic);
                    }
                    topic.partitions().add(tp.partition());
                }
                described.setErrorCode(Errors.NONE.code())
                        .setProducerId(view.producerId())
                        .setProducerEpoch(view.producerEpoch())
                        .setTransactionState(view.state())
                        .setTransactionTimeoutMs(view.timeoutMs())
                        .setTransactionStartTimeMs(view.startTimestamp())
                        .setTopics(topics);
            }
            response.transactionStates().add(described);
        }
        request.respond(response);
    }

    private void listTransactions(ApiRequest request) {
        ListTransactionsRequestData data = request.data();
        Set<String> knownStates = new HashSet<>();
        for (TransactionState transactionState : TransactionState.values()) {
            knownStates.add(transactionState.kafkaName());
        }
        ListTransactionsResponseData response = new ListTransactionsResponseData();
        Set<String> states = new HashSet<>();
        for (String filter : data.stateFilters()) {
            if (knownStates.contains(filter)) {
                states.add(filter);
            } else {
                response.unknownStateFilters().add(filter);
            }
        }
        if (!data.stateFilters().isEmpty() && states.isEmpty()) {
            request.respond(response.setErrorCode(Errors.NONE.code())); // only unknown states: nothing can match
            return;
        }
        Pattern pattern = null;
        if (data.transactionalIdPattern() != null && !data.transactionalIdPattern().isEmpty()) {
            try {
                pattern = Pattern.compile(data.transactionalIdPattern());
            } catch (PatternSyntaxException e) {
                request.respond(response.setErrorCode(Errors.INVALID_REGULAR_EXPRESSION.code()));
                return;
            }
        }
        for (TransactionView view : transactions.list(states, new HashSet<>(data.producerIdFilters()),
                data.durationFilter(), pattern)) {
            if (!mayDescribe(request, view.transactionalId())) {
                continue;
            }
            response.transactionStates().add(new ListTransactionsResponseData.TransactionState()
                    .setTransactionalId(view.transactionalId())
                    .setProducerId(view.producerId())
                    .setTransactionState(view.state()));
        }
        request.respond(response.setErrorCode(Errors.NONE.code()));
    }

    private void describeProducers(ApiRequest request) {
        DescribeProducersRequestData data = request.data();
        DescribeProducersResponseData response = new DescribeProducersResponseData();
        for (DescribeProducersRequestData.TopicRequest requested : data.topics()) {
            Topic topic = state.topics().get(requested.name());
            DescribeProducersResponseData.TopicResponse topicResponse =
                    new DescribeProducersResponseData.TopicResponse().setName(requested.name());
            for (int index : requested.partitionIndexes()) {
                DescribeProducersResponseData.PartitionResponse partitionResponse =
                        new DescribeProducersResponseData.PartitionResponse().setPartitionIndex(index);
                if (!TopicRegistry.isLegalName(requested.name())) {
                    partitionResponse.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code()); // as Kafka, checked first
                } else if (!state.authorization().allows(request, AclOperation.READ, ResourceType.TOPIC, requested.name())) {
                    partitionResponse.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
                } else if (topic == null || !topic.hasPartition(index)) {
                    partitionResponse.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                } else {
                    List<DescribeProducersResponseData.ProducerState> producers = new ArrayList<>();
                    for (ProducerDescription producer : state.partition(topic, index).producers()) {
                        producers.add(new DescribeProducersResponseData.ProducerState()
                                .setProducerId(producer.producerId())
                                .setProducerEpoch(producer.epoch())
                                .setLastSequence(producer.lastSequence())
                                .setLastTimestamp(producer.lastTimestamp())
                                .setCoordinatorEpoch(producer.coordinatorEpoch())
                                .setCurrentTxnStartOffset(producer.openTransactionFirstOffset()));
                    }
                    partitionResponse.setErrorCode(Errors.NONE.code()).setActiveProducers(producers);
                }
                topicResponse.partitions().add(partitionResponse);
            }
            response.topics().add(topicResponse);
        }
        request.respond(response);
    }

    private boolean mayDescribe(ApiRequest request, String transactionalId) {
        return state.authorization().allows(request, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, transactionalId);
    }

    private void writeMarkers(ApiRequest request) {
        WriteTxnMarkersRequestData data = request.data();
        if (!state.authorization().allowsCluster(request, AclOperation.ALTER)
                && !state.authorization().allowsCluster(request, AclOperation.CLUSTER_ACTION)) {
            request.respond(request.errorResponse(Errors.CLUSTER_AUTHORIZATION_FAILED.exception()));
            return;
        }
        WriteTxnMarkersResponseData response = new WriteTxnMarkersResponseData();
        long now = state.clock().epochMillis();
        for (WriteTxnMarkersRequestData.WritableTxnMarker marker : data.markers()) {
            WriteTxnMarkersResponseData.WritableTxnMarkerResult result =
                    new WriteTxnMarkersResponseData.WritableTxnMarkerResult().setProducerId(marker.producerId());
            boolean epochMustGrow = marker.transactionVersion() >= 2;
            for (WriteTxnMarkersRequestData.WritableTxnMarkerTopic markerTopic : marker.topics()) {
                Topic topic = state.topics().get(markerTopic.name());
                WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult topicResult =
                        new WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult().setName(markerTopic.name());
                for (int index : markerTopic.partitionIndexes()) {
                    Errors error;
                    if (topic == null || !topic.hasPartition(index)) {
                        error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
                    } else {
                        Partition partition = state.partition(topic, index);
                        try {
                            partition.appendTransactionMarker(marker.producerId(), marker.producerEpoch(),
                                    marker.coordinatorEpoch(), marker.transactionResult(), epochMustGrow, now);
                            error = Errors.NONE;
                        } catch (ApiException e) {
                            error = Errors.forException(e);
                        }
                    }
                    topicResult.partitions().add(new WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult()
                            .setPartitionIndex(index).setErrorCode(error.code()));
                }
                result.topics().add(topicResult);
            }
            response.markers().add(result);
        }
        request.respond(response);
    }
}
