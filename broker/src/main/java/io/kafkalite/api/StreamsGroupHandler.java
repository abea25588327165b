package io.kafkalite.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kafkalite.group.InternalTopicCreator;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.StreamsGroupDescribeRequestData;
import org.apache.kafka.common.message.StreamsGroupDescribeResponseData;
import org.apache.kafka.common.message.StreamsGroupHeartbeatRequestData;
import org.apache.kafka.common.message.StreamsGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * The streams rebalance protocol (KIP-1071, {@code group.protocol=streams}): StreamsGroupHeartbeat and
 * StreamsGroupDescribe. Topics named by a topology are checked as Kafka's API layer does (no internal topics such
 * as {@code __consumer_offsets}, valid names); the coordinator creates missing repartition and changelog topics
 * through the topic registry, with the partition counts and configs the topology asks for.
 *
 * <p>No ACL checks yet: Kafka authorizes READ on the group, DESCRIBE on the topology's topics and CREATE for the
 * internal topics here.
 */
final class StreamsGroupHandler implements ApiHandler {

    private final BrokerState state;
    private final BrokerTopics topics;
    private final InternalTopicCreator internalTopics;

    StreamsGroupHandler(BrokerState state) {
        this.state = state;
        this.topics = new BrokerTopics(state);
        this.internalTopics = this::createInternalTopic;
    }

    @Override
    public void handle(ApiRequest request) {
        if (request.apiKey() == ApiKeys.STREAMS_GROUP_HEARTBEAT) {
            StreamsGroupHeartbeatRequestData data = request.data();
            String invalid = invalidTopology(data.topology());
            if (invalid != null) {
                request.respond(new StreamsGroupHeartbeatResponseData()
                        .setErrorCode(Errors.STREAMS_INVALID_TOPOLOGY.code()).setErrorMessage(invalid));
                return;
            }
            request.respond(state.groups().streamsGroupHeartbeat(data, request.header().clientId(),
                    request.clientHost(), topics, internalTopics));
        } else {
            StreamsGroupDescribeRequestData data = request.data();
            request.respond(new StreamsGroupDescribeResponseData()
                    .setGroups(state.groups().describeStreamsGroups(data.groupIds(), data.includeTopologyDescription())));
        }
    }

    /** Kafka refuses a topology using its internal topics or invalid topic names, before the coordinator sees it. */
    private static String invalidTopology(StreamsGroupHeartbeatRequestData.Topology topology) {
        if (topology == null) {
            return null;
        }
        for (StreamsGroupHeartbeatRequestData.Subtopology s : topology.subtopologies()) {
            List<String> names = new ArrayList<>(s.sourceTopics());
            names.addAll(s.repartitionSinkTopics());
            s.repartitionSourceTopics().forEach(t -> names.add(t.name()));
            s.stateChangelogTopics().forEach(t -> names.add(t.name()));
            for (String name : names) {
                if (Topic.isInternal(name)) {
                    return "Use of Kafka internal topics " + name + " in a Kafka Streams topology is prohibited.";
                }
                if (!Topic.isValid(name)) {
                    return "Topic names " + name + " are not valid topic names.";
                }
            }
        }
        return null;
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
