package io.kafkalite.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import io.kafkalite.metadata.BrokerConfig;
import io.kafkalite.metadata.GroupConfigs;
import io.kafkalite.time.BrokerTimer;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupMaxSizeReachedException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.StreamsInvalidTopologyEpochException;
import org.apache.kafka.common.errors.StreamsInvalidTopologyException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.message.StreamsGroupDescribeResponseData;
import org.apache.kafka.common.message.StreamsGroupHeartbeatRequestData;
import org.apache.kafka.common.message.StreamsGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * The streams rebalance protocol (KIP-1071): StreamsGroupHeartbeat and StreamsGroupDescribe, as Apache Kafka 4.2's
 * group coordinator runs them. A heartbeat (1) applies the member's join, leave or changes; (2) registers or checks
 * the topology and configures it against the topics, creating missing repartition and changelog topics on the spot
 * (one node: no round trip, so the first heartbeat of a new application already gets tasks); (3) recomputes the
 * target assignment with the {@link StreamsTaskAssignor} when the group epoch moved; (4) moves the member towards
 * its target: tasks it must give up are revoked first (it keeps its epoch until it reports them gone), tasks another
 * member still owns are given once released. Session, revocation (rebalance) and initial-delay timeouts are keyed
 * tasks on the broker timer.
 */
final class StreamsGroupCoordinator {

    private static final int LEAVE_EPOCH = -1;
    private static final int STATIC_LEAVE_EPOCH = -2;
    private static final byte STALE_TOPOLOGY = 0;
    private static final byte SHUTDOWN_APPLICATION = 4;
    private static final byte ASSIGNMENT_DELAYED = 5;

    private final Map<String, Group> groups;
    private final GroupConfigs configs;
    private final BrokerTimer timer;

    StreamsGroupCoordinator(Map<String, Group> groups, GroupConfigs configs, BrokerTimer timer) {
        this.groups = groups;
        this.configs = configs;
        this.timer = timer;
    }

    StreamsGroupHeartbeatResponseData heartbeat(StreamsGroupHeartbeatRequestData request, String clientId,
                                                String clientHost, TopicLookup topics, InternalTopicCreator creator) {
        try {
            return handle(request, clientId, clientHost, topics, creator);
        } catch (ApiException e) {
            return new StreamsGroupHeartbeatResponseData().setErrorCode(Errors.forException(e).code())
                    .setErrorMessage(e.getMessage()).setMemberId(request.memberId()).setMemberEpoch(-1);
        }
    }

    private static void validate(StreamsGroupHeartbeatRequestData request) {
        requireNonEmpty(request.memberId(), "MemberId can't be empty.");
        requireNonEmpty(request.groupId(), "GroupId can't be empty.");
        if (request.instanceId() != null) {
            throw new InvalidRequestException("Static membership is not yet supported by streams groups (as in "
                    + "Apache Kafka 4.2): remove group.instance.id");
        }
        if (request.rackId() != null && request.rackId().isEmpty()) {
            throw new InvalidRequestException("RackId can't be empty.");
        }
        if (request.memberEpoch() == 0) {
            if (request.rebalanceTimeoutMs() == -1) {
                throw new InvalidRequestException("RebalanceTimeoutMs must be provided in first request.");
            }
            if (notEmpty(request.activeTasks()) || notEmpty(request.standbyTasks()) || notEmpty(request.warmupTasks())) {
                throw new InvalidRequestException("ActiveTasks, StandbyTasks and WarmupTasks must be empty when (re-)joining.");
            }
            if (request.topology() == null) {
                throw new InvalidRequestException("Topology must be non-null when (re-)joining.");
            }
        } else if (request.memberEpoch() < STATIC_LEAVE_EPOCH) {
            throw new InvalidRequestException("MemberEpoch is " + request.memberEpoch()
                    + ", but must be greater than or equal to -2.");
        } else if (request.topology() != null && request.memberEpoch() > 0) {
            throw new InvalidRequestException("Topology can only be provided when (re-)joining.");
        }
        boolean anyTasks = request.activeTasks() != null || request.standbyTasks() != null || request.warmupTasks() != null;
        boolean allTasks = request.activeTasks() != null && request.standbyTasks() != null && request.warmupTasks() != null;
        if (anyTasks && !allTasks) {
            throw new InvalidRequestException("If one task-type is non-null, all must be non-null.");
        }
    }

    private static void requireNonEmpty(String value, String message) {
        if (value == null || value.isEmpty()) {
            throw new InvalidRequestException(message);
        }
    }

    private static boolean notEmpty(List<?> list) {
        return list != null && !list.isEmpty();
    }

    private StreamsGroupHeartbeatResponseData handle(StreamsGroupHeartbeatRequestData request, String clientId, String clientHost, TopicLookup topics,
                                                     InternalTopicCreator creator) {
        validate(request);
        String groupId = request.groupId();
        int epoch = request.memberEpoch();
        if (epoch == LEAVE_EPOCH || epoch == STATIC_LEAVE_EPOCH) {
            return leave(request);
        }
        List<StreamsGroupHeartbeatResponseData.Status> statuses = new ArrayList<>();
        StreamsGroup group = groupFor(groupId, epoch == 0);
        boolean wasEmpty = group.members.isEmpty();
        StreamsGroupMember member = group.members.get(request.memberId());
        Set<StreamsTaskId> ownedActive = tasks(request.activeTasks());
        Set<StreamsTaskId> ownedStandby = tasks(request.standbyTasks());
        boolean bump = false;
        if (epoch == 0) {
            if (member != null) {
                cancelTimers(group, member);
            } else if (group.members.size() >= configs.brokerInt(BrokerConfig.GROUP_STREAMS_MAX_SIZE)) {
                throw new GroupMaxSizeReachedException("Streams group " + groupId + " is full");
            }
            member = new StreamsGroupMember(request.memberId());
            group.members.put(member.memberId, member);
            bump = true;
        } else if (member == null) {
            throw new UnknownMemberIdException("Member " + request.memberId() + " is not in streams group " + groupId
                    + ": rejoin with epoch 0");
        } else {
            boolean ownsOnlyAssigned = (ownedActive == null || member.active.keySet().containsAll(ownedActive))
                    && (ownedStandby == null || member.standby.containsAll(ownedStandby));
            StreamsGroup.checkEpoch(member, epoch, ownsOnlyAssigned);
        }
        bump |= updateMetadata(member, request);
        member.clientId = clientId;
        member.clientHost = clientHost;

        if (request.topology() != null) {
            bump |= registerTopology(group, member, StreamsTopology.from(request.topology()));
        }
        if (group.topology != null && member.topologyEpoch < group.topology.epoch()) {
            statuses.add(status(STALE_TOPOLOGY, "The member's topology epoch " + member.topologyEpoch
                    + " is behind the group's topology epoch " + group.topology.epoch() + "."));
        }
        bump |= configureTopology(group, topics, creator, statuses);
        if (bump) {
            group.groupEpoch = group.groupEpoch == 0 ? 2 : group.groupEpoch + 1;
        }
        int delayMs = configs.intValue(groupId, GroupConfigs.STREAMS_INITIAL_REBALANCE_DELAY_MS);
        if (wasEmpty && delayMs > 0) {
            timer.scheduleAfter(new DelayKey(groupId), TimeUnit.MILLISECONDS.toNanos(delayMs), () -> {
                if (groups.get(groupId) == group) {
                    computeTargetAssignment(group);
                }
            });
        }
        int targetEpoch = group.assignmentEpoch;
        if (group.groupEpoch > group.assignmentEpoch) {
            if (timer.isScheduled(new DelayKey(groupId))) {
                targetEpoch = Math.max(1, group.assignmentEpoch);
                statuses.add(status(ASSIGNMENT_DELAYED, "Assignment delayed due to the configured initial rebalance delay."));
            } else {
                computeTargetAssignment(group);
                targetEpoch = group.assignmentEpoch;
            }
        }
        StreamsTaskAssignor.MemberTarget target = timer.isScheduled(new DelayKey(groupId)) && targetEpoch <= 1
                ? new StreamsTaskAssignor.MemberTarget(Set.of(), Set.of())
                : group.targetAssignment.getOrDefault(member.memberId,
                        new StreamsTaskAssignor.MemberTarget(Set.of(), Set.of()));
        boolean tasksChanged = reconcile(group, member, targetEpoch, target, ownedActive, ownedStandby);
        scheduleSessionTimeout(group, member);
        if (request.shutdownApplication()) {
            group.shutdownRequestedBy = member.memberId;
        }
        if (group.shutdownRequestedBy != null) {
            statuses.add(status(SHUTDOWN_APPLICATION, "Streams group member " + group.shutdownRequestedBy
                    + " encountered a fatal error and requested a shutdown for the entire application."));
        }

        StreamsGroupHeartbeatResponseData response = new StreamsGroupHeartbeatResponseData()
                .setMemberId(member.memberId)
                .setMemberEpoch(member.memberEpoch)
                .setHeartbeatIntervalMs(configs.intValue(groupId, GroupConfigs.STREAMS_HEARTBEAT_INTERVAL_MS))
                .setStatus(statuses);
        String sent = member.active.keySet() + "/" + member.standby;
        if (epoch == 0 || tasksChanged || !sent.equals(member.lastSent)) {
            member.lastSent = sent;
            response.setActiveTasks(toWire(member.active.keySet()))
                    .setStandbyTasks(toWire(member.standby))
                    .setWarmupTasks(new ArrayList<>());
            if (member.hasEndpoint()) {
                group.endpointInformationEpoch++;
            }
        }
        if (group.endpointInformationEpoch != request.endpointInformationEpoch()) {
            response.setPartitionsByUserEndpoint(endpoints(group));
        }
        return response.setEndpointInformationEpoch(group.endpointInformationEpoch);
    }

    private StreamsGroupHeartbeatResponseData leave(StreamsGroupHeartbeatRequestData request) {
        StreamsGroup group = groups.get(request.groupId()) instanceof StreamsGroup g ? g : null;
        if (group == null) {
            throw new GroupIdNotFoundException("Streams group " + request.groupId() + " not found.");
        }
        StreamsGroupMember member = group.members.get(request.memberId());
        if (member == null) {
            throw new UnknownMemberIdException("Member " + request.memberId() + " is not in streams group "
                    + request.groupId());
        }
        if (request.shutdownApplication()) {
            group.shutdownRequestedBy = member.memberId;
        }
        removeMember(group, member);
        return new StreamsGroupHeartbeatResponseData().setMemberId(request.memberId())
                .setMemberEpoch(request.memberEpoch());
    }

    private StreamsGroup groupFor(String groupId, boolean joining) {
        Group group = groups.get(groupId);
        if (group instanceof StreamsGroup streamsGroup) {
            return streamsGroup;
        }
        if (group != null && !group.isDead() && !(group.type() == Group.Type.CLASSIC && group.stateName().equals("Empty"))) {
            throw new GroupIdNotFoundException("Group " + groupId + " is not a streams group: it is a " + group.type()
                    + " group (set group.protocol=classic, or empty the group first)");
        }
        if (!joining) {
            throw new UnknownMemberIdException("Streams group " + groupId + " has no such member: rejoin with epoch 0");
        }
        StreamsGroup created = new StreamsGroup(groupId);
        groups.put(groupId, created);
        return created;
    }

    /** Applies rack, process, endpoint, tags and timeouts; returns whether the group epoch must move. */
    private static boolean updateMetadata(StreamsGroupMember member, StreamsGroupHeartbeatRequestData request) {
        boolean changed = false;
        if (request.rackId() != null && !request.rackId().equals(member.rackId)) {
            member.rackId = request.rackId();
            changed = true;
        }
        if (request.rebalanceTimeoutMs() > 0) {
            member.rebalanceTimeoutMs = request.rebalanceTimeoutMs();
        }
        if (request.processId() != null && !request.processId().equals(member.processId)) {
            member.processId = request.processId();
            changed = true;
        }
        if (request.userEndpoint() != null && (!request.userEndpoint().host().equals(member.endpointHost)
                || request.userEndpoint().port() != member.endpointPort)) {
            member.endpointHost = request.userEndpoint().host();
            member.endpointPort = request.userEndpoint().port();
            changed = true;
        }
        if (request.clientTags() != null) {
            Map<String, String> tags = new TreeMap<>();
            request.clientTags().forEach(kv -> tags.put(kv.key(), kv.value()));
            if (!tags.equals(member.clientTags)) {
                member.clientTags = tags;
                changed = true;
            }
        }
        if (request.topology() != null && request.topology().epoch() != member.topologyEpoch) {
            member.topologyEpoch = request.topology().epoch();
            changed = true;
        }
        if (member.processId == null) {
            member.processId = member.memberId;
        }
        return changed;
    }

    /**
     * The first member (or the first after the group emptied) sets the topology; later members must bring the same
     * one, as Kafka 4.2 supports no topology updates of a running group.
     */
    private static boolean registerTopology(StreamsGroup group, StreamsGroupMember member, StreamsTopology topology) {
        boolean alone = group.members.size() == 1 && group.members.containsKey(member.memberId);
        if (group.topology == null || alone && !group.topology.equals(topology)) {
            boolean changed = !topology.equals(group.topology);
            group.topology = topology;
            group.configured = null;
            return changed;
        }
        if (topology.epoch() < group.topology.epoch()) {
            return false; // the member is told STALE_TOPOLOGY
        }
        if (topology.epoch() > group.topology.epoch()) {
            throw new StreamsInvalidTopologyEpochException("Topology updates are not supported yet: the group has "
                    + "topology epoch " + group.topology.epoch() + ", the member " + topology.epoch());
        }
        if (!topology.equals(group.topology)) {
            throw new StreamsInvalidTopologyException("The member's topology differs from the one of streams group "
                    + group.groupId() + " (same epoch " + topology.epoch() + "): stop the other instances first, "
                    + "or use another application.id");
        }
        return false;
    }

    /**
     * Configures the topology again when it or its topics' partition counts changed, creating missing internal
     * topics at once; returns whether the group epoch must move (tasks may have changed).
     */
    private static boolean configureTopology(StreamsGroup group, TopicLookup topics, InternalTopicCreator creator,
                                             List<StreamsGroupHeartbeatResponseData.Status> statuses) {
        if (group.topology == null) {
            return false;
        }
        Map<String, Integer> counts = partitionCounts(group.topology, topics);
        boolean changed = false;
        if (group.configured == null || !counts.equals(group.topicPartitions)) {
            StreamsTopology.Configured configured = group.topology.configure(counts);
            String creationFailures = null;
            if (!configured.topicsToCreate().isEmpty()) {
                List<String> failures = new ArrayList<>();
                configured.topicsToCreate().values().forEach(t -> {
                    String failure = creator.create(t.name(), t.partitions(), t.configs());
                    if (failure != null) {
                        failures.add(t.name() + " (" + failure + ")");
                    }
                });
                counts = partitionCounts(group.topology, topics);
                configured = group.topology.configure(counts);
                if (!failures.isEmpty()) {
                    creationFailures = "Creation failed: " + String.join(", ", failures) + ".";
                }
            }
            boolean wasReady = group.isReady();
            SortedMap<String, Integer> previousTasks = group.configured == null ? null
                    : group.configured.tasksPerSubtopology();
            group.configured = configured;
            group.topicPartitions = counts;
            changed = wasReady != group.isReady() || previousTasks == null
                    || !previousTasks.equals(configured.tasksPerSubtopology());
            if (creationFailures != null) {
                group.configured = new StreamsTopology.Configured(configured.tasksPerSubtopology(),
                        configured.topicsToCreate(), configured.statusCode(),
                        configured.statusDetail() + "; " + creationFailures);
            }
        }
        if (!group.configured.isReady()) {
            statuses.add(status(group.configured.statusCode(), group.configured.statusDetail()));
        }
        return changed;
    }

    private static Map<String, Integer> partitionCounts(StreamsTopology topology, TopicLookup topics) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String name : topology.requiredTopics()) {
            TopicLookup.TopicInfo topic = topics.byName(name);
            if (topic != null) {
                counts.put(name, topic.partitions());
            }
        }
        return counts;
    }

    private void computeTargetAssignment(StreamsGroup group) {
        SortedMap<String, StreamsTaskAssignor.MemberSpec> specs = new TreeMap<>();
        for (StreamsGroupMember member : group.members.values()) {
            StreamsTaskAssignor.MemberTarget previous = group.targetAssignment.get(member.memberId);
            specs.put(member.memberId, new StreamsTaskAssignor.MemberSpec(member.processId,
                    previous == null ? Set.of() : previous.active(), previous == null ? Set.of() : previous.standby()));
        }
        if (group.isReady()) {
            Set<String> stateful = new HashSet<>();
            group.topology.subtopologies().values().forEach(s -> {
                if (s.isStateful()) {
                    stateful.add(s.id());
                }
            });
            int standbys = configs.intValue(group.groupId(), GroupConfigs.STREAMS_NUM_STANDBY_REPLICAS);
            group.targetAssignment = new HashMap<>(StreamsTaskAssignor.assign(specs,
                    group.configured.tasksPerSubtopology(), stateful, standbys));
        } else {
            group.targetAssignment = new HashMap<>();
        }
        group.assignmentEpoch = group.groupEpoch;
    }

    /**
     * Kafka's CurrentAssignmentBuilder for streams: tasks leaving the member are revoked first; tasks coming to it
     * are given once no other member (or, for standby tasks, no member of the same process) still owns them.
     * Owned tasks are what the heartbeat reported, null when it reported nothing (then tasks to revoke must be
     * revoked: the coordinator cannot know they are gone). Returns whether the member's assigned tasks changed.
     */
    private boolean reconcile(StreamsGroup group, StreamsGroupMember member, int targetEpoch,
                              StreamsTaskAssignor.MemberTarget target, Set<StreamsTaskId> ownedActive,
                              Set<StreamsTaskId> ownedStandby) {
        Map<StreamsTaskId, Integer> activeBefore = new TreeMap<>(member.active);
        Set<StreamsTaskId> standbyBefore = new TreeSet<>(member.standby);
        switch (member.state) {
            case STABLE -> {
                if (member.memberEpoch != targetEpoch) {
                    nextAssignment(group, member, member.memberEpoch, targetEpoch, target, ownedActive, ownedStandby);
                }
            }
            case UNREVOKED_TASKS -> {
                boolean stillOwned = containsAny(ownedActive, member.revokingActive)
                        || containsAny(ownedStandby, member.revokingStandby);
                if (!stillOwned) {
                    nextAssignment(group, member, member.memberEpoch + 1, targetEpoch, target, ownedActive,
                            ownedStandby);
                }
            }
            case UNRELEASED_TASKS -> nextAssignment(group, member, member.memberEpoch, targetEpoch, target,
                    ownedActive, ownedStandby);
            default -> throw new IllegalStateException("Unknown member state " + member.state);
        }
        if (member.state == StreamsGroupMember.State.UNREVOKED_TASKS) {
            RevocationKey key = new RevocationKey(group.groupId(), member.memberId);
            if (!timer.isScheduled(key)) {
                timer.scheduleAfter(key, TimeUnit.MILLISECONDS.toNanos(Math.max(1, member.rebalanceTimeoutMs)), () -> {
                    if (group.members.get(member.memberId) == member) {
                        removeMember(group, member); // did not revoke in time: fenced, as in Kafka
                    }
                });
            }
        } else {
            timer.cancel(new RevocationKey(group.groupId(), member.memberId));
        }
        return !activeBefore.equals(member.active) || !standbyBefore.equals(member.standby);
    }

    private void nextAssignment(StreamsGroup group, StreamsGroupMember member, int epochIfRevoking, int targetEpoch,
                                StreamsTaskAssignor.MemberTarget target, Set<StreamsTaskId> ownedActive,
                                Set<StreamsTaskId> ownedStandby) {
        Map<StreamsTaskId, String> activeOwners = new HashMap<>();
        Map<StreamsTaskId, Set<String>> standbyProcesses = new HashMap<>();
        for (StreamsGroupMember other : group.members.values()) {
            other.active.keySet().forEach(t -> activeOwners.put(t, other.processId));
            other.revokingActive.forEach(t -> activeOwners.put(t, other.processId));
            if (other != member) {
                other.standby.forEach(t -> standbyProcesses.computeIfAbsent(t, x -> new HashSet<>()).add(other.processId));
                other.revokingStandby.forEach(t -> standbyProcesses.computeIfAbsent(t, x -> new HashSet<>())
                        .add(other.processId));
            }
        }
        Map<StreamsTaskId, Integer> keptActive = new TreeMap<>();
        Set<StreamsTaskId> revokeActive = new TreeSet<>();
        member.active.forEach((t, e) -> {
            if (target.active().contains(t)) {
                keptActive.put(t, e);
            } else {
                revokeActive.add(t);
            }
        });
        Set<StreamsTaskId> keptStandby = new TreeSet<>(member.standby);
        keptStandby.retainAll(target.standby());
        Set<StreamsTaskId> revokeStandby = new TreeSet<>(member.standby);
        revokeStandby.removeAll(keptStandby);

        boolean unreleased = false;
        Map<StreamsTaskId, Integer> newActive = new TreeMap<>();
        for (StreamsTaskId t : target.active()) {
            if (keptActive.containsKey(t)) {
                continue;
            }
            boolean ownedElsewhere = activeOwners.containsKey(t)
                    || standbyProcesses.getOrDefault(t, Set.of()).contains(member.processId);
            if (ownedElsewhere) {
                unreleased = true;
            } else {
                newActive.put(t, targetEpoch);
            }
        }
        Set<StreamsTaskId> newStandby = new TreeSet<>();
        for (StreamsTaskId t : target.standby()) {
            if (keptStandby.contains(t)) {
                continue;
            }
            boolean sameProcess = member.processId.equals(activeOwners.get(t))
                    || standbyProcesses.getOrDefault(t, Set.of()).contains(member.processId);
            if (sameProcess) {
                unreleased = true;
            } else {
                newStandby.add(t);
            }
        }
        boolean mustRevoke = (!revokeActive.isEmpty() && containsAny(ownedActive, revokeActive))
                || (!revokeStandby.isEmpty() && containsAny(ownedStandby, revokeStandby));
        if (mustRevoke) {
            member.state = StreamsGroupMember.State.UNREVOKED_TASKS;
            setEpoch(member, epochIfRevoking);
            member.active = keptActive;
            member.standby = keptStandby;
            member.revokingActive = revokeActive;
            member.revokingStandby = revokeStandby;
            return;
        }
        keptActive.putAll(newActive);
        keptStandby.addAll(newStandby);
        member.state = unreleased ? StreamsGroupMember.State.UNRELEASED_TASKS : StreamsGroupMember.State.STABLE;
        setEpoch(member, targetEpoch);
        member.active = keptActive;
        member.standby = keptStandby;
        member.revokingActive = new TreeSet<>();
        member.revokingStandby = new TreeSet<>();
    }

    private static void setEpoch(StreamsGroupMember member, int epoch) {
        if (epoch != member.memberEpoch) {
            member.previousEpoch = member.memberEpoch;
            member.memberEpoch = epoch;
        }
    }

    /** Whether {@code owned} has any of {@code tasks}; unknown ({@code null}) owned tasks may have them all. */
    private static boolean containsAny(Set<StreamsTaskId> owned, Set<StreamsTaskId> tasks) {
        if (owned == null) {
            return !tasks.isEmpty();
        }
        for (StreamsTaskId t : tasks) {
            if (owned.contains(t)) {
                return true;
            }
        }
        return false;
    }

    private void removeMember(StreamsGroup group, StreamsGroupMember member) {
        if (group.members.remove(member.memberId) == null) {
            return;
        }
        cancelTimers(group, member);
        group.targetAssignment.remove(member.memberId);
        group.groupEpoch = group.groupEpoch == 0 ? 2 : group.groupEpoch + 1;
        if (group.members.isEmpty()) {
            group.shutdownRequestedBy = null;
            timer.cancel(new DelayKey(group.groupId()));
        }
    }

    private void cancelTimers(StreamsGroup group, StreamsGroupMember member) {
        timer.cancel(new SessionKey(group.groupId(), member.memberId));
        timer.cancel(new RevocationKey(group.groupId(), member.memberId));
    }

    private void scheduleSessionTimeout(StreamsGroup group, StreamsGroupMember member) {
        long timeout = TimeUnit.MILLISECONDS.toNanos(
                configs.intValue(group.groupId(), GroupConfigs.STREAMS_SESSION_TIMEOUT_MS));
        timer.scheduleAfter(new SessionKey(group.groupId(), member.memberId), timeout, () -> {
            if (group.members.get(member.memberId) == member) {
                removeMember(group, member);
            }
        });
    }

    private static Set<StreamsTaskId> tasks(List<StreamsGroupHeartbeatRequestData.TaskIds> wire) {
        if (wire == null) {
            return null;
        }
        Set<StreamsTaskId> tasks = new TreeSet<>();
        wire.forEach(t -> t.partitions().forEach(p -> tasks.add(new StreamsTaskId(t.subtopologyId(), p))));
        return tasks;
    }

    private static List<StreamsGroupHeartbeatResponseData.TaskIds> toWire(Set<StreamsTaskId> tasks) {
        Map<String, List<Integer>> bySubtopology = new TreeMap<>();
        new TreeSet<>(tasks).forEach(t -> bySubtopology.computeIfAbsent(t.subtopologyId(), s -> new ArrayList<>())
                .add(t.partition()));
        List<StreamsGroupHeartbeatResponseData.TaskIds> wire = new ArrayList<>();
        bySubtopology.forEach((s, ps) -> wire.add(new StreamsGroupHeartbeatResponseData.TaskIds()
                .setSubtopologyId(s).setPartitions(ps)));
        return wire;
    }

    private static StreamsGroupHeartbeatResponseData.Status status(byte code, String detail) {
        return new StreamsGroupHeartbeatResponseData.Status().setStatusCode(code).setStatusDetail(detail);
    }

    /** Which source partitions each member with an endpoint processes, for Interactive Queries. */
    private static List<StreamsGroupHeartbeatResponseData.EndpointToPartitions> endpoints(StreamsGroup group) {
        List<StreamsGroupHeartbeatResponseData.EndpointToPartitions> result = new ArrayList<>();
        if (group.topology == null) {
            return result;
        }
        for (StreamsGroupMember m : group.members.values()) {
            if (!m.hasEndpoint()) {
                continue;
            }
            result.add(new StreamsGroupHeartbeatResponseData.EndpointToPartitions()
                    .setUserEndpoint(new StreamsGroupHeartbeatResponseData.Endpoint().setHost(m.endpointHost)
                            .setPort(m.endpointPort))
                    .setActivePartitions(sourcePartitions(group.topology, m.active.keySet()))
                    .setStandbyPartitions(sourcePartitions(group.topology, m.standby)));
        }
        return result;
    }

    private static List<StreamsGroupHeartbeatResponseData.TopicPartition> sourcePartitions(StreamsTopology topology,
                                                                                         Set<StreamsTaskId> tasks) {
        Map<String, Set<Integer>> byTopic = new TreeMap<>();
        for (StreamsTaskId t : tasks) {
            topology.sourceTopicsOf(t.subtopologyId()).forEach(topic ->
                    byTopic.computeIfAbsent(topic, x -> new TreeSet<>()).add(t.partition()));
        }
        List<StreamsGroupHeartbeatResponseData.TopicPartition> result = new ArrayList<>();
        byTopic.forEach((topic, ps) -> result.add(new StreamsGroupHeartbeatResponseData.TopicPartition()
                .setTopic(topic).setPartitions(new ArrayList<>(ps))));
        return result;
    }

    // ---------------------------------------------------------------- describe

    StreamsGroupDescribeResponseData.DescribedGroup describe(String groupId, boolean includeTopologyDescription) {
        StreamsGroupDescribeResponseData.DescribedGroup described =
                new StreamsGroupDescribeResponseData.DescribedGroup().setGroupId(groupId);
        if (groupId == null || groupId.isEmpty()) {
            return described.setErrorCode(Errors.INVALID_GROUP_ID.code()).setErrorMessage(GroupCoordinator.EMPTY_GROUP_ID);
        }
        Group group = groups.get(groupId);
        if (!(group instanceof StreamsGroup streams) || group.isDead()) {
            return described.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                    .setErrorMessage(group == null ? "Group " + groupId + " not found."
                            : "Group " + groupId + " is not a streams group.");
        }
        List<StreamsGroupDescribeResponseData.Member> members = new ArrayList<>();
        for (StreamsGroupMember m : streams.members.values()) {
            StreamsTaskAssignor.MemberTarget target = streams.targetAssignment.get(m.memberId);
            List<StreamsGroupDescribeResponseData.KeyValue> tags = new ArrayList<>();
            m.clientTags.forEach((k, v) -> tags.add(new StreamsGroupDescribeResponseData.KeyValue().setKey(k).setValue(v)));
            members.add(new StreamsGroupDescribeResponseData.Member()
                    .setMemberId(m.memberId)
                    .setMemberEpoch(m.memberEpoch)
                    .setRackId(m.rackId)
                    .setClientId(m.clientId == null ? "" : m.clientId)
                    .setClientHost(m.clientHost == null ? "" : m.clientHost)
                    .setTopologyEpoch(m.topologyEpoch)
                    .setProcessId(m.processId)
                    .setUserEndpoint(m.hasEndpoint() ? new StreamsGroupDescribeResponseData.Endpoint()
                            .setHost(m.endpointHost).setPort(m.endpointPort) : null)
                    .setClientTags(tags)
                    .setTaskOffsets(new ArrayList<>())
                    .setTaskEndOffsets(new ArrayList<>())
                    .setAssignment(describeAssignment(m.active.keySet(), m.standby))
                    .setTargetAssignment(describeAssignment(target == null ? Set.of() : target.active(),
                            target == null ? Set.of() : target.standby()))
                    .setIsClassic(false));
        }
        return described.setGroupState(streams.stateName())
                .setGroupEpoch(streams.groupEpoch)
                .setAssignmentEpoch(streams.assignmentEpoch)
                .setTopology(describeTopology(streams.topology))
                .setMembers(members)
                .setAssignorName(StreamsTaskAssignor.NAME)
                .setTopologyDescriptionStatus(includeTopologyDescription ? (byte) 1 : (byte) 0)
                .setAuthorizedOperations(Integer.MIN_VALUE);
    }

    private static StreamsGroupDescribeResponseData.Assignment describeAssignment(Set<StreamsTaskId> active,
                                                                                Set<StreamsTaskId> standby) {
        return new StreamsGroupDescribeResponseData.Assignment()
                .setActiveTasks(describeTasks(active))
                .setStandbyTasks(describeTasks(standby))
                .setWarmupTasks(new ArrayList<>());
    }

    private static List<StreamsGroupDescribeResponseData.TaskIds> describeTasks(Set<StreamsTaskId> tasks) {
        List<StreamsGroupDescribeResponseData.TaskIds> described = new ArrayList<>();
        toWire(tasks).forEach(t -> described.add(new StreamsGroupDescribeResponseData.TaskIds()
                .setSubtopologyId(t.subtopologyId()).setPartitions(t.partitions())));
        return described;
    }

    private static StreamsGroupDescribeResponseData.Topology describeTopology(StreamsTopology topology) {
        if (topology == null) {
            return null;
        }
        List<StreamsGroupDescribeResponseData.Subtopology> subtopologies = new ArrayList<>();
        topology.subtopologies().values().forEach(s -> subtopologies.add(new StreamsGroupDescribeResponseData.Subtopology()
                .setSubtopologyId(s.id())
                .setSourceTopics(s.sourceTopics())
                .setRepartitionSinkTopics(s.repartitionSinkTopics())
                .setStateChangelogTopics(describeTopics(s.stateChangelogTopics()))
                .setRepartitionSourceTopics(describeTopics(s.repartitionSourceTopics()))));
        return new StreamsGroupDescribeResponseData.Topology().setEpoch(topology.epoch()).setSubtopologies(subtopologies);
    }

    private static List<StreamsGroupDescribeResponseData.TopicInfo> describeTopics(
            Map<String, StreamsTopology.InternalTopic> topics) {
        List<StreamsGroupDescribeResponseData.TopicInfo> described = new ArrayList<>();
        topics.values().forEach(t -> {
            List<StreamsGroupDescribeResponseData.KeyValue> configs = new ArrayList<>();
            t.configs().forEach((k, v) -> configs.add(new StreamsGroupDescribeResponseData.KeyValue().setKey(k).setValue(v)));
            described.add(new StreamsGroupDescribeResponseData.TopicInfo().setName(t.name()).setPartitions(t.partitions())
                    .setReplicationFactor(t.replicationFactor()).setTopicConfigs(configs));
        });
        return described;
    }

    private record SessionKey(String groupId, String memberId) {
    }

    private record RevocationKey(String groupId, String memberId) {
    }

    private record DelayKey(String groupId) {
    }
}
