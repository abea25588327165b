package io.kafkalite.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kafkalite.metadata.Topic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBrokerCollection;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopicCollection;
import org.apache.kafka.common.protocol.Errors;

/**
 * Metadata: this node leads every partition, with topic ids (without them the Java consumer caps Fetch at v12).
 * Unknown topics are created when both the client and {@code auto.create.topics.enable} allow it.
 */
final class MetadataHandler implements ApiHandler {

    /** Kafka's value for "authorized operations not requested". */
    private static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;

    private final BrokerState state;

    MetadataHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(ApiRequest request) {
        MetadataRequestData data = request.data();
        MetadataResponseTopicCollection topics = new MetadataResponseTopicCollection();
        if (data.topics() == null) {
            state.topics().all().forEach(t -> topics.add(injectedOr(request, describe(t))));
        } else {
            boolean autoCreate = state.config().autoCreateTopics() && (request.version() < 4 || data.allowAutoTopicCreation());
            for (MetadataRequestTopic requested : data.topics()) {
                topics.add(injectedOr(request, lookup(requested, autoCreate)));
            }
        }
        MetadataResponseBrokerCollection brokers = new MetadataResponseBrokerCollection();
        brokers.add(new MetadataResponseBroker().setNodeId(state.nodeId()).setHost(state.host()).setPort(state.port()));
        request.respond(new MetadataResponseData()
                .setBrokers(brokers)
                .setClusterId(state.clusterId())
                .setControllerId(state.nodeId())
                .setTopics(topics)
                .setClusterAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED));
    }

    /** The topic as described, or with the error test control injects for it (LEADER_NOT_AVAILABLE, say). */
    private static MetadataResponseTopic injectedOr(ApiRequest request, MetadataResponseTopic described) {
        ApiException injected = request.injectedError(described.name(), -1);
        return injected == null ? described
                : error(described.name(), described.topicId(), Errors.forException(injected));
    }

    private MetadataResponseTopic lookup(MetadataRequestTopic requested, boolean autoCreate) {
        // A topic asked for by id carries an empty name (the schema's default), not null: the id decides.
        if (!Uuid.ZERO_UUID.equals(requested.topicId())) {
            Topic topic = state.topics().get(requested.topicId());
            return topic != null ? describe(topic)
                    : error(null, requested.topicId(), Errors.UNKNOWN_TOPIC_ID);
        }
        Topic topic = state.topics().get(requested.name());
        if (topic != null) {
            return describe(topic);
        }
        if (!autoCreate) {
            return error(requested.name(), Uuid.ZERO_UUID, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        try {
            return describe(state.topics().create(requested.name(), state.config().numPartitions(), Map.of()));
        } catch (ApiException e) {
            return error(requested.name(), Uuid.ZERO_UUID, Errors.forException(e));
        }
    }

    private MetadataResponseTopic describe(Topic topic) {
        List<MetadataResponsePartition> partitions = new ArrayList<>(topic.partitionCount());
        List<Integer> replicas = List.of(state.nodeId());
        for (int p = 0; p < topic.partitionCount(); p++) {
            partitions.add(new MetadataResponsePartition()
                    .setPartitionIndex(p)
                    .setLeaderId(state.nodeId())
                    .setLeaderEpoch(0)
                    .setReplicaNodes(replicas)
                    .setIsrNodes(replicas)
                    .setOfflineReplicas(List.of()));
        }
        return new MetadataResponseTopic()
                .setName(topic.name())
                .setTopicId(topic.id())
                .setIsInternal(false)
                .setPartitions(partitions)
                .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
    }

    private static MetadataResponseTopic error(String name, Uuid id, Errors error) {
        return new MetadataResponseTopic()
                .setName(name)
                .setTopicId(id)
                .setErrorCode(error.code())
                .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
    }
}
