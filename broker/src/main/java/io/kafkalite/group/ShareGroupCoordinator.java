package io.kafkalite.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import io.kafkalite.metadata.GroupConfigs;
import io.kafkalite.time.BrokerTimer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.FencedMemberEpochException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupMaxSizeReachedException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * Share group membership (KIP-932): ShareGroupHeartbeat and ShareGroupDescribe. Each heartbeat applies the member's
 * join, leave or subscription change (bumping the group epoch), recomputes the target assignment with the
 * {@link ShareAssignor} when the epoch moved, and gives the member its target at once: a share group has nothing to
 * revoke. Members that stop heartbeating for {@code share.session.timeout.ms} are removed on the broker timer.
 */
final class ShareGroupCoordinator {

    private static final int LEAVE_EPOCH = -1;
    private static final int MAX_MEMBER_ID_LENGTH = 36;

    private final Map<String, Group> groups;
    private final GroupConfigs configs;
    private final int maxSize;
    private final BrokerTimer timer;
    private final List<BiConsumer<String, String>> memberRemovedListeners = new ArrayList<>();

    ShareGroupCoordinator(Map<String, Group> groups, GroupConfigs configs, int maxSize, BrokerTimer timer) {
        this.groups = groups;
        this.configs = configs;
        this.maxSize = maxSize;
        this.timer = timer;
    }

    void onMemberRemoved(BiConsumer<String, String> listener) {
        memberRemovedListeners.add(listener);
    }

    /** After a restart: a group with share-partition state exists, empty, as in Kafka. */
    void recover(String groupId) {
        groups.putIfAbsent(groupId, new ShareGroup(groupId));
    }

    ShareGroupHeartbeatResponseData heartbeat(ShareGroupHeartbeatRequestData request, String clientId,
                                              String clientHost, TopicLookup topics) {
        try {
            return handle(request, clientId, clientHost, topics);
        } catch (ApiException e) {
            return new ShareGroupHeartbeatResponseData().setErrorCode(Errors.forException(e).code())
                    .setErrorMessage(e.getMessage()).setMemberEpoch(-1);
        }
    }

    private ShareGroupHeartbeatResponseData handle(ShareGroupHeartbeatRequestData request, String clientId,
                                                   String clientHost, TopicLookup topics) {
        String groupId = request.groupId();
        if (groupId == null || groupId.isEmpty()) {
            throw new InvalidRequestException("GroupId can't be empty");
        }
        String memberId = request.memberId();
        if (memberId == null || memberId.isEmpty() || memberId.length() > MAX_MEMBER_ID_LENGTH) {
            throw new InvalidRequestException("MemberId must be the share consumer's generated id (1 to "
                    + MAX_MEMBER_ID_LENGTH + " characters), got '" + memberId + "'");
        }
        int epoch = request.memberEpoch();
        if (epoch == LEAVE_EPOCH) {
            ShareGroup group = existingGroup(groupId);
            if (group == null || !group.members.containsKey(memberId)) {
                throw new UnknownMemberIdException("Member " + memberId + " is not in share group " + groupId);
            }
            removeMember(group, memberId);
            return new ShareGroupHeartbeatResponseData().setMemberId(memberId).setMemberEpoch(LEAVE_EPOCH);
        }
        if (epoch < 0) {
            throw new InvalidRequestException("MemberEpoch " + epoch + " is not valid: 0 joins, -1 leaves");
        }
        ShareGroup group = groupFor(groupId, epoch == 0);
        ShareGroupMember member = group.members.get(memberId);
        boolean changed = false;
        if (epoch == 0) {
            if (request.subscribedTopicNames() == null || request.subscribedTopicNames().isEmpty()) {
                throw new InvalidRequestException("SubscribedTopicNames must be set in the first heartbeat of a member");
            }
            if (member == null) {
                if (group.members.size() >= maxSize) {
                    throw new GroupMaxSizeReachedException("Share group " + groupId + " already has " + maxSize
                            + " members (group.share.max.size)");
                }
                member = new ShareGroupMember(memberId);
                group.members.put(memberId, member);
                changed = true;
            }
        } else if (member == null) {
            throw new UnknownMemberIdException("Member " + memberId + " is not in share group " + groupId
                    + ": rejoin with epoch 0");
        } else if (epoch != member.memberEpoch) {
            throw new FencedMemberEpochException("Member " + memberId + " has epoch "
                    + member.memberEpoch + ", not " + epoch + ": rejoin the share group");
        }
        member.clientId = clientId;
        member.clientHost = clientHost;
        if (request.rackId() != null) {
            member.rackId = request.rackId();
        }
        if (request.subscribedTopicNames() != null && !request.subscribedTopicNames().equals(member.subscribedTopicNames)) {
            member.subscribedTopicNames = List.copyOf(request.subscribedTopicNames());
            changed = true;
        }
        if (changed) {
            group.groupEpoch++;
        }
        refreshSubscribedTopics(group, topics);
        if (group.groupEpoch > group.assignmentEpoch) {
            computeTargetAssignment(group, topics);
        }
        Set<IdPartition> target = group.targetAssignment.getOrDefault(memberId, Set.of());
        boolean assignmentChanged = !target.equals(member.assigned);
        member.assigned = new TreeSet<>(target);
        member.memberEpoch = group.assignmentEpoch;
        scheduleSessionTimeout(group, member);

        ShareGroupHeartbeatResponseData response = new ShareGroupHeartbeatResponseData()
                .setMemberId(memberId)
                .setMemberEpoch(member.memberEpoch)
                .setHeartbeatIntervalMs(configs.intValue(groupId, GroupConfigs.SHARE_HEARTBEAT_INTERVAL_MS));
        if (epoch == 0 || request.subscribedTopicNames() != null || assignmentChanged) {
            response.setAssignment(new ShareGroupHeartbeatResponseData.Assignment()
                    .setTopicPartitions(toWire(member.assigned)));
        }
        return response;
    }

    private ShareGroup existingGroup(String groupId) {
        return groups.get(groupId) instanceof ShareGroup group ? group : null;
    }

    /** The share group, created on a first join; a group of another type keeps its id, as in Kafka. */
    private ShareGroup groupFor(String groupId, boolean joining) {
        Group group = groups.get(groupId);
        if (group instanceof ShareGroup shareGroup) {
            return shareGroup;
        }
        if (group != null && !group.isDead()) {
            throw new GroupIdNotFoundException("Group " + groupId + " is not a share group: it is a " + group.type()
                    + " group (use another group id, or delete that group first)");
        }
        if (!joining) {
            throw new UnknownMemberIdException("Share group " + groupId + " has no such member: rejoin with epoch 0");
        }
        ShareGroup created = new ShareGroup(groupId);
        groups.put(groupId, created);
        return created;
    }

    private void removeMember(ShareGroup group, String memberId) {
        if (group.members.remove(memberId) == null) {
            return;
        }
        timer.cancel(new SessionKey(group.groupId(), memberId));
        group.groupEpoch++;
        group.targetAssignment.remove(memberId);
        memberRemovedListeners.forEach(l -> l.accept(group.groupId(), memberId));
    }

    private void scheduleSessionTimeout(ShareGroup group, ShareGroupMember member) {
        long timeout = TimeUnit.MILLISECONDS.toNanos(configs.intValue(group.groupId(), GroupConfigs.SHARE_SESSION_TIMEOUT_MS));
        timer.scheduleAfter(new SessionKey(group.groupId(), member.memberId), timeout, () -> {
            if (groups.get(group.groupId()) == group) {
                removeMember(group, member.memberId);
            }
        });
    }

    private static void refreshSubscribedTopics(ShareGroup group, TopicLookup topics) {
        Map<String, Integer> subscribed = new TreeMap<>();
        for (ShareGroupMember member : group.members.values()) {
            for (String name : member.subscribedTopicNames) {
                TopicLookup.TopicInfo topic = topics.byName(name);
                if (topic != null) {
                    subscribed.put(topic.name() + "/" + topic.id(), topic.partitions());
                }
            }
        }
        if (!subscribed.equals(group.subscribedTopics)) {
            group.subscribedTopics = subscribed;
            group.groupEpoch++;
        }
    }

    private static void computeTargetAssignment(ShareGroup group, TopicLookup topics) {
        Map<String, Set<IdPartition>> eligible = new TreeMap<>();
        for (ShareGroupMember member : group.members.values()) {
            Set<IdPartition> partitions = new TreeSet<>();
            for (String name : member.subscribedTopicNames) {
                TopicLookup.TopicInfo topic = topics.byName(name);
                if (topic != null) {
                    for (int p = 0; p < topic.partitions(); p++) {
                        partitions.add(new IdPartition(topic.id(), p));
                    }
                }
            }
            eligible.put(member.memberId, partitions);
        }
        group.targetAssignment = eligible.isEmpty() ? new HashMap<>()
                : new HashMap<>(ShareAssignor.assign(eligible, group.targetAssignment));
        group.assignmentEpoch = group.groupEpoch;
    }

    /** Every partition assigned to a member of the group, by topic name (for share-partition initialization). */
    List<TopicPartition> assignedPartitions(String groupId, TopicLookup topics) {
        ShareGroup group = existingGroup(groupId);
        List<TopicPartition> result = new ArrayList<>();
        if (group == null) {
            return result;
        }
        Set<IdPartition> all = new TreeSet<>();
        group.targetAssignment.values().forEach(all::addAll);
        for (IdPartition p : all) {
            TopicLookup.TopicInfo topic = topics.byId(p.topicId());
            if (topic != null) {
                result.add(new TopicPartition(topic.name(), p.partition()));
            }
        }
        return result;
    }

    private static List<ShareGroupHeartbeatResponseData.TopicPartitions> toWire(Set<IdPartition> partitions) {
        Map<Uuid, List<Integer>> byTopic = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        partitions.forEach(p -> byTopic.computeIfAbsent(p.topicId(), t -> new ArrayList<>()).add(p.partition()));
        List<ShareGroupHeartbeatResponseData.TopicPartitions> wire = new ArrayList<>();
        byTopic.forEach((topic, ps) -> wire.add(new ShareGroupHeartbeatResponseData.TopicPartitions()
                .setTopicId(topic).setPartitions(ps)));
        return wire;
    }

    /** ShareGroupDescribe of one group. */
    ShareGroupDescribeResponseData.DescribedGroup describe(String groupId, TopicLookup topics) {
        ShareGroupDescribeResponseData.DescribedGroup described =
                new ShareGroupDescribeResponseData.DescribedGroup().setGroupId(groupId);
        if (groupId == null || groupId.isEmpty()) {
            return described.setErrorCode(Errors.INVALID_GROUP_ID.code()).setErrorMessage(GroupCoordinator.EMPTY_GROUP_ID);
        }
        Group group = groups.get(groupId);
        if (!(group instanceof ShareGroup shareGroup) || group.isDead()) {
            return described.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                    .setErrorMessage(group == null ? "Group " + groupId + " not found."
                            : "Group " + groupId + " is not a share group.");
        }
        List<ShareGroupDescribeResponseData.Member> members = new ArrayList<>();
        for (ShareGroupMember m : shareGroup.members.values()) {
            members.add(new ShareGroupDescribeResponseData.Member()
                    .setMemberId(m.memberId)
                    .setRackId(m.rackId)
                    .setMemberEpoch(m.memberEpoch)
                    .setClientId(m.clientId == null ? "" : m.clientId)
                    .setClientHost(m.clientHost == null ? "" : m.clientHost)
                    .setSubscribedTopicNames(m.subscribedTopicNames)
                    .setAssignment(new ShareGroupDescribeResponseData.Assignment()
                            .setTopicPartitions(describeAssignment(m.assigned, topics))));
        }
        return described.setGroupState(shareGroup.stateName())
                .setGroupEpoch(shareGroup.groupEpoch)
                .setAssignmentEpoch(shareGroup.assignmentEpoch)
                .setAssignorName(ShareAssignor.NAME)
                .setMembers(members)
                .setAuthorizedOperations(Integer.MIN_VALUE);
    }

    private static List<ShareGroupDescribeResponseData.TopicPartitions> describeAssignment(Set<IdPartition> partitions,
                                                                                          TopicLookup topics) {
        Map<Uuid, List<Integer>> byTopic = new HashMap<>();
        new TreeSet<>(partitions).forEach(p -> byTopic.computeIfAbsent(p.topicId(), t -> new ArrayList<>()).add(p.partition()));
        List<ShareGroupDescribeResponseData.TopicPartitions> described = new ArrayList<>();
        byTopic.forEach((id, ps) -> {
            TopicLookup.TopicInfo topic = topics.byId(id);
            described.add(new ShareGroupDescribeResponseData.TopicPartitions().setTopicId(id)
                    .setTopicName(topic == null ? "" : topic.name()).setPartitions(ps));
        });
        return described;
    }

    /** Whether the share group exists and has no members (Admin may then alter or delete its offsets). */
    boolean isEmptyShareGroup(String groupId) {
        ShareGroup group = existingGroup(groupId);
        return group != null && group.members.isEmpty();
    }

    /** Creates an empty share group for Admin's alterShareGroupOffsets, as Kafka does; null if the id is taken. */
    Group shareGroupForAdmin(String groupId) {
        Group group = groups.get(groupId);
        if (group == null || group.isDead()) {
            group = new ShareGroup(groupId);
            groups.put(groupId, group);
        }
        return group;
    }

    private record SessionKey(String groupId, String memberId) {
    }
}
