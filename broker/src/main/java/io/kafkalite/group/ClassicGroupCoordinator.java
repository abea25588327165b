package io.kafkalite.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import io.kafkalite.time.BrokerTimer;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic rebalance protocol: JoinGroup, SyncGroup, Heartbeat and LeaveGroup, the timers that drive
 * rebalances (initial delay, rebalance timeout, session timeout, pending SyncGroup) and static membership.
 * The broker only picks a leader and relays the leader's assignment, so any client-side assignor works.
 * Error codes and edge cases follow Apache Kafka's group coordinator.
 */
final class ClassicGroupCoordinator {

    private static final Logger LOG = LoggerFactory.getLogger(ClassicGroupCoordinator.class);
    private static final long NANOS_PER_MS = 1_000_000L;

    private final Map<String, Group> groups;
    private final GroupCoordinatorConfig config;
    private final BrokerTimer timer;

    ClassicGroupCoordinator(Map<String, Group> groups, GroupCoordinatorConfig config, BrokerTimer timer) {
        this.groups = groups;
        this.config = config;
        this.timer = timer;
    }

    // ---------------------------------------------------------------- JoinGroup

    void join(JoinGroupRequestData request, short version, String clientId, String clientHost,
              Consumer<JoinGroupResponseData> respond) {
        String groupId = request.groupId();
        String memberId = request.memberId();
        if (groupId == null || groupId.isEmpty()) {
            respond.accept(ClassicGroup.joinError(memberId, Errors.INVALID_GROUP_ID));
            return;
        }
        if (request.sessionTimeoutMs() < config.minSessionTimeoutMs()
                || request.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            respond.accept(ClassicGroup.joinError(memberId, Errors.INVALID_SESSION_TIMEOUT));
            return;
        }
        boolean unknownMember = memberId.isEmpty();
        Group existing = groups.get(groupId);
        if (existing != null && !(existing instanceof ClassicGroup)) {
            respond.accept(ClassicGroup.joinError(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        ClassicGroup group = (ClassicGroup) existing;
        if (group == null) {
            if (!unknownMember) {
                respond.accept(ClassicGroup.joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
                return;
            }
            group = new ClassicGroup(groupId);
            groups.put(groupId, group);
        }
        JoinRequest join = new JoinRequest(request, version, clientId, clientHost, respond);
        if (unknownMember) {
            joinNewMember(group, join);
        } else {
            joinExistingMember(group, join);
        }
    }

    /** A JoinGroup as the coordinator needs it: the request, who sent it, and how to answer. */
    private record JoinRequest(JoinGroupRequestData data, short version, String clientId, String clientHost,
                               Consumer<JoinGroupResponseData> respond) {
        List<ClassicGroupMember.Protocol> protocols() {
            List<ClassicGroupMember.Protocol> list = new ArrayList<>(data.protocols().size());
            for (JoinGroupRequestProtocol p : data.protocols()) {
                list.add(new ClassicGroupMember.Protocol(p.name(), p.metadata()));
            }
            return list;
        }

        /** v0 has no rebalance timeout: the session timeout serves as one, as in Kafka. */
        int rebalanceTimeoutMs() {
            return data.rebalanceTimeoutMs() <= 0 ? data.sessionTimeoutMs() : data.rebalanceTimeoutMs();
        }

        void fail(String memberId, Errors error) {
            respond.accept(ClassicGroup.joinError(memberId, error));
        }
    }

    private void joinNewMember(ClassicGroup group, JoinRequest join) {
        if (group.isDead()) {
            join.fail("", Errors.COORDINATOR_NOT_AVAILABLE);
            return;
        }
        if (!group.supportsProtocols(join.data().protocolType(), join.protocols())) {
            join.fail("", Errors.INCONSISTENT_GROUP_PROTOCOL);
            return;
        }
        String instanceId = join.data().groupInstanceId();
        String newMemberId = ClassicGroup.newMemberId(join.clientId(), instanceId);
        if (instanceId != null) {
            String existingMemberId = group.staticMemberId(instanceId);
            if (existingMemberId != null) {
                LOG.info("Static member {} of group {} rejoined as {}", instanceId, group.groupId(), newMemberId);
                replaceStaticMember(group, join, existingMemberId, newMemberId);
            } else {
                addMemberThenRebalanceOrCompleteJoin(group, join, newMemberId);
            }
        } else if (join.version() >= 4) {
            // KIP-394: the client must come back with the id it is given, so a retried join cannot leave a ghost.
            group.addPendingMember(newMemberId);
            scheduleHeartbeatExpiry(group, newMemberId, join.data().sessionTimeoutMs());
            join.respond().accept(new JoinGroupResponseData()
                    .setMemberId(newMemberId)
                    .setErrorCode(Errors.MEMBER_ID_REQUIRED.code())
                    .setGenerationId(-1)
                    .setProtocolType(null)
                    .setProtocolName(null)
                    .setLeader(""));
        } else {
            addMemberThenRebalanceOrCompleteJoin(group, join, newMemberId);
        }
    }

    private void joinExistingMember(ClassicGroup group, JoinRequest join) {
        String memberId = join.data().memberId();
        if (group.isDead()) {
            join.fail(memberId, Errors.COORDINATOR_NOT_AVAILABLE);
            return;
        }
        if (!group.supportsProtocols(join.data().protocolType(), join.protocols())) {
            join.fail(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL);
            return;
        }
        if (group.isPendingMember(memberId)) {
            if (join.data().groupInstanceId() != null) {
                join.fail(memberId, Errors.UNKNOWN_MEMBER_ID); // pending members are always dynamic
                return;
            }
            addMemberThenRebalanceOrCompleteJoin(group, join, memberId);
            return;
        }
        try {
            group.validateMember(memberId, join.data().groupInstanceId());
        } catch (ApiException e) {
            join.fail(memberId, Errors.forException(e));
            return;
        }
        ClassicGroupMember member = group.member(memberId);
        switch (group.state()) {
            case PREPARING_REBALANCE -> updateMemberThenRebalanceOrCompleteJoin(group, member, join);
            case COMPLETING_REBALANCE -> {
                if (member.matches(join.protocols())) {
                    // The member lost the JoinGroup response: give it the current generation again.
                    join.respond().accept(currentGeneration(group, memberId, group.isLeader(memberId), false));
                } else {
                    updateMemberThenRebalanceOrCompleteJoin(group, member, join);
                }
            }
            case STABLE -> {
                if (group.isLeader(memberId) || !member.matches(join.protocols())) {
                    // A leader rejoins when the assignment must change without member metadata changing (new
                    // partitions, say); any member rejoins with new metadata when its subscription changed.
                    updateMemberThenRebalanceOrCompleteJoin(group, member, join);
                } else {
                    join.respond().accept(currentGeneration(group, memberId, false, false));
                }
            }
            default -> join.fail(memberId, Errors.UNKNOWN_MEMBER_ID);
        }
    }

    private JoinGroupResponseData currentGeneration(ClassicGroup group, String memberId, boolean withMembers,
                                                    boolean skipAssignment) {
        return new JoinGroupResponseData()
                .setMembers(withMembers ? group.membersForLeader() : List.of())
                .setMemberId(memberId)
                .setGenerationId(group.generationId())
                .setProtocolType(group.protocolType())
                .setProtocolName(group.protocolName())
                .setLeader(Objects.requireNonNullElse(group.leaderId(), ""))
                .setSkipAssignment(skipAssignment)
                .setErrorCode(Errors.NONE.code());
    }

    private void replaceStaticMember(ClassicGroup group, JoinRequest join, String oldMemberId, String newMemberId) {
        String previousLeader = group.leaderId();
        ClassicGroupMember member = group.replaceStaticMember(join.data().groupInstanceId(), oldMemberId, newMemberId);
        timer.cancel(new HeartbeatKey(group.groupId(), oldMemberId));
        scheduleHeartbeatExpiry(group, newMemberId, member.sessionTimeoutMs());
        group.updateMember(member, join.protocols(), join.rebalanceTimeoutMs(), join.data().sessionTimeoutMs(),
                join.respond());
        switch (group.state()) {
            case STABLE -> {
                if (Objects.equals(group.protocolName(), group.selectProtocol())) {
                    // Same protocol: the restarted member takes its old slot and assignment, nobody rebalances.
                    if (join.version() >= 9) {
                        boolean leader = group.isLeader(newMemberId);
                        group.completeJoin(member, currentGeneration(group, newMemberId, leader, leader));
                    } else {
                        // Older clients would rerun the assignment as leader: name the previous leader id instead.
                        group.completeJoin(member, currentGeneration(group, newMemberId, false, false)
                                .setLeader(Objects.requireNonNullElse(previousLeader, "")));
                    }
                } else {
                    maybePrepareRebalanceOrCompleteJoin(group, "static member " + newMemberId + " changed protocols");
                }
            }
            // The leader may already be assigning with the old member id: rebalance so the new id gets partitions.
            case COMPLETING_REBALANCE -> prepareRebalance(group, "static member " + newMemberId + " rejoined");
            case PREPARING_REBALANCE -> maybeCompleteJoinPhase(group);
            default -> throw new IllegalStateException("Group " + group.groupId() + " in state " + group.state()
                    + " cannot have static member " + join.data().groupInstanceId());
        }
    }

    private void addMemberThenRebalanceOrCompleteJoin(ClassicGroup group, JoinRequest join, String memberId) {
        ClassicGroupMember member = new ClassicGroupMember(memberId, join.data().groupInstanceId(), join.clientId(),
                join.clientHost(), join.rebalanceTimeoutMs(), join.data().sessionTimeoutMs(),
                join.data().protocolType(), join.protocols());
        member.setNew(true);
        if (group.isInState(ClassicGroupState.PREPARING_REBALANCE) && group.previousState() == ClassicGroupState.EMPTY) {
            group.setNewMemberAdded(true);
        }
        group.add(member, join.respond());
        // A new member cannot heartbeat while its JoinGroup is parked; this bounds how long a vanished one counts.
        scheduleHeartbeatExpiry(group, memberId, config.newMemberJoinTimeoutMs());
        maybePrepareRebalanceOrCompleteJoin(group, "new member " + memberId + " joined");
    }

    private void updateMemberThenRebalanceOrCompleteJoin(ClassicGroup group, ClassicGroupMember member, JoinRequest join) {
        group.updateMember(member, join.protocols(), join.rebalanceTimeoutMs(), join.data().sessionTimeoutMs(),
                join.respond());
        maybePrepareRebalanceOrCompleteJoin(group, "member " + member.memberId() + " rejoined");
    }

    // ---------------------------------------------------------------- rebalance machinery

    private void maybePrepareRebalanceOrCompleteJoin(ClassicGroup group, String reason) {
        if (group.canRebalance()) {
            prepareRebalance(group, reason);
        } else {
            maybeCompleteJoinPhase(group);
        }
    }

    private void prepareRebalance(ClassicGroup group, String reason) {
        if (group.isInState(ClassicGroupState.COMPLETING_REBALANCE)) {
            resetAndPropagateAssignmentWithError(group, Errors.REBALANCE_IN_PROGRESS);
        }
        group.clearPendingSyncMembers();
        timer.cancel(new SyncKey(group.groupId()));
        boolean initial = group.isInState(ClassicGroupState.EMPTY);
        if (initial) {
            int delay = config.initialRebalanceDelayMs();
            int remaining = Math.max(group.rebalanceTimeoutMs() - delay, 0);
            scheduleInitialRebalance(group.groupId(), delay, remaining);
        }
        group.transitionTo(ClassicGroupState.PREPARING_REBALANCE);
        LOG.info("Preparing to rebalance group {} with old generation {} ({})", group.groupId(), group.generationId(),
                reason);
        if (!initial) {
            if (group.hasAllMembersJoined()) {
                completeJoin(group);
            } else {
                scheduleJoinTimeout(group);
            }
        }
    }

    private void scheduleInitialRebalance(String groupId, int delayMs, int remainingMs) {
        timer.schedule(new JoinKey(groupId), timer.clock().nanoTime() + delayMs * NANOS_PER_MS,
                () -> completeInitialRebalanceOrExtend(groupId, delayMs, remainingMs));
    }

    /** The initial delay ended: wait another delay (within the rebalance timeout) if members kept arriving. */
    private void completeInitialRebalanceOrExtend(String groupId, int delayMs, int remainingMs) {
        ClassicGroup group = classicGroup(groupId);
        if (group == null || !group.isInState(ClassicGroupState.PREPARING_REBALANCE)) {
            return;
        }
        if (group.newMemberAdded() && remainingMs != 0) {
            group.setNewMemberAdded(false);
            int nextDelay = Math.min(config.initialRebalanceDelayMs(), remainingMs);
            scheduleInitialRebalance(groupId, nextDelay, Math.max(remainingMs - delayMs, 0));
        } else {
            completeJoin(group);
        }
    }

    private void scheduleJoinTimeout(ClassicGroup group) {
        String groupId = group.groupId();
        timer.schedule(new JoinKey(groupId), timer.clock().nanoTime() + group.rebalanceTimeoutMs() * NANOS_PER_MS, () -> {
            ClassicGroup g = classicGroup(groupId);
            if (g != null && g.isInState(ClassicGroupState.PREPARING_REBALANCE)) {
                completeJoin(g);
            }
        });
    }

    private void maybeCompleteJoinPhase(ClassicGroup group) {
        if (group.isInState(ClassicGroupState.PREPARING_REBALANCE)
                && group.previousState() != ClassicGroupState.EMPTY // the initial delay decides
                && group.hasAllMembersJoined()) {
            completeJoin(group);
        }
    }

    /**
     * Ends the join phase: dynamic members that did not rejoin are dropped, the generation advances and every
     * member gets its JoinGroup response (the leader with the member list to assign).
     */
    private void completeJoin(ClassicGroup group) {
        timer.cancel(new JoinKey(group.groupId()));
        for (ClassicGroupMember missing : group.notYetRejoinedMembers()) {
            if (!missing.isStatic()) {
                LOG.info("Removing member {} of group {}: it did not rejoin within the rebalance timeout",
                        missing.memberId(), group.groupId());
                group.remove(missing.memberId(), Errors.UNKNOWN_MEMBER_ID);
                timer.cancel(new HeartbeatKey(group.groupId(), missing.memberId()));
            }
        }
        if (group.isDead()) {
            return;
        }
        if (!group.maybeElectNewJoinedLeader() && group.numMembers() > 0) {
            // Only static members remain and none rejoined: wait until they rejoin or their sessions expire.
            scheduleJoinTimeout(group);
            return;
        }
        group.initNextGeneration();
        if (group.isInState(ClassicGroupState.EMPTY)) {
            LOG.info("Group {} with generation {} is now empty", group.groupId(), group.generationId());
            return;
        }
        LOG.info("Group {} stabilising generation {} with {} members", group.groupId(), group.generationId(),
                group.numMembers());
        for (ClassicGroupMember member : new ArrayList<>(group.members())) {
            boolean leader = group.isLeader(member.memberId());
            group.completeJoin(member, currentGeneration(group, member.memberId(), leader, false));
            scheduleHeartbeatExpiry(group, member.memberId(), member.sessionTimeoutMs());
            member.setNew(false);
            group.addPendingSyncMember(member.memberId());
        }
        schedulePendingSyncExpiry(group);
    }

    private void schedulePendingSyncExpiry(ClassicGroup group) {
        String groupId = group.groupId();
        int generation = group.generationId();
        timer.schedule(new SyncKey(groupId), timer.clock().nanoTime() + group.rebalanceTimeoutMs() * NANOS_PER_MS, () -> {
            ClassicGroup g = classicGroup(groupId);
            if (g == null || g.generationId() != generation || g.pendingSyncMembers().isEmpty()) {
                return;
            }
            if (g.isInState(ClassicGroupState.COMPLETING_REBALANCE) || g.isInState(ClassicGroupState.STABLE)) {
                List<String> laggards = new ArrayList<>(g.pendingSyncMembers());
                for (String memberId : laggards) {
                    g.remove(memberId, Errors.UNKNOWN_MEMBER_ID);
                    timer.cancel(new HeartbeatKey(groupId, memberId));
                }
                prepareRebalance(g, "members " + laggards + " sent no SyncGroup within the rebalance timeout");
            }
        });
    }

    private void resetAndPropagateAssignmentWithError(ClassicGroup group, Errors error) {
        for (ClassicGroupMember member : group.members()) {
            member.setAssignment(ClassicGroupMember.EMPTY_ASSIGNMENT);
        }
        propagateAssignment(group, error);
    }

    private void propagateAssignment(ClassicGroup group, Errors error) {
        boolean ok = error == Errors.NONE;
        for (ClassicGroupMember member : group.members()) {
            SyncGroupResponseData response = new SyncGroupResponseData()
                    .setErrorCode(error.code())
                    .setProtocolType(ok ? group.protocolType() : null)
                    .setProtocolName(ok ? group.protocolName() : null)
                    .setAssignment(member.assignment());
            if (member.completeSync(response)) {
                // The session clock restarts once the member has its answer.
                scheduleHeartbeatExpiry(group, member.memberId(), member.sessionTimeoutMs());
            }
        }
    }

    // ---------------------------------------------------------------- session timeouts

    private void scheduleHeartbeatExpiry(ClassicGroup group, String memberId, long timeoutMs) {
        String groupId = group.groupId();
        timer.schedule(new HeartbeatKey(groupId, memberId), timer.clock().nanoTime() + timeoutMs * NANOS_PER_MS,
                () -> expireHeartbeat(groupId, memberId));
    }

    private void expireHeartbeat(String groupId, String memberId) {
        ClassicGroup group = classicGroup(groupId);
        if (group == null || group.isDead()) {
            return;
        }
        if (group.isPendingMember(memberId)) {
            LOG.info("Pending member {} of group {} never came back with its member id; forgetting it", memberId, groupId);
            group.removePendingMember(memberId);
            if (group.isInState(ClassicGroupState.PREPARING_REBALANCE) && group.hasAllMembersJoined()) {
                completeJoin(group);
            }
            return;
        }
        ClassicGroupMember member = group.member(memberId);
        if (member == null) {
            return;
        }
        // Members waiting for a JoinGroup or SyncGroup answer cannot heartbeat; the rebalance timeouts cover them.
        boolean satisfied = !member.isNew() && (member.isAwaitingJoin() || member.isAwaitingSync());
        if (!satisfied) {
            LOG.info("Member {} of group {} timed out (no heartbeat within {} ms); removing it", memberId, groupId,
                    member.sessionTimeoutMs());
            removeMemberAndUpdateGroup(group, member);
        }
    }

    private void removeMemberAndUpdateGroup(ClassicGroup group, ClassicGroupMember member) {
        group.remove(member.memberId(), Errors.UNKNOWN_MEMBER_ID);
        if (group.isInState(ClassicGroupState.STABLE) || group.isInState(ClassicGroupState.COMPLETING_REBALANCE)) {
            maybePrepareRebalanceOrCompleteJoin(group, "member " + member.memberId() + " left");
        } else if (group.isInState(ClassicGroupState.PREPARING_REBALANCE) && group.hasAllMembersJoined()) {
            completeJoin(group);
        }
    }

    // ---------------------------------------------------------------- SyncGroup

    void sync(SyncGroupRequestData request, Consumer<SyncGroupResponseData> respond) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            respond.accept(ClassicGroup.syncError(Errors.INVALID_GROUP_ID));
            return;
        }
        ClassicGroup group = classicGroup(request.groupId());
        if (group == null) {
            respond.accept(ClassicGroup.syncError(Errors.UNKNOWN_MEMBER_ID));
            return;
        }
        Errors invalid = validateSync(group, request);
        if (invalid != Errors.NONE) {
            respond.accept(ClassicGroup.syncError(invalid));
            return;
        }
        String memberId = request.memberId();
        switch (group.state()) {
            case EMPTY -> respond.accept(ClassicGroup.syncError(Errors.UNKNOWN_MEMBER_ID));
            case PREPARING_REBALANCE -> respond.accept(ClassicGroup.syncError(Errors.REBALANCE_IN_PROGRESS));
            case COMPLETING_REBALANCE -> {
                ClassicGroupMember member = group.member(memberId);
                Consumer<SyncGroupResponseData> replaced = member.awaitSync(respond);
                if (replaced != null) {
                    replaced.accept(ClassicGroup.syncError(Errors.REBALANCE_IN_PROGRESS));
                }
                removePendingSyncMember(group, memberId);
                if (group.isLeader(memberId)) {
                    Map<String, byte[]> assignments = new HashMap<>();
                    for (SyncGroupRequestAssignment a : request.assignments()) {
                        assignments.put(a.memberId(), a.assignment());
                    }
                    for (ClassicGroupMember m : group.members()) {
                        m.setAssignment(assignments.getOrDefault(m.memberId(), ClassicGroupMember.EMPTY_ASSIGNMENT));
                    }
                    propagateAssignment(group, Errors.NONE);
                    group.transitionTo(ClassicGroupState.STABLE);
                    LOG.info("Group {} generation {} is stable", group.groupId(), group.generationId());
                }
            }
            case STABLE -> {
                removePendingSyncMember(group, memberId);
                respond.accept(new SyncGroupResponseData()
                        .setErrorCode(Errors.NONE.code())
                        .setProtocolType(group.protocolType())
                        .setProtocolName(group.protocolName())
                        .setAssignment(group.member(memberId).assignment()));
            }
            default -> respond.accept(ClassicGroup.syncError(Errors.COORDINATOR_NOT_AVAILABLE));
        }
    }

    private static Errors validateSync(ClassicGroup group, SyncGroupRequestData request) {
        Errors memberError = validateMemberAndGeneration(group, request.memberId(), request.groupInstanceId(),
                request.generationId());
        if (memberError != Errors.NONE) {
            return memberError;
        }
        if (inconsistent(request.protocolType(), group.protocolType())
                || inconsistent(request.protocolName(), group.protocolName())) {
            return Errors.INCONSISTENT_GROUP_PROTOCOL;
        }
        return Errors.NONE;
    }

    /** The checks SyncGroup and Heartbeat share: a live group, a known (unfenced) member, this generation. */
    private static Errors validateMemberAndGeneration(ClassicGroup group, String memberId, String instanceId,
                                                      int generationId) {
        if (group.isDead()) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        try {
            group.validateMember(memberId, instanceId);
        } catch (ApiException e) {
            return Errors.forException(e);
        }
        return generationId == group.generationId() ? Errors.NONE : Errors.ILLEGAL_GENERATION;
    }

    private static boolean inconsistent(String requested, String actual) {
        return requested != null && actual != null && !requested.equals(actual);
    }

    private void removePendingSyncMember(ClassicGroup group, String memberId) {
        group.removePendingSyncMember(memberId);
        if (group.pendingSyncMembers().isEmpty()) {
            timer.cancel(new SyncKey(group.groupId()));
        }
    }

    // ---------------------------------------------------------------- Heartbeat

    Errors heartbeat(HeartbeatRequestData request) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        ClassicGroup group = classicGroup(request.groupId());
        if (group == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        Errors memberError = validateMemberAndGeneration(group, request.memberId(), request.groupInstanceId(),
                request.generationId());
        if (memberError != Errors.NONE) {
            return memberError;
        }
        ClassicGroupMember member = group.member(request.memberId());
        return switch (group.state()) {
            case EMPTY -> Errors.UNKNOWN_MEMBER_ID;
            case COMPLETING_REBALANCE, STABLE -> {
                scheduleHeartbeatExpiry(group, member.memberId(), member.sessionTimeoutMs());
                yield Errors.NONE;
            }
            case PREPARING_REBALANCE -> {
                // The answer that makes a member rejoin: without it existing members never see the rebalance.
                scheduleHeartbeatExpiry(group, member.memberId(), member.sessionTimeoutMs());
                yield Errors.REBALANCE_IN_PROGRESS;
            }
            case DEAD -> Errors.COORDINATOR_NOT_AVAILABLE;
        };
    }

    /** A commit from a member keeps its session alive, as in Kafka. */
    void onMemberCommitted(ClassicGroup group, String memberId) {
        ClassicGroupMember member = group.member(memberId);
        if (member != null && (group.isInState(ClassicGroupState.STABLE)
                || group.isInState(ClassicGroupState.PREPARING_REBALANCE))) {
            scheduleHeartbeatExpiry(group, memberId, member.sessionTimeoutMs());
        }
    }

    // ---------------------------------------------------------------- LeaveGroup

    /** Removes the members; the response has a top-level error and one entry per member. */
    LeaveGroupResponseData leave(String groupId, List<MemberIdentity> leaving) {
        if (groupId == null || groupId.isEmpty()) {
            return new LeaveGroupResponseData().setErrorCode(Errors.INVALID_GROUP_ID.code());
        }
        ClassicGroup group = classicGroup(groupId);
        if (group == null) {
            // as Kafka: every member leaving a group it does not have is unknown (before v3 the handler folds that
            // into the top-level error)
            List<MemberResponse> unknown = leaving.stream().map(identity -> new MemberResponse()
                    .setMemberId(identity.memberId()).setGroupInstanceId(identity.groupInstanceId())
                    .setErrorCode(Errors.UNKNOWN_MEMBER_ID.code())).toList();
            return new LeaveGroupResponseData().setMembers(new ArrayList<>(unknown));
        }
        if (group.isDead()) {
            return new LeaveGroupResponseData().setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code());
        }
        List<MemberResponse> responses = new ArrayList<>();
        boolean anyLeft = false;
        for (MemberIdentity identity : leaving) {
            MemberResponse response = new MemberResponse()
                    .setMemberId(identity.memberId())
                    .setGroupInstanceId(identity.groupInstanceId());
            Errors error = Errors.NONE;
            if (identity.memberId().isEmpty()) {
                // Admin removal of a static member by instance id alone.
                String owner = identity.groupInstanceId() == null ? null : group.staticMemberId(identity.groupInstanceId());
                if (owner == null) {
                    error = Errors.UNKNOWN_MEMBER_ID;
                } else {
                    removeLeavingMember(group, owner);
                }
            } else if (group.isPendingMember(identity.memberId())) {
                group.removePendingMember(identity.memberId());
                timer.cancel(new HeartbeatKey(groupId, identity.memberId()));
            } else {
                try {
                    group.validateMember(identity.memberId(), identity.groupInstanceId());
                    removeLeavingMember(group, identity.memberId());
                } catch (ApiException e) {
                    error = Errors.forException(e);
                }
            }
            anyLeft |= error == Errors.NONE;
            responses.add(response.setErrorCode(error.code()));
        }
        if (anyLeft) {
            switch (group.state()) {
                case STABLE, COMPLETING_REBALANCE -> maybePrepareRebalanceOrCompleteJoin(group, "members left");
                case PREPARING_REBALANCE -> maybeCompleteJoinPhase(group);
                default -> {
                }
            }
        }
        return new LeaveGroupResponseData().setErrorCode(Errors.NONE.code()).setMembers(responses);
    }

    private void removeLeavingMember(ClassicGroup group, String memberId) {
        LOG.info("Member {} left group {}", memberId, group.groupId());
        timer.cancel(new HeartbeatKey(group.groupId(), memberId));
        group.remove(memberId, Errors.UNKNOWN_MEMBER_ID);
    }

    // ---------------------------------------------------------------- test control

    /** Removes a member as its session expiring would; false when the group has no such member. */
    boolean expireMember(ClassicGroup group, String memberId) {
        if (group.isPendingMember(memberId)) {
            expireHeartbeat(group.groupId(), memberId);
            return true;
        }
        ClassicGroupMember member = group.member(memberId);
        if (member == null) {
            return false;
        }
        LOG.info("Member {} of group {} removed by test control, as if its session had expired", memberId,
                group.groupId());
        timer.cancel(new HeartbeatKey(group.groupId(), memberId));
        removeMemberAndUpdateGroup(group, member);
        return true;
    }

    /** Starts a rebalance of a group with members; false when it has none. */
    boolean forceRebalance(ClassicGroup group) {
        if (group.isInState(ClassicGroupState.STABLE) || group.isInState(ClassicGroupState.COMPLETING_REBALANCE)) {
            prepareRebalance(group, "forced by test control");
            return true;
        }
        return group.isInState(ClassicGroupState.PREPARING_REBALANCE);
    }

    // ---------------------------------------------------------------- helpers

    /** Forgets the timers of a group that is being deleted. */
    void cancelTimers(ClassicGroup group) {
        timer.cancel(new JoinKey(group.groupId()));
        timer.cancel(new SyncKey(group.groupId()));
        for (ClassicGroupMember m : group.members()) {
            timer.cancel(new HeartbeatKey(group.groupId(), m.memberId()));
        }
    }

    private ClassicGroup classicGroup(String groupId) {
        return groups.get(groupId) instanceof ClassicGroup classic ? classic : null;
    }

    private record JoinKey(String groupId) {
    }

    private record SyncKey(String groupId) {
    }

    private record HeartbeatKey(String groupId, String memberId) {
    }
}
