package io.kafkalite.api;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kafkalite.group.InternalTopicCreator;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.StreamsGroupDescribeRequestData;
import org.apache.kafka.common.message.StreamsGroupDescribeResponseData;
import org.apache.kafka.common.message.StreamsGroupHeartbeatRequestData;
import org.apache.kafka.common.message.StreamsGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The streams rebalance protocol (KIP-1071, {@code group.protocol=streams}): StreamsGroupHeartbeat and
 * StreamsGroupDescribe. Topics named by a topology are checked as Kafka's API layer does (no internal topics such
 * as {@code __consumer_offsets}, valid names); the coordinator creates missing repartition and changelog topics
 * through the topic registry, with the partition counts and configs the topology asks for.
 *
 * <p>ACLs as Kafka checks them: READ on the group and DESCRIBE on the topology's topics for a heartbeat (internal
 * topics are created only with CREATE on the cluster or on them, else the member is told MISSING_INTERNAL_TOPICS),
 * DESCRIBE on the group for a describe.
 */
final class StreamsGroupHandler implements ApiHandler {

    private final BrokerState state;
    private final BrokerTopics topics;
    StreamsGroupHandler(BrokerState state) {
        this.state = state;
        this.topics = new BrokerTopics(state);
    }

    @Override
    public void handle(ApiRequest request) {
        if (request.apiKey() == KafkaApi.STREAMS_GROUP_HEARTBEAT) {
            StreamsGroupHeartbeatRequestData data = request.data();
            String invalid = invalidTopology(data.topology());
            if (invalid != null) {
                request.respond(new StreamsGroupHeartbeatResponseData()
                        .setErrorCode(Errors.STREAMS_INVALID_TOPOLOGY.code()).setErrorMessage(invalid));
                return;
            }
            Authorization authorization = state.authorization();
            if (!authorization.allows(request, AclOperation.READ, ResourceType.GROUP, data.groupId())) {
                request.respond(new StreamsGroupHeartbeatResponseData()
                        .setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()));
                return;
            }
            if (data.topology() != null && !authorization.denied(request, AclOperation.DESCRIBE, ResourceType.TOPIC,
                    topologyTopics(data.topology())).isEmpty()) {
                request.respond(new StreamsGroupHeartbeatResponseData()
                        .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
                return;
            }
            InternalTopicCreator creator = (name, partitions, configs) ->
                    authorization.allowsCluster(request, AclOperation.CREATE)
                            || authorization.allows(request, AclOperation.CREATE, ResourceType.TOPIC, name)
                            ? createInternalTopic(name, partitions, configs) : "Unauthorized to CREATE on topic " + name;
            request.respond(state.groups().streamsGroupHeartbeat(data, request.clientId(),
                    request.clientHost(), topics, creator));
        } else {
            StreamsGroupDescribeRequestData data = request.data();
            Authorization authorization = state.authorization();
            List<StreamsGroupDescribeResponseData.DescribedGroup> described = state.groups()
                    .describeStreamsGroups(data.groupIds(), data.includeTopologyDescription());
            for (StreamsGroupDescribeResponseData.DescribedGroup group : described) {
                if (!authorization.allows(request, AclOperation.DESCRIBE, ResourceType.GROUP, group.groupId())) {
                    group.setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()).setErrorMessage(null)
                            .setMembers(new ArrayList<>()).setGroupState("").setTopology(null);
                } else if (data.includeAuthorizedOperations()) {
                    group.setAuthorizedOperations(authorization.operations(request, ResourceType.GROUP, group.groupId()));
                }
            }
            request.respond(new StreamsGroupDescribeResponseData().setGroups(described));
        }
    }

    /** Kafka refuses a topology using its internal topics or invalid topic names, before the coordinator sees it. */
    private static String invalidTopology(StreamsGroupHeartbeatRequestData.Topology topology) {
        if (topology == null) {
            return null;
        }
        for (String name : topologyTopics(topology)) {
            if (Topic.isInternal(name)) {
                return "Use of Kafka internal topics " + name + " in a Kafka Streams topology is prohibited.";
            }
            if (!Topic.isValid(name)) {
                return "Topic names " + name + " are not valid topic names.";
            }
        }
        return null;
    }

    /** Every topic a topology names: sources, repartition topics, changelogs. */
    private static Set<String> topologyTopics(StreamsGroupHeartbeatRequestData.Topology topology) {
        Set<String> names = new LinkedHashSet<>();
        for (StreamsGroupHeartbeatRequestData.Subtopology s : topology.subtopologies()) {
            names.addAll(s.sourceTopics());
            names.addAll(s.repartitionSinkTopics());
            s.repartitionSourceTopics().forEach(t -> names.add(t.name()));
            s.stateChangelogTopics().forEach(t -> names.add(t.name()));
        }
        return names;
    }

    private String createInternalTopic(String name, int partitions, Map<String, String> configs) {
        if (state.topics().get(name) != null) {
            return null;
        }
        try {
            state.topics().create(name, partitions, configs);
            return null;
        } catch (ApiException e) {
            return Errors.forException(e).name() + ": " + e.getMessage();
        }
    }
}
