package io.kafkalite.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kafkalite.metadata.Listener;
import io.kafkalite.metadata.Topic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBrokerCollection;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopicCollection;
import org.apache.kafka.common.protocol.Errors;

import static org.apache.kafka.common.acl.AclOperation.CREATE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.resource.ResourceType.CLUSTER;
import static org.apache.kafka.common.resource.ResourceType.TOPIC;

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
        String refusal = versionRefusal(request.version(), data);
        if (refusal != null) {
            // as Kafka: the whole request fails, every topic INVALID_REQUEST (a null name answered as "")
            request.respond(request.errorResponse(new InvalidRequestException(refusal)));
            return;
        }
        Authorization authorization = state.authorization();
        MetadataResponseTopicCollection topics = new MetadataResponseTopicCollection();
        if (data.topics() == null) {
            // all topics: those the principal may not describe are left out, as if they did not exist
            state.topics().all().stream().filter(t -> authorization.allows(request, DESCRIBE, TOPIC, t.name()))
                    .forEach(t -> topics.add(injectedOr(request, describe(t))));
        } else {
            boolean autoCreate = state.config().autoCreateTopics() && (request.version() < 4 || data.allowAutoTopicCreation());
            for (MetadataRequestTopic requested : data.topics()) {
                topics.add(injectedOr(request, lookup(request, requested, autoCreate)));
            }
        }
        if (data.includeTopicAuthorizedOperations()) {
            topics.stream().filter(t -> t.errorCode() == Errors.NONE.code())
                    .forEach(t -> t.setTopicAuthorizedOperations(authorization.operations(request, TOPIC, t.name())));
        }
        int clusterOperations = AUTHORIZED_OPERATIONS_OMITTED;
        if (request.version() >= 8 && request.version() <= 10 && data.includeClusterAuthorizedOperations()) {
            clusterOperations = authorization.allowsCluster(request, DESCRIBE)
                    ? authorization.operations(request, CLUSTER, Authorization.CLUSTER) : 0;
        }
        MetadataResponseBrokerCollection brokers = new MetadataResponseBrokerCollection();
        Listener listener = request.listener();
        brokers.add(new MetadataResponseBroker().setNodeId(state.nodeId()).setHost(listener.advertisedHost())
                .setPort(listener.advertisedPort()));
        request.respond(new MetadataResponseData()
                .setBrokers(brokers)
                .setClusterId(state.clusterId())
                .setControllerId(state.nodeId())
                .setTopics(topics)
                .setClusterAuthorizedOperations(clusterOperations));
    }

    /**
     * Why Kafka refuses the request outright, or null: v10 and v11 carry topic ids and nullable names in the request
     * schema, but the responses of those versions cannot name a topic found by id (Kafka serves ids from v12).
     */
    private static String versionRefusal(short version, MetadataRequestData data) {
        if (version >= 12 || data.topics() == null) {
            return null;
        }
        for (MetadataRequestTopic topic : data.topics()) {
            if (topic.name() == null || !Uuid.ZERO_UUID.equals(topic.topicId())) {
                return "Metadata v" + version + " names topics by name only; looking a topic up by id takes v12 or later";
            }
        }
        return null;
    }

    /** The topic as described, or with the error test control injects for it (LEADER_NOT_AVAILABLE, say). */
    private static MetadataResponseTopic injectedOr(ApiRequest request, MetadataResponseTopic described) {
        ApiException injected = request.injectedError(described.name(), -1);
        return injected == null ? described
                : error(described.name(), described.topicId(), Errors.forException(injected));
    }

    private MetadataResponseTopic lookup(ApiRequest request, MetadataRequestTopic requested, boolean autoCreate) {
        Authorization authorization = state.authorization();
        // A topic asked for by id carries an empty name (the schema's default), not null: the id decides.
        if (!Uuid.ZERO_UUID.equals(requested.topicId())) {
            Topic topic = state.topics().get(requested.topicId());
            if (topic != null && !authorization.allows(request, DESCRIBE, TOPIC, topic.name())) {
                return error(null, topic.id(), Errors.TOPIC_AUTHORIZATION_FAILED); // ids are not secret; names are
            }
            return topic != null ? describe(topic)
                    : error(null, requested.topicId(), Errors.UNKNOWN_TOPIC_ID);
        }
        // checked before existence: an unauthorized principal learns nothing about which topics exist
        if (!authorization.allows(request, DESCRIBE, TOPIC, requested.name())) {
            return error(requested.name(), Uuid.ZERO_UUID, Errors.TOPIC_AUTHORIZATION_FAILED);
        }
        Topic topic = state.topics().get(requested.name());
        if (topic != null) {
            return describe(topic);
        }
        if (!autoCreate) {
            return error(requested.name(), Uuid.ZERO_UUID, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        if (!authorization.allowsCluster(request, CREATE) && !authorization.allows(request, CREATE, TOPIC, requested.name())) {
            return error(requested.name(), Uuid.ZERO_UUID, Errors.TOPIC_AUTHORIZATION_FAILED);
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
