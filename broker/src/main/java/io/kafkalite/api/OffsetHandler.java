package io.kafkalite.api;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import io.kafkalite.group.GroupCoordinator;
import io.kafkalite.metadata.Topic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;

/**
 * Committed offsets: OffsetCommit, OffsetFetch (one group, or many from v8) and OffsetDelete. Topics are
 * resolved here (by name, or by id from v10); the coordinator decides everything about the group.
 */
final class OffsetHandler implements ApiHandler {

    private static final short TOPIC_ID_VERSION = 10;

    private final BrokerState state;
    private final GroupCoordinator coordinator;

    OffsetHandler(BrokerState state, GroupCoordinator coordinator) {
        this.state = state;
        this.coordinator = coordinator;
    }

    @Override
    public void handle(ApiRequest request) {
        if (request.apiKey() == ApiKeys.OFFSET_COMMIT) {
            commit(request);
        } else if (request.apiKey() == ApiKeys.OFFSET_FETCH) {
            fetch(request);
        } else {
            OffsetDeleteRequestData data = request.data();
            request.respond(coordinator.deleteOffsets(data.groupId(), new ArrayList<>(data.topics())));
        }
    }

    private void commit(ApiRequest request) {
        OffsetCommitRequestData data = request.data();
        boolean byId = request.version() >= TOPIC_ID_VERSION;
        // Unknown topics are answered here, the rest goes to the coordinator; the response keeps request order.
        OffsetCommitRequestData known = data.duplicate().setTopics(new ArrayList<>());
        List<Topic> resolved = new ArrayList<>();
        for (OffsetCommitRequestTopic topic : data.topics()) {
            Topic t = byId ? state.topics().get(topic.topicId()) : state.topics().get(topic.name());
            resolved.add(t);
            if (t != null) {
                known.topics().add(topic.duplicate().setName(t.name()).setTopicId(t.id()));
            }
        }
        Iterator<OffsetCommitResponseTopic> committed = coordinator.commitOffsets(known, request.version()).topics().iterator();
        OffsetCommitResponseData response = new OffsetCommitResponseData();
        for (int i = 0; i < data.topics().size(); i++) {
            OffsetCommitRequestTopic topic = data.topics().get(i);
            OffsetCommitResponseTopic topicResponse;
            if (resolved.get(i) != null) {
                topicResponse = committed.next();
            } else {
                Errors error = byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
                topicResponse = new OffsetCommitResponseTopic();
                for (OffsetCommitRequestData.OffsetCommitRequestPartition p : topic.partitions()) {
                    topicResponse.partitions().add(new OffsetCommitResponsePartition()
                            .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code()));
                }
            }
            response.topics().add(topicResponse.setName(byId ? "" : topic.name())
                    .setTopicId(byId ? topic.topicId() : Uuid.ZERO_UUID));
        }
        request.respond(response);
    }

    private void fetch(ApiRequest request) {
        OffsetFetchRequest fetch = (OffsetFetchRequest) request.body();
        boolean byId = request.version() >= TOPIC_ID_VERSION;
        List<OffsetFetchResponseGroup> groups = new ArrayList<>();
        for (OffsetFetchRequestGroup group : fetch.groups()) {
            groups.add(byId ? fetchById(group, fetch.requireStable())
                    : coordinator.fetchOffsets(group.groupId(), group.topics(), fetch.requireStable()));
        }
        if (request.version() < 2) {
            // v0-1 have no top-level error: a group error shows in every partition.
            groups.forEach(g -> g.topics().forEach(t -> t.partitions().forEach(p -> {
                if (g.errorCode() != Errors.NONE.code()) {
                    p.setErrorCode(g.errorCode());
                }
            })));
        }
        request.respond(new OffsetFetchResponse.Builder(groups).build(request.version()).data());
    }

    /** v10+: topics by id; unknown ids answer UNKNOWN_TOPIC_ID, known ones are fetched by name. */
    private OffsetFetchResponseGroup fetchById(OffsetFetchRequestGroup group, boolean requireStable) {
        List<OffsetFetchRequestTopics> byName = null;
        List<OffsetFetchResponseTopics> unknown = new ArrayList<>();
        if (group.topics() != null) {
            byName = new ArrayList<>();
            for (OffsetFetchRequestTopics topic : group.topics()) {
                Topic t = state.topics().get(topic.topicId());
                if (t == null) {
                    OffsetFetchResponseTopics r = new OffsetFetchResponseTopics().setTopicId(topic.topicId());
                    for (int p : topic.partitionIndexes()) {
                        r.partitions().add(new OffsetFetchResponsePartitions().setPartitionIndex(p).setCommittedOffset(-1)
                                .setCommittedLeaderEpoch(-1).setMetadata("").setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
                    }
                    unknown.add(r);
                } else {
                    byName.add(topic.duplicate().setName(t.name()));
                }
            }
        }
        OffsetFetchResponseGroup response = coordinator.fetchOffsets(group.groupId(), byName, requireStable);
        for (OffsetFetchResponseTopics topic : response.topics()) {
            Topic t = state.topics().get(topic.name());
            topic.setTopicId(t == null ? Uuid.ZERO_UUID : t.id());
        }
        response.topics().removeIf(t -> t.topicId().equals(Uuid.ZERO_UUID));
        response.topics().addAll(unknown);
        return response;
    }
}
