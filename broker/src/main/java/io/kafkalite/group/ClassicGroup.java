package io.kafkalite.group;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import io.kafkalite.metadata.RandomIds;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.message.ConsumerProtocolSubscription;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * A group of the classic protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup): its members, generation,
 * selected protocol and leader, and the state machine of {@link ClassicGroupState}. The rebalance logic that
 * moves it between states lives in {@link ClassicGroupCoordinator}; this class keeps the bookkeeping consistent.
 */
public final class ClassicGroup implements Group {

    private final String groupId;
    private ClassicGroupState state = ClassicGroupState.EMPTY;
    private ClassicGroupState previousState = ClassicGroupState.EMPTY;
    private int generationId;
    private String protocolType;
    private String protocolName;
    private String leaderId;
    private final Map<String, ClassicGroupMember> members = new LinkedHashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    private final Set<String> pendingJoinMembers = new HashSet<>();
    private final Set<String> pendingSyncMembers = new HashSet<>();
    /** How many members support each protocol: a joiner must share one that every member supports. */
    private final Map<String, Integer> supportedProtocols = new HashMap<>();
    private int numAwaitingJoin;
    private boolean newMemberAdded;
    /** Topics the members subscribe to (consumer protocol), or null when unknown. */
    private Set<String> subscribedTopics;

    ClassicGroup(String groupId) {
        this.groupId = groupId;
    }

    @Override
    public String groupId() {
        return groupId;
    }

    @Override
    public Type type() {
        return Type.CLASSIC;
    }

    public ClassicGroupState state() {
        return state;
    }

    ClassicGroupState previousState() {
        return previousState;
    }

    @Override
    public String stateName() {
        return state.toString();
    }

    boolean isInState(ClassicGroupState s) {
        return state == s;
    }

    @Override
    public boolean isDead() {
        return state == ClassicGroupState.DEAD;
    }

    void transitionTo(ClassicGroupState next) {
        if (!next.canFollow(state)) {
            throw new IllegalStateException("Group " + groupId + " cannot go from " + state + " to " + next);
        }
        previousState = state;
        state = next;
    }

    public int generationId() {
        return generationId;
    }

    /** The protocol type of the members, or null if the group never had one. */
    public String protocolType() {
        return protocolType;
    }

    @Override
    public String protocolTypeOrEmpty() {
        return protocolType == null ? "" : protocolType;
    }

    /** The protocol selected for the current generation, or null. */
    public String protocolName() {
        return protocolName;
    }

    public String leaderId() {
        return leaderId;
    }

    boolean isLeader(String memberId) {
        return memberId.equals(leaderId);
    }

    public ClassicGroupMember member(String memberId) {
        return members.get(memberId);
    }

    boolean hasMember(String memberId) {
        return members.containsKey(memberId);
    }

    public Collection<ClassicGroupMember> members() {
        return Collections.unmodifiableCollection(members.values());
    }

    int numMembers() {
        return members.size();
    }

    String staticMemberId(String groupInstanceId) {
        return staticMembers.get(groupInstanceId);
    }

    boolean isPendingMember(String memberId) {
        return pendingJoinMembers.contains(memberId);
    }

    void addPendingMember(String memberId) {
        pendingJoinMembers.add(memberId);
    }

    boolean removePendingMember(String memberId) {
        return pendingJoinMembers.remove(memberId);
    }

    void addPendingSyncMember(String memberId) {
        pendingSyncMembers.add(memberId);
    }

    void removePendingSyncMember(String memberId) {
        pendingSyncMembers.remove(memberId);
    }

    Set<String> pendingSyncMembers() {
        return pendingSyncMembers;
    }

    void clearPendingSyncMembers() {
        pendingSyncMembers.clear();
    }

    boolean newMemberAdded() {
        return newMemberAdded;
    }

    void setNewMemberAdded(boolean added) {
        newMemberAdded = added;
    }

    /** A fresh member id as Kafka makes them: client id (or instance id) and a UUID. */
    static String newMemberId(String clientId, String groupInstanceId) {
        return (groupInstanceId != null ? groupInstanceId : clientId) + "-" + RandomIds.javaUuid();
    }

    void add(ClassicGroupMember member, Consumer<JoinGroupResponseData> respond) {
        if (members.isEmpty()) {
            protocolType = member.protocolType();
        }
        members.put(member.memberId(), member);
        countProtocols(member, 1);
        if (member.isStatic()) {
            staticMembers.put(member.groupInstanceId(), member.memberId());
        }
        if (leaderId == null) {
            leaderId = member.memberId();
        }
        if (respond != null) {
            member.awaitJoin(respond);
            numAwaitingJoin++;
        }
        pendingJoinMembers.remove(member.memberId());
    }

    /** Removes a member; a parked JoinGroup or SyncGroup of it is answered with {@code error}. */
    void remove(String memberId, Errors error) {
        ClassicGroupMember member = members.remove(memberId);
        if (member != null) {
            countProtocols(member, -1);
            if (member.completeJoin(joinError(memberId, error))) {
                numAwaitingJoin--;
            }
            member.completeSync(syncError(error));
            if (member.isStatic() && memberId.equals(staticMembers.get(member.groupInstanceId()))) {
                staticMembers.remove(member.groupInstanceId());
            }
        }
        if (isLeader(memberId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
        pendingJoinMembers.remove(memberId);
        pendingSyncMembers.remove(memberId);
    }

    void updateMember(ClassicGroupMember member, List<ClassicGroupMember.Protocol> protocols, int rebalanceTimeoutMs,
                      int sessionTimeoutMs, Consumer<JoinGroupResponseData> respond) {
        countProtocols(member, -1);
        member.update(protocols, rebalanceTimeoutMs, sessionTimeoutMs);
        countProtocols(member, 1);
        Consumer<JoinGroupResponseData> replaced = member.awaitJoin(respond);
        if (replaced == null && respond != null) {
            numAwaitingJoin++;
        } else if (replaced != null && respond == null) {
            numAwaitingJoin--;
        }
        if (replaced != null && respond != null) {
            // The member sent JoinGroup again (its client retried): the older request gets no rebalance result.
            replaced.accept(joinError(member.memberId(), Errors.REBALANCE_IN_PROGRESS));
        }
    }

    /**
     * A static member restarted: it takes over the old member's slot and assignment under a new member id. The
     * old incarnation, if it still waits for a JoinGroup or SyncGroup answer, is fenced.
     */
    ClassicGroupMember replaceStaticMember(String groupInstanceId, String oldMemberId, String newMemberId) {
        ClassicGroupMember old = members.remove(oldMemberId);
        if (old == null) {
            throw new IllegalStateException("No member " + oldMemberId + " to replace in group " + groupId);
        }
        if (old.completeJoin(joinError(oldMemberId, Errors.FENCED_INSTANCE_ID))) {
            numAwaitingJoin--;
        }
        old.completeSync(syncError(Errors.FENCED_INSTANCE_ID));
        ClassicGroupMember replacement = old.withMemberId(newMemberId);
        members.put(newMemberId, replacement);
        if (isLeader(oldMemberId)) {
            leaderId = newMemberId;
        }
        staticMembers.put(groupInstanceId, newMemberId);
        if (pendingSyncMembers.remove(oldMemberId)) {
            pendingSyncMembers.add(newMemberId);
        }
        return replacement;
    }

    boolean completeJoin(ClassicGroupMember member, JoinGroupResponseData response) {
        if (member.completeJoin(response)) {
            numAwaitingJoin--;
            return true;
        }
        return false;
    }

    private void countProtocols(ClassicGroupMember member, int delta) {
        for (ClassicGroupMember.Protocol p : member.protocols()) {
            supportedProtocols.merge(p.name(), delta, Integer::sum);
        }
    }

    /** Whether a member of this type with these protocols may join (Kafka's INCONSISTENT_GROUP_PROTOCOL check). */
    boolean supportsProtocols(String memberProtocolType, List<ClassicGroupMember.Protocol> protocols) {
        if (isInState(ClassicGroupState.EMPTY)) {
            return memberProtocolType != null && !memberProtocolType.isEmpty() && !protocols.isEmpty();
        }
        if (!memberProtocolType.equals(protocolType)) {
            return false;
        }
        for (ClassicGroupMember.Protocol p : protocols) {
            if (supportedProtocols.getOrDefault(p.name(), 0) == members.size()) {
                return true;
            }
        }
        return false;
    }

    /** A protocol every member supports, by the members' votes for their most preferred candidate. */
    String selectProtocol() {
        Set<String> candidates = new LinkedHashSet<>();
        for (Map.Entry<String, Integer> e : supportedProtocols.entrySet()) {
            if (e.getValue() == members.size()) {
                candidates.add(e.getKey());
            }
        }
        if (candidates.isEmpty()) {
            throw new IllegalStateException("No protocol is supported by every member of group " + groupId);
        }
        Map<String, Integer> votes = new HashMap<>();
        for (ClassicGroupMember m : members.values()) {
            votes.merge(m.vote(candidates), 1, Integer::sum);
        }
        // Ties go to the protocol the leader prefers, so the choice is deterministic.
        ClassicGroupMember leader = members.get(leaderId);
        String best = null;
        for (ClassicGroupMember.Protocol p : (leader != null ? leader : members.values().iterator().next()).protocols()) {
            int count = votes.getOrDefault(p.name(), 0);
            if (count > 0 && (best == null || count > votes.get(best))) {
                best = p.name();
            }
        }
        return best;
    }

    boolean canRebalance() {
        return ClassicGroupState.PREPARING_REBALANCE.canFollow(state);
    }

    boolean hasAllMembersJoined() {
        return members.size() == numAwaitingJoin && pendingJoinMembers.isEmpty();
    }

    List<ClassicGroupMember> notYetRejoinedMembers() {
        List<ClassicGroupMember> result = new ArrayList<>();
        for (ClassicGroupMember m : members.values()) {
            if (!m.isAwaitingJoin()) {
                result.add(m);
            }
        }
        return result;
    }

    /** The largest rebalance timeout of the members: how long a rebalance waits for them to rejoin. */
    int rebalanceTimeoutMs() {
        int max = 0;
        for (ClassicGroupMember m : members.values()) {
            max = Math.max(max, m.rebalanceTimeoutMs());
        }
        return max;
    }

    /**
     * Makes sure the leader is a member that rejoined; returns false if no member rejoined (or there are none).
     */
    boolean maybeElectNewJoinedLeader() {
        if (leaderId == null) {
            return false;
        }
        if (members.get(leaderId).isAwaitingJoin()) {
            return true;
        }
        for (ClassicGroupMember m : members.values()) {
            if (m.isAwaitingJoin()) {
                leaderId = m.memberId();
                return true;
            }
        }
        return false;
    }

    void initNextGeneration() {
        generationId++;
        if (!members.isEmpty()) {
            protocolName = selectProtocol();
            transitionTo(ClassicGroupState.COMPLETING_REBALANCE);
        } else {
            protocolName = null;
            transitionTo(ClassicGroupState.EMPTY);
        }
        subscribedTopics = computeSubscribedTopics();
        pendingSyncMembers.clear();
    }

    private Set<String> computeSubscribedTopics() {
        if (!ConsumerProtocol.PROTOCOL_TYPE.equals(protocolType)) {
            return null;
        }
        Set<String> topics = new HashSet<>();
        for (ClassicGroupMember m : members.values()) {
            try {
                ConsumerProtocolSubscription subscription = ConsumerProtocol.deserializeConsumerProtocolSubscription(
                        ByteBuffer.wrap(m.metadata(protocolName)));
                subscription.topics().forEach(topics::add);
            } catch (RuntimeException e) {
                return null; // not the embedded consumer protocol after all: subscriptions unknown
            }
        }
        return topics;
    }

    /** The member list the leader gets in its JoinGroup response, with each member's metadata. */
    List<JoinGroupResponseMember> membersForLeader() {
        List<JoinGroupResponseMember> list = new ArrayList<>(members.size());
        for (ClassicGroupMember m : members.values()) {
            list.add(new JoinGroupResponseMember()
                    .setMemberId(m.memberId())
                    .setGroupInstanceId(m.groupInstanceId())
                    .setMetadata(m.metadata(protocolName)));
        }
        return list;
    }

    /**
     * Checks the member id (and, for a static member, that this incarnation owns the instance id).
     *
     * @throws org.apache.kafka.common.errors.UnknownMemberIdException if it is not a member
     * @throws org.apache.kafka.common.errors.FencedInstanceIdException if a newer incarnation owns the instance id
     */
    void validateMember(String memberId, String groupInstanceId) {
        if (groupInstanceId != null) {
            String owner = staticMembers.get(groupInstanceId);
            if (owner == null) {
                throw Errors.UNKNOWN_MEMBER_ID.exception();
            }
            if (!owner.equals(memberId)) {
                throw Errors.FENCED_INSTANCE_ID.exception("Static member " + memberId + " with instance id "
                        + groupInstanceId + " was fenced by member " + owner);
            }
        }
        if (!members.containsKey(memberId)) {
            throw Errors.UNKNOWN_MEMBER_ID.exception();
        }
    }

    @Override
    public void validateOffsetCommit(String memberId, String groupInstanceId, int generationId, boolean transactional) {
        if (isDead()) {
            throw Errors.COORDINATOR_NOT_AVAILABLE.exception();
        }
        if (generationId < 0 && isInState(ClassicGroupState.EMPTY)) {
            return; // admin client or assign() consumer committing for a group without members
        }
        if (generationId >= 0 || !memberId.isEmpty() || groupInstanceId != null) {
            validateMember(memberId, groupInstanceId);
            if (generationId != this.generationId) {
                throw Errors.ILLEGAL_GENERATION.exception();
            }
        } else if (!transactional && !isInState(ClassicGroupState.EMPTY)) {
            throw Errors.UNKNOWN_MEMBER_ID.exception();
        }
        if (!transactional && isInState(ClassicGroupState.COMPLETING_REBALANCE)) {
            // The member has the new generation but not its assignment yet: it should finish the rebalance first.
            throw Errors.REBALANCE_IN_PROGRESS.exception();
        }
    }

    @Override
    public void validateOffsetDelete() {
        switch (state) {
            case DEAD -> throw new GroupIdNotFoundException("Group " + groupId + " is in dead state.");
            case STABLE, PREPARING_REBALANCE, COMPLETING_REBALANCE -> {
                if (!ConsumerProtocol.PROTOCOL_TYPE.equals(protocolType)) {
                    throw Errors.NON_EMPTY_GROUP.exception();
                }
            }
            default -> {
            }
        }
    }

    @Override
    public void validateDelete() {
        switch (state) {
            case DEAD -> throw new GroupIdNotFoundException("Group " + groupId + " is in dead state.");
            case STABLE, PREPARING_REBALANCE, COMPLETING_REBALANCE -> throw Errors.NON_EMPTY_GROUP.exception();
            default -> {
            }
        }
    }

    @Override
    public boolean isSubscribedToTopic(String topic) {
        return subscribedTopics != null && subscribedTopics.contains(topic);
    }

    @Override
    public DescribedGroup describe() {
        boolean stable = isInState(ClassicGroupState.STABLE);
        List<DescribedGroupMember> described = new ArrayList<>();
        for (ClassicGroupMember m : members.values()) {
            DescribedGroupMember dm = new DescribedGroupMember()
                    .setMemberId(m.memberId())
                    .setGroupInstanceId(m.groupInstanceId())
                    .setClientId(m.clientId())
                    .setClientHost(m.clientHost());
            if (stable) {
                // Metadata and assignments are only consistent once the generation is stable.
                dm.setMemberMetadata(m.metadata(protocolName)).setMemberAssignment(m.assignment());
            }
            described.add(dm);
        }
        return new DescribedGroup()
                .setGroupId(groupId)
                .setGroupState(stateName())
                .setProtocolType(protocolTypeOrEmpty())
                .setProtocolData(stable ? protocolName : "")
                .setMembers(described);
    }

    @Override
    public void markDead() {
        for (String memberId : new ArrayList<>(members.keySet())) {
            remove(memberId, Errors.COORDINATOR_NOT_AVAILABLE);
        }
        pendingJoinMembers.clear();
        transitionTo(ClassicGroupState.DEAD);
    }

    static JoinGroupResponseData joinError(String memberId, Errors error) {
        return new JoinGroupResponseData()
                .setMemberId(memberId)
                .setErrorCode(error.code())
                .setGenerationId(-1)
                .setProtocolType(null)
                .setProtocolName(null)
                .setLeader("");
    }

    static SyncGroupResponseData syncError(Errors error) {
        return new SyncGroupResponseData()
                .setErrorCode(error.code())
                .setAssignment(ClassicGroupMember.EMPTY_ASSIGNMENT);
    }

    @Override
    public String toString() {
        return "ClassicGroup[" + groupId + ", " + state + ", generation " + generationId + ", " + members.size()
                + " members]";
    }
}
