package io.kafkalite.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.kafkalite.metadata.RandomIds;
import io.kafkalite.time.BrokerTimer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.FencedMemberEpochException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.InvalidRegularExpression;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnsupportedAssignorException;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * The KIP-848 consumer group protocol: ConsumerGroupHeartbeat with server-side assignment and incremental
 * reconciliation, and ConsumerGroupDescribe.
 *
 * <p>Each heartbeat (1) applies the member's join, leave or changes, bumping the group epoch when membership,
 * subscriptions or the subscribed topics' partitions changed; (2) recomputes the target assignment when the group
 * epoch moved past it; (3) moves the member towards its target: partitions it must give up are revoked first and
 * the member keeps its epoch until it reports them released; partitions another member still holds are given once
 * released; then the member takes the assignment epoch.
 */
final class ConsumerGroupCoordinator {

    private static final int LEAVE_EPOCH = -1;
    private static final int STATIC_LEAVE_EPOCH = -2;

    private final Map<String, Group> groups;
    private final BrokerTimer timer;
    private final GroupCoordinatorConfig config;

    ConsumerGroupCoordinator(Map<String, Group> groups, GroupCoordinatorConfig config, BrokerTimer timer) {
        this.groups = groups;
        this.config = config;
        this.timer = timer;
    }

    ConsumerGroupHeartbeatResponseData heartbeat(ConsumerGroupHeartbeatRequestData request, short version,
                                                 String clientId, String clientHost, TopicLookup topics) {
        try {
            return handle(request, version, clientId, clientHost, topics);
        } catch (ApiException e) {
            return new ConsumerGroupHeartbeatResponseData().setErrorCode(Errors.forException(e).code())
                    .setErrorMessage(e.getMessage()).setMemberEpoch(-1);
        }
    }

    private ConsumerGroupHeartbeatResponseData handle(ConsumerGroupHeartbeatRequestData request, short version,
                                                      String clientId, String clientHost, TopicLookup topics) {
        String groupId = request.groupId();
        if (groupId == null || groupId.isEmpty()) {
            throw new InvalidRequestException("GroupId can't be empty");
        }
        int epoch = request.memberEpoch();
        if (epoch == LEAVE_EPOCH || epoch == STATIC_LEAVE_EPOCH) {
            ConsumerGroup group = existingGroup(groupId);
            if (group != null) {
                removeMember(group, request.memberId());
            }
            return new ConsumerGroupHeartbeatResponseData().setMemberId(request.memberId()).setMemberEpoch(epoch);
        }
        ConsumerGroup group = groupForHeartbeat(groupId, epoch == 0);
        ConsumerGroupMember member = epoch == 0
                ? join(group, request, version, clientId, clientHost)
                : existingMember(group, request);
        boolean changed = applyChanges(group, member, request);
        if (changed) {
            group.groupEpoch++;
        }
        scheduleSessionTimeout(group, member);
        refreshSubscribedTopics(group, topics);
        if (group.groupEpoch > group.assignmentEpoch) {
            computeTargetAssignment(group, topics);
        }
        Set<IdPartition> owned = request.topicPartitions() == null ? null : owned(request.topicPartitions());
        reconcile(group, member, owned);

        ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData()
                .setMemberId(member.memberId)
                .setMemberEpoch(member.memberEpoch)
                .setHeartbeatIntervalMs(config.consumerHeartbeatIntervalMs());
        Set<IdPartition> current = new TreeSet<>(member.assigned);
        if (epoch == 0 || !current.equals(member.lastSent) || (owned != null && !owned.equals(current))) {
            member.lastSent = current;
            response.setAssignment(new ConsumerGroupHeartbeatResponseData.Assignment()
                    .setTopicPartitions(toWire(current)));
        }
        return response;
    }

    private ConsumerGroup existingGroup(String groupId) {
        return groups.get(groupId) instanceof ConsumerGroup group ? group : null;
    }

    /** A consumer group, created on first join; an empty classic group (offsets only) is converted as Kafka does. */
    private ConsumerGroup groupForHeartbeat(String groupId, boolean joining) {
        Group group = groups.get(groupId);
        if (group instanceof ConsumerGroup consumerGroup) {
            return consumerGroup;
        }
        if (group != null && !(group.stateName().equals("Empty") || group.isDead())) {
            throw new GroupIdNotFoundException("Group " + groupId + " is not a consumer group: it uses the classic "
                    + "protocol (set group.protocol=classic, or empty the group first)");
        }
        if (!joining) {
            throw new UnknownMemberIdException("Group " + groupId + " has no such member");
        }
        ConsumerGroup created = new ConsumerGroup(groupId);
        groups.put(groupId, created);
        return created;
    }

    private ConsumerGroupMember join(ConsumerGroup group, ConsumerGroupHeartbeatRequestData request, short version,
                                     String clientId, String clientHost) {
        String memberId = request.memberId();
        if (memberId == null || memberId.isEmpty()) {
            if (version >= 1) {
                throw new InvalidRequestException("MemberId can't be empty: from version 1 the consumer generates it");
            }
            memberId = RandomIds.uuid().toString();
        }
        if (request.subscribedTopicNames() == null && request.subscribedTopicRegex() == null) {
            throw new InvalidRequestException("SubscribedTopicNames or SubscribedTopicRegex must be set when joining");
        }
        if (request.rebalanceTimeoutMs() <= 0) {
            throw new InvalidRequestException("RebalanceTimeoutMs must be provided when joining");
        }
        ConsumerGroupMember member = new ConsumerGroupMember(memberId);
        if (request.instanceId() != null) {
            // a static member coming back takes over its predecessor's partitions without a rebalance
            for (ConsumerGroupMember previous : List.copyOf(group.members.values())) {
                if (request.instanceId().equals(previous.instanceId)) {
                    member.assigned.addAll(previous.assigned);
                    member.memberEpoch = previous.memberEpoch;
                    group.members.remove(previous.memberId);
                    replaceInTarget(group, previous.memberId, memberId);
                    timer.cancel(new SessionKey(group.groupId(), previous.memberId));
                    timer.cancel(new RevocationKey(group.groupId(), previous.memberId));
                }
            }
        }
        ConsumerGroupMember existing = group.members.remove(memberId);
        if (existing != null) {
            timer.cancel(new RevocationKey(group.groupId(), memberId)); // a fenced member rejoining starts over
        }
        member.clientId = clientId;
        member.clientHost = clientHost;
        group.members.put(memberId, member);
        if (existing == null && member.memberEpoch == 0) {
            group.groupEpoch++;
        }
        return member;
    }

    private static void replaceInTarget(ConsumerGroup group, String oldId, String newId) {
        Set<IdPartition> target = group.targetAssignment.remove(oldId);
        if (target != null) {
            group.targetAssignment.put(newId, target);
        }
    }

    private ConsumerGroupMember existingMember(ConsumerGroup group, ConsumerGroupHeartbeatRequestData request) {
        ConsumerGroupMember member = group.members.get(request.memberId());
        if (member == null) {
            throw new UnknownMemberIdException("Member " + request.memberId() + " is not in group " + group.groupId());
        }
        int epoch = request.memberEpoch();
        if (epoch != member.memberEpoch) {
            // the member may have missed our last response: its previous epoch is fine if it owns nothing new
            boolean lostResponse = epoch == member.previousEpoch && (request.topicPartitions() == null
                    || member.assigned.containsAll(owned(request.topicPartitions())));
            if (!lostResponse) {
                throw new FencedMemberEpochException("Member " + member.memberId + " has epoch " + member.memberEpoch
                        + ", not " + epoch + ": rejoin the group");
            }
        }
        return member;
    }

    /** Applies what the heartbeat changed; returns whether the group epoch must move. */
    private boolean applyChanges(ConsumerGroup group, ConsumerGroupMember member,
                                 ConsumerGroupHeartbeatRequestData request) {
        boolean changed = false;
        if (request.instanceId() != null) {
            member.instanceId = request.instanceId();
        }
        if (request.rackId() != null) {
            member.rackId = request.rackId();
        }
        if (request.rebalanceTimeoutMs() > 0) {
            member.rebalanceTimeoutMs = request.rebalanceTimeoutMs();
        }
        if (request.serverAssignor() != null && !request.serverAssignor().equals(member.serverAssignor)) {
            if (ServerAssignor.named(request.serverAssignor()) == null) {
                throw new UnsupportedAssignorException("Assignor '" + request.serverAssignor()
                        + "' is not supported; use uniform or range");
            }
            member.serverAssignor = request.serverAssignor();
            changed = true;
        }
        if (request.subscribedTopicNames() != null && !request.subscribedTopicNames().equals(member.subscribedTopicNames)) {
            member.subscribedTopicNames = List.copyOf(request.subscribedTopicNames());
            changed = true;
        }
        String regex = request.subscribedTopicRegex();
        if (regex != null && !regex.equals(member.subscribedTopicRegex == null ? "" : member.subscribedTopicRegex)) {
            if (regex.isEmpty()) {
                member.subscribedTopicRegex = null;
                member.regex = null;
            } else {
                try {
                    member.regex = Pattern.compile(regex);
                } catch (PatternSyntaxException e) {
                    throw new InvalidRegularExpression("Invalid regular expression '" + regex + "': " + e.getDescription());
                }
                member.subscribedTopicRegex = regex;
            }
            changed = true;
        }
        return changed;
    }

    /** New topics matching a subscription, deleted topics and added partitions all move the group epoch. */
    private static void refreshSubscribedTopics(ConsumerGroup group, TopicLookup topics) {
        Map<String, Integer> subscribed = new TreeMap<>();
        for (TopicLookup.TopicInfo topic : topics.all()) {
            if (group.members.values().stream().anyMatch(m -> m.subscribes(topic.name()))) {
                subscribed.put(topic.name() + "/" + topic.id(), topic.partitions());
            }
        }
        if (!subscribed.equals(group.subscribedTopics)) {
            group.subscribedTopics = subscribed;
            group.groupEpoch++;
        }
    }

    private static void computeTargetAssignment(ConsumerGroup group, TopicLookup topics) {
        Map<String, Set<IdPartition>> eligible = new TreeMap<>();
        for (ConsumerGroupMember member : group.members.values()) {
            Set<IdPartition> partitions = new TreeSet<>();
            for (TopicLookup.TopicInfo topic : topics.all()) {
                if (member.subscribes(topic.name())) {
                    for (int p = 0; p < topic.partitions(); p++) {
                        partitions.add(new IdPartition(topic.id(), p));
                    }
                }
            }
            eligible.put(member.memberId, partitions);
        }
        ServerAssignor assignor = group.members.values().stream()
                .map(m -> m.serverAssignor).filter(a -> a != null).map(ServerAssignor::named)
                .findFirst().orElse(ServerAssignor.UNIFORM);
        group.assignorName = assignor.label();
        group.targetAssignment = eligible.isEmpty() ? new HashMap<>() : assignor.assign(eligible, group.targetAssignment);
        group.assignmentEpoch = group.groupEpoch;
    }

    /**
     * Moves the member towards its target. Partitions it must give up are revoked first (it keeps its epoch until
     * it reports them released); then it takes the assignment epoch and every target partition no other member
     * still holds.
     */
    private void reconcile(ConsumerGroup group, ConsumerGroupMember member, Set<IdPartition> owned) {
        Set<IdPartition> target = group.targetAssignment.getOrDefault(member.memberId, Set.of());
        if (!member.pendingRevocation.isEmpty() && owned != null) {
            member.pendingRevocation.retainAll(owned); // what it no longer reports is released
        }
        Set<IdPartition> revoke = new HashSet<>(member.assigned);
        revoke.removeAll(target);
        if (!revoke.isEmpty()) {
            member.assigned.removeAll(revoke);
            member.pendingRevocation.addAll(revoke);
            if (owned != null) {
                member.pendingRevocation.retainAll(owned);
            }
        }
        if (!member.pendingRevocation.isEmpty()) {
            scheduleRevocationTimeout(group, member);
            return;
        }
        timer.cancel(new RevocationKey(group.groupId(), member.memberId));
        Set<IdPartition> heldByOthers = new HashSet<>();
        for (ConsumerGroupMember other : group.members.values()) {
            if (other != member) {
                heldByOthers.addAll(other.assigned);
                heldByOthers.addAll(other.pendingRevocation);
            }
        }
        for (IdPartition p : target) {
            if (!heldByOthers.contains(p)) {
                member.assigned.add(p);
            }
        }
        if (member.memberEpoch != group.assignmentEpoch) {
            member.previousEpoch = member.memberEpoch;
            member.memberEpoch = group.assignmentEpoch;
        }
    }

    private void removeMember(ConsumerGroup group, String memberId) {
        if (group.members.remove(memberId) != null) {
            group.targetAssignment.remove(memberId);
            group.groupEpoch++;
        }
        timer.cancel(new SessionKey(group.groupId(), memberId));
        timer.cancel(new RevocationKey(group.groupId(), memberId));
    }

    private void scheduleSessionTimeout(ConsumerGroup group, ConsumerGroupMember member) {
        long deadline = timer.clock().nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.consumerSessionTimeoutMs());
        timer.schedule(new SessionKey(group.groupId(), member.memberId), deadline,
                () -> removeMember(group, member.memberId));
    }

    /** A member that does not release its revoked partitions within its rebalance timeout is removed. */
    private void scheduleRevocationTimeout(ConsumerGroup group, ConsumerGroupMember member) {
        RevocationKey key = new RevocationKey(group.groupId(), member.memberId);
        if (!timer.isScheduled(key)) {
            long deadline = timer.clock().nanoTime() + TimeUnit.MILLISECONDS.toNanos(member.rebalanceTimeoutMs);
            timer.schedule(key, deadline, () -> removeMember(group, member.memberId));
        }
    }

    private static Set<IdPartition> owned(List<ConsumerGroupHeartbeatRequestData.TopicPartitions> topicPartitions) {
        Set<IdPartition> owned = new TreeSet<>();
        for (ConsumerGroupHeartbeatRequestData.TopicPartitions tp : topicPartitions) {
            tp.partitions().forEach(p -> owned.add(new IdPartition(tp.topicId(), p)));
        }
        return owned;
    }

    private static List<ConsumerGroupHeartbeatResponseData.TopicPartitions> toWire(Set<IdPartition> partitions) {
        Map<Uuid, List<Integer>> byTopic = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        partitions.forEach(p -> byTopic.computeIfAbsent(p.topicId(), t -> new ArrayList<>()).add(p.partition()));
        List<ConsumerGroupHeartbeatResponseData.TopicPartitions> wire = new ArrayList<>();
        byTopic.forEach((topic, ps) -> wire.add(new ConsumerGroupHeartbeatResponseData.TopicPartitions()
                .setTopicId(topic).setPartitions(ps)));
        return wire;
    }

    /** ConsumerGroupDescribe of one group: members with their current and target assignments. */
    ConsumerGroupDescribeResponseData.DescribedGroup describe(String groupId, TopicLookup topics) {
        ConsumerGroupDescribeResponseData.DescribedGroup described =
                new ConsumerGroupDescribeResponseData.DescribedGroup().setGroupId(groupId);
        if (groupId == null || groupId.isEmpty()) {
            return described.setErrorCode(Errors.INVALID_GROUP_ID.code()).setErrorMessage(GroupCoordinator.EMPTY_GROUP_ID);
        }
        Group group = groups.get(groupId);
        if (!(group instanceof ConsumerGroup consumerGroup) || group.isDead()) {
            return described.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                    .setErrorMessage(group == null ? "Group " + groupId + " not found."
                            : "Group " + groupId + " is not a consumer group.");
        }
        List<ConsumerGroupDescribeResponseData.Member> members = new ArrayList<>();
        for (ConsumerGroupMember m : consumerGroup.members.values()) {
            members.add(new ConsumerGroupDescribeResponseData.Member()
                    .setMemberId(m.memberId)
                    .setInstanceId(m.instanceId)
                    .setRackId(m.rackId)
                    .setMemberEpoch(m.memberEpoch)
                    .setClientId(m.clientId == null ? "" : m.clientId)
                    .setClientHost(m.clientHost == null ? "" : m.clientHost)
                    .setSubscribedTopicNames(m.subscribedTopicNames)
                    .setSubscribedTopicRegex(m.subscribedTopicRegex)
                    .setAssignment(describeAssignment(m.assigned, topics))
                    .setTargetAssignment(describeAssignment(
                            consumerGroup.targetAssignment.getOrDefault(m.memberId, Set.of()), topics)));
        }
        return described.setGroupState(consumerGroup.stateName())
                .setGroupEpoch(consumerGroup.groupEpoch)
                .setAssignmentEpoch(consumerGroup.assignmentEpoch)
                .setAssignorName(consumerGroup.assignorName)
                .setMembers(members)
                .setAuthorizedOperations(Integer.MIN_VALUE);
    }

    private static ConsumerGroupDescribeResponseData.Assignment describeAssignment(Set<IdPartition> partitions,
                                                                                  TopicLookup topics) {
        Map<Uuid, List<Integer>> byTopic = new HashMap<>();
        new TreeSet<>(partitions).forEach(p -> byTopic.computeIfAbsent(p.topicId(), t -> new ArrayList<>()).add(p.partition()));
        List<ConsumerGroupDescribeResponseData.TopicPartitions> described = new ArrayList<>();
        byTopic.forEach((id, ps) -> {
            TopicLookup.TopicInfo topic = topics.byId(id);
            described.add(new ConsumerGroupDescribeResponseData.TopicPartitions().setTopicId(id)
                    .setTopicName(topic == null ? "" : topic.name()).setPartitions(ps));
        });
        return new ConsumerGroupDescribeResponseData.Assignment().setTopicPartitions(described);
    }

    // ---------------------------------------------------------------- test control

    /** Removes a member as its session expiring would; false when the group has no such member. */
    boolean expireMember(ConsumerGroup group, String memberId) {
        if (!group.members.containsKey(memberId)) {
            return false;
        }
        removeMember(group, memberId);
        return true;
    }

    /** Moves the group epoch so the assignment is computed again; false for a group without members. */
    boolean forceRebalance(ConsumerGroup group) {
        if (group.members.isEmpty()) {
            return false;
        }
        group.groupEpoch++;
        return true;
    }

    GroupView view(ConsumerGroup group, TopicLookup topics) {
        List<GroupView.Member> members = new ArrayList<>();
        for (ConsumerGroupMember m : group.members.values()) {
            Map<String, List<Integer>> assignment = new TreeMap<>();
            for (IdPartition p : new TreeSet<>(m.assigned)) {
                TopicLookup.TopicInfo topic = topics.byId(p.topicId());
                assignment.computeIfAbsent(topic == null ? p.topicId().toString() : topic.name(),
                        t -> new ArrayList<>()).add(p.partition());
            }
            members.add(new GroupView.Member(m.memberId, m.instanceId, m.clientId, m.clientHost, assignment));
        }
        return new GroupView(group.groupId(), group.type().toString(), group.stateName(), group.groupEpoch, members);
    }

    private record SessionKey(String groupId, String memberId) {
    }

    private record RevocationKey(String groupId, String memberId) {
    }
}
