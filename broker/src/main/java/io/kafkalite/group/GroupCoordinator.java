package io.kafkalite.group;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import io.kafkalite.metadata.BrokerConfig;
import io.kafkalite.metadata.GroupConfigs;
import io.kafkalite.time.BrokerTimer;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.StaleMemberEpochException;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartitionCollection;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopicCollection;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.message.StreamsGroupDescribeResponseData;
import org.apache.kafka.common.message.StreamsGroupHeartbeatRequestData;
import org.apache.kafka.common.message.StreamsGroupHeartbeatResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.Errors;

/**
 * The group coordinator of this node: every group (classic, KIP-848 consumer groups, share groups and streams
 * groups beside them), their committed offsets, and the admin operations on them. Runs on the broker loop thread only;
 * time comes from the injected clock, so tests drive it without sockets or sleeps.
 */
public final class GroupCoordinator {

    /** Why a request naming the empty group fails with INVALID_GROUP_ID. */
    static final String EMPTY_GROUP_ID = "The group id must not be empty.";

    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final GroupCoordinatorConfig config;
    private final OffsetStore offsets;
    private final ClassicGroupCoordinator classic;
    private final ConsumerGroupCoordinator consumer;
    /** Test control waiting for a member's next heartbeat; usually empty. */
    private final List<HeartbeatWaiter> heartbeatWaiters = new ArrayList<>();

    private final ShareGroupCoordinator share;
    private final StreamsGroupCoordinator streams;
    private final List<BiConsumer<String, Group.Type>> deletionListeners = new ArrayList<>();

    /** A coordinator whose groups all take the broker's group settings (no group configs). */
    public GroupCoordinator(GroupCoordinatorConfig config, OffsetStore offsets, BrokerTimer timer) {
        this(config, offsets, timer, GroupConfigs.withoutOverrides());
    }

    /**
     * @param offsets committed offsets; once the journal has been replayed into them, {@link #recover()} makes each
     *     group that has offsets exist (empty), as in Kafka after a restart
     * @param timer the broker's timer, whose clock the coordinator's timeouts follow
     * @param groupConfigs group-level configs (share and streams session timeouts, heartbeat intervals, ...)
     */
    public GroupCoordinator(GroupCoordinatorConfig config, OffsetStore offsets, BrokerTimer timer,
                            GroupConfigs groupConfigs) {
        this.config = config;
        this.offsets = offsets;
        this.classic = new ClassicGroupCoordinator(groups, config, timer);
        this.consumer = new ConsumerGroupCoordinator(groups, config, timer);
        this.share = new ShareGroupCoordinator(groups, groupConfigs,
                groupConfigs.brokerInt(BrokerConfig.GROUP_SHARE_MAX_SIZE), timer);
        this.streams = new StreamsGroupCoordinator(groups, groupConfigs, timer);
    }

    /** Told (group id, type) when DeleteGroups deleted a group, so state kept elsewhere (share state) goes too. */
    public void onGroupDeleted(BiConsumer<String, Group.Type> listener) {
        deletionListeners.add(listener);
    }

    /** After the journal was replayed: every group with committed or pending offsets exists, without members. */
    public void recover() {
        for (String groupId : offsets.groups()) {
            groups.putIfAbsent(groupId, new ClassicGroup(groupId));
        }
    }

    /** After the journal was replayed: every share group with share-partition state exists, without members. */
    public void recoverShareGroups(Set<String> groupIds) {
        groupIds.forEach(share::recover);
    }

    /** The group, or null. */
    public Group group(String groupId) {
        return groups.get(groupId);
    }

    // ---------------------------------------------------------------- classic protocol

    /** JoinGroup: answered now, or later when the rebalance's join phase completes. */
    public void joinGroup(JoinGroupRequestData request, short version, String clientId, String clientHost,
                          Consumer<JoinGroupResponseData> respond) {
        classic.join(request, version, clientId, clientHost, respond);
    }

    /** SyncGroup: a follower's answer waits for the leader's assignment. */
    public void syncGroup(SyncGroupRequestData request, Consumer<SyncGroupResponseData> respond) {
        classic.sync(request, respond);
    }

    public Errors heartbeat(HeartbeatRequestData request) {
        Errors error = classic.heartbeat(request);
        if (!heartbeatWaiters.isEmpty() && (error == Errors.NONE || error == Errors.REBALANCE_IN_PROGRESS)
                && groups.get(request.groupId()) instanceof ClassicGroup group) {
            heartbeatReceived(request.groupId(), group.member(request.memberId()).clientId());
        }
        return error;
    }

    /** LeaveGroup of one or more members (v3+ batches them). */
    public LeaveGroupResponseData leaveGroup(String groupId, List<MemberIdentity> members) {
        return classic.leave(groupId, members);
    }

    // ---------------------------------------------------------------- consumer protocol (KIP-848)

    /** ConsumerGroupHeartbeat: join, leave, or report and receive the member's assignment. */
    public ConsumerGroupHeartbeatResponseData consumerGroupHeartbeat(ConsumerGroupHeartbeatRequestData request,
                                                                     short version, String clientId,
                                                                     String clientHost, TopicLookup topics) {
        ConsumerGroupHeartbeatResponseData response = consumer.heartbeat(request, version, clientId, clientHost, topics);
        if (response.errorCode() == Errors.NONE.code() && request.memberEpoch() >= 0) {
            heartbeatReceived(request.groupId(), clientId);
        }
        return response;
    }

    /** ConsumerGroupDescribe of each group id. */
    public List<ConsumerGroupDescribeResponseData.DescribedGroup> describeConsumerGroups(List<String> groupIds,
                                                                                        TopicLookup topics) {
        return groupIds.stream().map(id -> consumer.describe(id, topics)).toList();
    }

    // ---------------------------------------------------------------- share groups (KIP-932)

    /** ShareGroupHeartbeat: join, leave, or heartbeat and receive the member's assignment. */
    public ShareGroupHeartbeatResponseData shareGroupHeartbeat(ShareGroupHeartbeatRequestData request, String clientId,
                                                               String clientHost, TopicLookup topics) {
        return share.heartbeat(request, clientId, clientHost, topics);
    }

    /** ShareGroupDescribe of each group id. */
    public List<ShareGroupDescribeResponseData.DescribedGroup> describeShareGroups(List<String> groupIds,
                                                                                  TopicLookup topics) {
        return groupIds.stream().map(id -> share.describe(id, topics)).toList();
    }

    /** The partitions a share group assigns to its members (each needs a share-partition start offset). */
    public List<TopicPartition> assignedSharePartitions(String groupId, TopicLookup topics) {
        return share.assignedPartitions(groupId, topics);
    }

    /** Told (group id, member id) when a share group member leaves or its session times out. */
    public void onShareMemberRemoved(BiConsumer<String, String> listener) {
        share.onMemberRemoved(listener);
    }

    /**
     * Checks that Admin may change a share group's offsets: the group must be a share group without members. With
     * {@code createIfMissing} (alterShareGroupOffsets) an unknown group is created empty, as in Kafka.
     *
     * @return the error, {@link Errors#NONE} if allowed
     */
    public Errors validateShareOffsetsChange(String groupId, boolean createIfMissing) {
        if (groupId == null || groupId.isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        Group group = createIfMissing ? share.shareGroupForAdmin(groupId) : groups.get(groupId);
        if (group == null || group.isDead()) {
            return Errors.GROUP_ID_NOT_FOUND;
        }
        if (group.type() != Group.Type.SHARE) {
            return Errors.GROUP_ID_NOT_FOUND;
        }
        return share.isEmptyShareGroup(groupId) ? Errors.NONE : Errors.NON_EMPTY_GROUP;
    }

    // ---------------------------------------------------------------- streams groups (KIP-1071)

    /**
     * StreamsGroupHeartbeat: join (registering the topology), leave, or report owned tasks and receive the
     * member's tasks. Missing internal topics are created through {@code internalTopics} before the answer.
     */
    public StreamsGroupHeartbeatResponseData streamsGroupHeartbeat(StreamsGroupHeartbeatRequestData request,
                                                                   String clientId, String clientHost,
                                                                   TopicLookup topics,
                                                                   InternalTopicCreator internalTopics) {
        return streams.heartbeat(request, clientId, clientHost, topics, internalTopics);
    }

    /** StreamsGroupDescribe of each group id. */
    public List<StreamsGroupDescribeResponseData.DescribedGroup> describeStreamsGroups(List<String> groupIds,
                                                                                      boolean includeTopologyDescription) {
        return groupIds.stream().map(id -> streams.describe(id, includeTopologyDescription)).toList();
    }

    // ---------------------------------------------------------------- offsets

    /**
     * OffsetCommit for topics already known to exist (the API layer answers unknown topics). Generation -1 with
     * no member id commits for a group without members (an admin client, or a consumer using assign()).
     */
    public OffsetCommitResponseData commitOffsets(OffsetCommitRequestData request, short version) {
        Errors groupError = validateCommit(request, version);
        OffsetCommitResponseData response = new OffsetCommitResponseData();
        for (OffsetCommitRequestTopic topic : request.topics()) {
            OffsetCommitResponseTopic topicResponse = new OffsetCommitResponseTopic().setName(topic.name())
                    .setTopicId(topic.topicId());
            for (OffsetCommitRequestPartition p : topic.partitions()) {
                Errors error = partitionError(groupError, p.committedMetadata());
                if (error == Errors.NONE) {
                    error = committedPartitionError(request, topic.name(), p.partitionIndex());
                }
                if (error == Errors.NONE) {
                    offsets.commit(request.groupId(), new TopicPartition(topic.name(), p.partitionIndex()),
                            new CommittedOffset(p.committedOffset(), p.committedLeaderEpoch(), p.committedMetadata()));
                }
                topicResponse.partitions().add(new OffsetCommitResponsePartition()
                        .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code()));
            }
            response.topics().add(topicResponse);
        }
        return response;
    }

    /** A streams member with an older epoch may commit only partitions of tasks it has owned since then (KIP-1251). */
    private Errors committedPartitionError(OffsetCommitRequestData request, String topic, int partition) {
        Group group = groups.get(request.groupId());
        try {
            if (group != null) {
                group.validateCommittedPartition(request.memberId(), request.generationIdOrMemberEpoch(), topic, partition);
            }
            return Errors.NONE;
        } catch (ApiException e) {
            return Errors.forException(e);
        }
    }

    private Errors partitionError(Errors groupError, String metadata) {
        if (groupError == Errors.NONE && metadata != null && metadata.length() > config.offsetMetadataMaxBytes()) {
            return Errors.OFFSET_METADATA_TOO_LARGE;
        }
        return groupError;
    }

    /**
     * The group a commit goes to: an unknown group is created as a "simple" one (offsets only, no members) for a
     * commit from outside any group (generation -1), else null.
     */
    private Group groupForCommit(String groupId, int generationIdOrMemberEpoch) {
        Group group = groups.get(groupId);
        if (group == null && generationIdOrMemberEpoch < 0) {
            group = new ClassicGroup(groupId);
            groups.put(groupId, group);
        }
        return group;
    }

    private Errors validateCommit(OffsetCommitRequestData request, short version) {
        String groupId = request.groupId();
        if (groupId == null || groupId.isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        Group group = groupForCommit(groupId, request.generationIdOrMemberEpoch());
        if (group == null) {
            // v9 made the answer for a missing group explicit; older versions keep ILLEGAL_GENERATION.
            return version >= 9 ? Errors.GROUP_ID_NOT_FOUND : Errors.ILLEGAL_GENERATION;
        }
        try {
            group.validateOffsetCommit(request.memberId(), request.groupInstanceId(), request.generationIdOrMemberEpoch(),
                    false);
        } catch (ApiException e) {
            return Errors.forException(e);
        }
        if (group instanceof ClassicGroup classicGroup) {
            classic.onMemberCommitted(classicGroup, request.memberId());
        }
        return Errors.NONE;
    }

    /**
     * TxnOffsetCommit for topics already known to exist, once the transaction coordinator has checked that the
     * group's offsets belong to the producer's transaction: the member and generation are checked as KIP-447 says,
     * and the offsets stay pending until the transaction ends.
     */
    public TxnOffsetCommitResponseData commitTransactionalOffsets(TxnOffsetCommitRequestData request) {
        Errors groupError = validateTransactionalCommit(request);
        TxnOffsetCommitResponseData response = new TxnOffsetCommitResponseData();
        for (TxnOffsetCommitRequestTopic topic : request.topics()) {
            TxnOffsetCommitResponseTopic topicResponse = new TxnOffsetCommitResponseTopic().setName(topic.name());
            for (TxnOffsetCommitRequestPartition p : topic.partitions()) {
                Errors error = partitionError(groupError, p.committedMetadata());
                if (error == Errors.NONE) {
                    offsets.commitPending(request.groupId(), request.producerId(),
                            new TopicPartition(topic.name(), p.partitionIndex()),
                            new CommittedOffset(p.committedOffset(), p.committedLeaderEpoch(), p.committedMetadata()));
                }
                topicResponse.partitions().add(new TxnOffsetCommitResponsePartition()
                        .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code()));
            }
            response.topics().add(topicResponse);
        }
        return response;
    }

    private Errors validateTransactionalCommit(TxnOffsetCommitRequestData request) {
        String groupId = request.groupId();
        if (groupId == null || groupId.isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        Group group = groupForCommit(groupId, request.generationIdOrMemberEpoch());
        if (group == null) {
            return Errors.ILLEGAL_GENERATION;
        }
        try {
            group.validateOffsetCommit(request.memberId(), request.groupInstanceId(), request.generationIdOrMemberEpoch(), true);
        } catch (StaleMemberEpochException e) {
            return Errors.ILLEGAL_GENERATION; // what Kafka answers a transactional commit of an older member epoch
        } catch (ApiException e) {
            return Errors.forException(e);
        }
        return Errors.NONE;
    }

    /** A transaction that wrote offsets of the group ended: they become committed, or are dropped on abort. */
    public void completeTransaction(String groupId, long producerId, boolean commit) {
        offsets.completePending(groupId, producerId, commit);
    }

    /**
     * OffsetFetch for one group: the requested partitions (-1 where nothing is committed), or every committed
     * offset when {@code topics} is null. A group that does not exist simply has no offsets. With
     * {@code requireStable} (read_committed consumers), a partition whose offset an open transaction committed
     * answers UNSTABLE_OFFSET_COMMIT, so the consumer retries once the transaction ends.
     */
    public OffsetFetchResponseGroup fetchOffsets(String groupId, List<OffsetFetchRequestTopics> topics,
                                                 boolean requireStable) {
        OffsetFetchResponseGroup response = new OffsetFetchResponseGroup().setGroupId(groupId);
        if (groupId == null || groupId.isEmpty()) {
            return response.setErrorCode(Errors.INVALID_GROUP_ID.code());
        }
        Group group = groups.get(groupId);
        boolean known = group != null && !group.isDead();
        if (topics == null) {
            if (!known) {
                return response;
            }
            Map<String, OffsetFetchResponseTopics> byTopic = new TreeMap<>();
            offsets.all(groupId).forEach((tp, committed) -> byTopic
                    .computeIfAbsent(tp.topic(), t -> new OffsetFetchResponseTopics().setName(t))
                    .partitions().add(partition(groupId, tp, committed, requireStable)));
            return response.setTopics(new ArrayList<>(byTopic.values()));
        }
        for (OffsetFetchRequestTopics topic : topics) {
            OffsetFetchResponseTopics topicResponse = new OffsetFetchResponseTopics().setName(topic.name())
                    .setTopicId(topic.topicId());
            for (int partition : topic.partitionIndexes()) {
                TopicPartition tp = new TopicPartition(topic.name(), partition);
                CommittedOffset committed = known ? offsets.get(groupId, tp) : null;
                topicResponse.partitions().add(partition(groupId, tp, committed, requireStable && known));
            }
            response.topics().add(topicResponse);
        }
        return response;
    }

    private OffsetFetchResponsePartitions partition(String groupId, TopicPartition tp, CommittedOffset committed,
                                                    boolean requireStable) {
        if (requireStable && offsets.hasPending(groupId, tp)) {
            return new OffsetFetchResponsePartitions().setPartitionIndex(tp.partition()).setCommittedOffset(-1)
                    .setCommittedLeaderEpoch(-1).setMetadata("").setErrorCode(Errors.UNSTABLE_OFFSET_COMMIT.code());
        }
        return new OffsetFetchResponsePartitions()
                .setPartitionIndex(tp.partition())
                .setCommittedOffset(committed == null ? -1 : committed.offset())
                .setCommittedLeaderEpoch(committed == null ? -1 : committed.leaderEpoch())
                .setMetadata(committed == null ? "" : committed.metadata())
                .setErrorCode(Errors.NONE.code());
    }

    /** OffsetDelete: refused for topics the group consumes, and for non-empty groups of other protocol types. */
    public OffsetDeleteResponseData deleteOffsets(String groupId, List<OffsetDeleteRequestTopic> topics) {
        OffsetDeleteResponseData response = new OffsetDeleteResponseData();
        if (groupId == null || groupId.isEmpty()) {
            return response.setErrorCode(Errors.INVALID_GROUP_ID.code());
        }
        Group group = groups.get(groupId);
        if (group == null) {
            return response.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code());
        }
        try {
            group.validateOffsetDelete();
        } catch (ApiException e) {
            return response.setErrorCode(Errors.forException(e).code());
        }
        OffsetDeleteResponseTopicCollection topicResponses = new OffsetDeleteResponseTopicCollection();
        for (OffsetDeleteRequestTopic topic : topics) {
            boolean subscribed = group.isSubscribedToTopic(topic.name());
            OffsetDeleteResponsePartitionCollection partitions = new OffsetDeleteResponsePartitionCollection();
            topic.partitions().forEach(p -> {
                if (!subscribed) {
                    offsets.delete(groupId, new TopicPartition(topic.name(), p.partitionIndex()));
                }
                partitions.add(new OffsetDeleteResponsePartition().setPartitionIndex(p.partitionIndex())
                        .setErrorCode(subscribed ? Errors.GROUP_SUBSCRIBED_TO_TOPIC.code() : Errors.NONE.code()));
            });
            topicResponses.add(new OffsetDeleteResponseTopic().setName(topic.name()).setPartitions(partitions));
        }
        return response.setErrorCode(Errors.NONE.code()).setTopics(topicResponses);
    }

    /** Forgets committed offsets of a deleted topic. */
    public void onTopicDeleted(String topic) {
        offsets.deleteTopic(topic);
    }

    // ---------------------------------------------------------------- admin

    /**
     * ListGroups. Filters are matched case-insensitively; an empty filter matches everything.
     *
     * @param statesFilter state names ("Stable", "Empty", ...)
     * @param typesFilter group types ("classic", "consumer")
     */
    public List<ListedGroup> listGroups(List<String> statesFilter, List<String> typesFilter) {
        Set<String> states = lowerCase(statesFilter);
        Set<String> types = lowerCase(typesFilter);
        List<ListedGroup> listed = new ArrayList<>();
        for (Group group : groups.values()) {
            if (group.isDead()
                    || !states.isEmpty() && !states.contains(group.stateName().toLowerCase(Locale.ROOT))
                    || !types.isEmpty() && !types.contains(group.type().toString())) {
                continue;
            }
            listed.add(new ListedGroup()
                    .setGroupId(group.groupId())
                    .setProtocolType(group.protocolTypeOrEmpty())
                    .setGroupState(group.stateName())
                    .setGroupType(group.type().toString()));
        }
        return listed;
    }

    private static Set<String> lowerCase(List<String> values) {
        return values == null ? Set.of() : values.stream().map(v -> v.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    /**
     * DescribeGroups. A group that does not exist is described as Dead; from v6 it also gets GROUP_ID_NOT_FOUND.
     */
    public List<DescribedGroup> describeGroups(List<String> groupIds, short version) {
        List<DescribedGroup> described = new ArrayList<>();
        for (String groupId : groupIds) {
            Group group = groups.get(groupId);
            if (groupId == null || groupId.isEmpty()) {
                described.add(emptyDescription(groupId).setErrorCode(Errors.INVALID_GROUP_ID.code()));
            } else if (group == null || group.isDead() || !group.isDescribedByDescribeGroups()) {
                DescribedGroup dead = emptyDescription(groupId).setGroupState(ClassicGroupState.DEAD.toString());
                if (version >= 6) {
                    dead.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                            .setErrorMessage("Group " + groupId + " not found.");
                }
                described.add(dead);
            } else {
                described.add(group.describe().setErrorCode(Errors.NONE.code()));
            }
        }
        return described;
    }

    private static DescribedGroup emptyDescription(String groupId) {
        return new DescribedGroup().setGroupId(groupId).setGroupState("").setProtocolType("").setProtocolData("");
    }

    /** DeleteGroups: only groups without members can go; their committed offsets go with them. */
    public List<DeletableGroupResult> deleteGroups(List<String> groupIds) {
        List<DeletableGroupResult> results = new ArrayList<>();
        for (String groupId : groupIds) {
            DeletableGroupResult result = new DeletableGroupResult().setGroupId(groupId);
            Group group = groups.get(groupId);
            if (groupId == null || groupId.isEmpty()) {
                result.setErrorCode(Errors.INVALID_GROUP_ID.code());
            } else if (group == null) {
                result.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code());
            } else {
                try {
                    group.validateDelete();
                    if (group instanceof ClassicGroup classicGroup) {
                        classic.cancelTimers(classicGroup);
                    }
                    group.markDead();
                    groups.remove(groupId);
                    offsets.deleteGroup(groupId);
                    deletionListeners.forEach(l -> l.accept(groupId, group.type()));
                    result.setErrorCode(Errors.NONE.code());
                } catch (ApiException e) {
                    result.setErrorCode(Errors.forException(e).code());
                }
            }
            results.add(result);
        }
        return results;
    }

    // ---------------------------------------------------------------- test control

    /** The ids of every live group. */
    public List<String> groupIds() {
        return groups.values().stream().filter(g -> !g.isDead()).map(Group::groupId).toList();
    }

    /** The group with its members and their current assignments, or null when there is no such live group. */
    public GroupView view(String groupId, TopicLookup topics) {
        Group group = groups.get(groupId);
        if (group == null || group.isDead()) {
            return null;
        }
        if (group instanceof ConsumerGroup consumerGroup) {
            return consumer.view(consumerGroup, topics);
        }
        ClassicGroup classicGroup = (ClassicGroup) group;
        List<GroupView.Member> members = new ArrayList<>();
        for (ClassicGroupMember m : classicGroup.members()) {
            members.add(new GroupView.Member(m.memberId(), m.groupInstanceId(), m.clientId(), m.clientHost(),
                    "consumer".equals(classicGroup.protocolType()) ? decodeAssignment(m.assignment()) : Map.of()));
        }
        return new GroupView(groupId, group.type().toString(), group.stateName(), classicGroup.generationId(), members);
    }

    /** A classic consumer's assignment as the leader wrote it (ConsumerProtocol); empty if it is not one. */
    private static Map<String, List<Integer>> decodeAssignment(byte[] assignment) {
        if (assignment == null || assignment.length == 0) {
            return Map.of();
        }
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        try {
            for (TopicPartition tp : ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(assignment)).partitions()) {
                byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
            }
        } catch (RuntimeException e) {
            return Map.of(); // a custom protocol reusing the "consumer" type
        }
        byTopic.values().forEach(list -> list.sort(null));
        return byTopic;
    }

    /**
     * Removes a member now, as its session expiring would: the group rebalances without it.
     *
     * @return false when the group has no such member
     */
    public boolean expireMember(String groupId, String memberId) {
        Group group = groups.get(groupId);
        if (group instanceof ConsumerGroup consumerGroup) {
            return consumer.expireMember(consumerGroup, memberId);
        }
        return group instanceof ClassicGroup classicGroup && classic.expireMember(classicGroup, memberId);
    }

    /**
     * Starts a rebalance now: a classic group's members learn it from their next heartbeat and rejoin; a KIP-848
     * group's epoch moves, so its assignment is computed again and every member reconciles to the new epoch.
     *
     * @return false when the group has no members to rebalance
     */
    public boolean forceRebalance(String groupId) {
        Group group = groups.get(groupId);
        if (group instanceof ConsumerGroup consumerGroup) {
            return consumer.forceRebalance(consumerGroup);
        }
        return group instanceof ClassicGroup classicGroup && classic.forceRebalance(classicGroup);
    }

    /**
     * Runs {@code callback} when a member of the group with this client id next heartbeats (Heartbeat or
     * ConsumerGroupHeartbeat); its session then counts from that moment of the broker clock.
     */
    public void onNextHeartbeat(String groupId, String clientId, Runnable callback) {
        heartbeatWaiters.add(new HeartbeatWaiter(groupId, clientId, callback));
    }

    private void heartbeatReceived(String groupId, String clientId) {
        heartbeatWaiters.removeIf(waiter -> {
            if (waiter.groupId().equals(groupId) && waiter.clientId().equals(clientId)) {
                waiter.callback().run();
                return true;
            }
            return false;
        });
    }

    private record HeartbeatWaiter(String groupId, String clientId, Runnable callback) {
    }
}
