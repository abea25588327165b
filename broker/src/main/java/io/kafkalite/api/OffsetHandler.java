package io.kafkalite.api;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import io.kafkalite.group.GroupCoordinator;
import io.kafkalite.metadata.Topic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartitionCollection;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartition;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopic;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Committed offsets: OffsetCommit, OffsetFetch (one group, or many from v8) and OffsetDelete. Topics are
 * resolved here (by name, or by id from v10); the coordinator decides everything about the group.
 */
final class OffsetHandler implements ApiHandler {

    private static final short TOPIC_ID_VERSION = 10;
    /** OffsetFetch v8+ carry a list of groups (KIP-709); before, one group in top-level fields. */
    private static final short GROUPS_VERSION = 8;

    private final BrokerState state;
    private final GroupCoordinator coordinator;

    OffsetHandler(BrokerState state, GroupCoordinator coordinator) {
        this.state = state;
        this.coordinator = coordinator;
    }

    @Override
    public void handle(ApiRequest request) {
        if (request.apiKey() == KafkaApi.OFFSET_COMMIT) {
            commit(request);
        } else if (request.apiKey() == KafkaApi.OFFSET_FETCH) {
            fetch(request);
        } else {
            deleteOffsets(request);
        }
    }

    private void deleteOffsets(ApiRequest request) {
        OffsetDeleteRequestData data = request.data();
        Authorization authorization = state.authorization();
        if (!authorization.allows(request, AclOperation.DELETE, ResourceType.GROUP, data.groupId())) {
            request.respond(request.errorResponse(Errors.GROUP_AUTHORIZATION_FAILED.exception()));
            return;
        }
        Set<String> denied = authorization.denied(request, AclOperation.READ, ResourceType.TOPIC,
                data.topics().stream().map(OffsetDeleteRequestTopic::name).toList());
        OffsetDeleteResponseData response = coordinator.deleteOffsets(data.groupId(),
                data.topics().stream().filter(t -> !denied.contains(t.name())).map(OffsetDeleteRequestTopic::duplicate).toList());
        for (OffsetDeleteRequestTopic topic : data.topics()) {
            if (denied.contains(topic.name())) {
                OffsetDeleteResponsePartitionCollection partitions = new OffsetDeleteResponsePartitionCollection();
                topic.partitions().forEach(p -> partitions.add(new OffsetDeleteResponsePartition()
                        .setPartitionIndex(p.partitionIndex()).setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())));
                response.topics().add(new OffsetDeleteResponseTopic().setName(topic.name()).setPartitions(partitions));
            }
        }
        request.respond(response);
    }

    private void commit(ApiRequest request) {
        OffsetCommitRequestData data = request.data();
        Authorization authorization = state.authorization();
        if (!authorization.allows(request, AclOperation.READ, ResourceType.GROUP, data.groupId())) {
            request.respond(request.errorResponse(Errors.GROUP_AUTHORIZATION_FAILED.exception()));
            return;
        }
        boolean byId = request.version() >= TOPIC_ID_VERSION;
        // Unknown and unauthorized topics are answered here, the rest goes to the coordinator; the response keeps
        // request order. READ is checked before existence, so other topics' existence is not revealed.
        OffsetCommitRequestData known = data.duplicate().setTopics(new ArrayList<>());
        List<Topic> resolved = new ArrayList<>();
        List<Boolean> authorized = new ArrayList<>();
        for (OffsetCommitRequestTopic topic : data.topics()) {
            Topic t = byId ? state.topics().get(topic.topicId()) : state.topics().get(topic.name());
            String name = t != null ? t.name() : byId ? null : topic.name();
            boolean allowed = name == null || authorization.allows(request, AclOperation.READ, ResourceType.TOPIC, name);
            authorized.add(allowed);
            t = allowed ? t : null;
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
                Errors error = !authorized.get(i) ? Errors.TOPIC_AUTHORIZATION_FAILED
                        : byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
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
        OffsetFetchRequestData fetch = request.data();
        boolean byId = request.version() >= TOPIC_ID_VERSION;
        List<OffsetFetchResponseGroup> groups = new ArrayList<>();
        Authorization authorization = state.authorization();
        for (OffsetFetchRequestGroup group : requestedGroups(fetch, request.version())) {
            if (!authorization.allows(request, AclOperation.DESCRIBE, ResourceType.GROUP, group.groupId())) {
                groups.add(new OffsetFetchResponseGroup().setGroupId(group.groupId())
                        .setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()));
                continue;
            }
            OffsetFetchResponseGroup offsets = byId ? fetchById(group, fetch.requireStable())
                    : coordinator.fetchOffsets(group.groupId(), group.topics(), fetch.requireStable());
            if (authorization.enabled()) {
                hideUndescribableTopics(request, offsets, group.topics() == null);
            }
            groups.add(offsets);
        }
        if (request.version() < 2) {
            // v0-1 have no top-level error: a group error shows in every partition.
            groups.forEach(g -> g.topics().forEach(t -> t.partitions().forEach(p -> {
                if (g.errorCode() != Errors.NONE.code()) {
                    p.setErrorCode(g.errorCode());
                }
            })));
        }
        request.respond(responseOf(groups, request.version()));
    }

    /** The groups an OffsetFetch asks for: v8+ list them, older versions name one in top-level fields. */
    private static List<OffsetFetchRequestGroup> requestedGroups(OffsetFetchRequestData fetch, short version) {
        if (version >= GROUPS_VERSION) {
            return fetch.groups();
        }
        OffsetFetchRequestGroup group = new OffsetFetchRequestGroup().setGroupId(fetch.groupId());
        if (fetch.topics() == null) {
            group.setTopics(null); // v2+: every topic the group has offsets for
        } else {
            for (OffsetFetchRequestTopic topic : fetch.topics()) {
                group.topics().add(new OffsetFetchRequestTopics().setName(topic.name())
                        .setPartitionIndexes(topic.partitionIndexes()));
            }
        }
        return List.of(group);
    }

    /** The answer in {@code version}'s shape: before v8 the one group's error and topics move to the top level. */
    private static OffsetFetchResponseData responseOf(List<OffsetFetchResponseGroup> groups, short version) {
        if (version >= GROUPS_VERSION) {
            return new OffsetFetchResponseData().setGroups(groups);
        }
        OffsetFetchResponseGroup group = groups.get(0); // requestedGroups made exactly one
        OffsetFetchResponseData response = new OffsetFetchResponseData().setErrorCode(group.errorCode());
        for (OffsetFetchResponseTopics topic : group.topics()) {
            OffsetFetchResponseTopic single = new OffsetFetchResponseTopic().setName(topic.name());
            for (OffsetFetchResponsePartitions p : topic.partitions()) {
                single.partitions().add(new OffsetFetchResponsePartition().setPartitionIndex(p.partitionIndex())
                        .setErrorCode(p.errorCode()).setCommittedOffset(p.committedOffset())
                        .setCommittedLeaderEpoch(p.committedLeaderEpoch()).setMetadata(p.metadata()));
            }
            response.topics().add(single);
        }
        return response;
    }

    /**
     * Offsets of topics the principal may not describe: left out when all topics were asked for, answered with
     * TOPIC_AUTHORIZATION_FAILED when named, as Kafka does.
     */
    private void hideUndescribableTopics(ApiRequest request, OffsetFetchResponseGroup group, boolean allTopics) {
        Iterator<OffsetFetchResponseTopics> topics = group.topics().iterator();
        while (topics.hasNext()) {
            OffsetFetchResponseTopics topic = topics.next();
            if (topic.name() == null || topic.name().isEmpty()
                    || state.authorization().allows(request, AclOperation.DESCRIBE, ResourceType.TOPIC, topic.name())) {
                continue;
            }
            if (allTopics) {
                topics.remove();
            } else {
                topic.partitions().forEach(p -> p.setCommittedOffset(-1).setCommittedLeaderEpoch(-1).setMetadata("")
                        .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
            }
        }
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
