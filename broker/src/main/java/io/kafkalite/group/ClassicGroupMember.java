package io.kafkalite.group;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/**
 * A member of a classic group: what it said in its last JoinGroup, the assignment the leader gave it, and the
 * JoinGroup or SyncGroup response it is waiting for, if any.
 */
public final class ClassicGroupMember {

    static final byte[] EMPTY_ASSIGNMENT = new byte[0];

    private final String memberId;
    private final String groupInstanceId;
    private final String clientId;
    private final String clientHost;
    private final String protocolType;
    private int rebalanceTimeoutMs;
    private int sessionTimeoutMs;
    private List<Protocol> protocols;
    private byte[] assignment = EMPTY_ASSIGNMENT;
    private Consumer<JoinGroupResponseData> awaitingJoin;
    private Consumer<SyncGroupResponseData> awaitingSync;
    private boolean isNew;

    ClassicGroupMember(String memberId, String groupInstanceId, String clientId, String clientHost,
                       int rebalanceTimeoutMs, int sessionTimeoutMs, String protocolType, List<Protocol> protocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocolType = protocolType;
        this.protocols = List.copyOf(protocols);
    }

    /** The same member under a new member id: a static member that restarted. */
    ClassicGroupMember withMemberId(String newMemberId) {
        ClassicGroupMember copy = new ClassicGroupMember(newMemberId, groupInstanceId, clientId, clientHost,
                rebalanceTimeoutMs, sessionTimeoutMs, protocolType, protocols);
        copy.assignment = assignment;
        return copy;
    }

    public String memberId() {
        return memberId;
    }

    /** The static member's group.instance.id, or null for a dynamic member. */
    public String groupInstanceId() {
        return groupInstanceId;
    }

    public boolean isStatic() {
        return groupInstanceId != null;
    }

    public String clientId() {
        return clientId;
    }

    public String clientHost() {
        return clientHost;
    }

    public String protocolType() {
        return protocolType;
    }

    public int rebalanceTimeoutMs() {
        return rebalanceTimeoutMs;
    }

    public int sessionTimeoutMs() {
        return sessionTimeoutMs;
    }

    public List<Protocol> protocols() {
        return protocols;
    }

    void update(List<Protocol> protocols, int rebalanceTimeoutMs, int sessionTimeoutMs) {
        this.protocols = List.copyOf(protocols);
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
    }

    /** The member's metadata for {@code protocolName}, or null if it does not support it. */
    public byte[] metadata(String protocolName) {
        for (Protocol p : protocols) {
            if (p.name().equals(protocolName)) {
                return p.metadata();
            }
        }
        return null;
    }

    /** Whether this member joined with exactly these protocols (names, order and metadata). */
    boolean matches(List<Protocol> other) {
        if (other.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            if (!protocols.get(i).name().equals(other.get(i).name())
                    || !Arrays.equals(protocols.get(i).metadata(), other.get(i).metadata())) {
                return false;
            }
        }
        return true;
    }

    /** The member's most preferred protocol among {@code candidates}. */
    String vote(Set<String> candidates) {
        for (Protocol p : protocols) {
            if (candidates.contains(p.name())) {
                return p.name();
            }
        }
        throw new IllegalStateException("Member " + memberId + " supports none of " + candidates);
    }

    public byte[] assignment() {
        return assignment;
    }

    void setAssignment(byte[] assignment) {
        this.assignment = assignment;
    }

    boolean isAwaitingJoin() {
        return awaitingJoin != null;
    }

    boolean isAwaitingSync() {
        return awaitingSync != null;
    }

    /** Replaces the parked JoinGroup answer; returns the one it replaces (null if none). */
    Consumer<JoinGroupResponseData> awaitJoin(Consumer<JoinGroupResponseData> respond) {
        Consumer<JoinGroupResponseData> previous = awaitingJoin;
        awaitingJoin = respond;
        return previous;
    }

    Consumer<SyncGroupResponseData> awaitSync(Consumer<SyncGroupResponseData> respond) {
        Consumer<SyncGroupResponseData> previous = awaitingSync;
        awaitingSync = respond;
        return previous;
    }

    /** Answers the parked JoinGroup, if any; returns whether there was one. */
    boolean completeJoin(JoinGroupResponseData response) {
        Consumer<JoinGroupResponseData> respond = awaitingJoin;
        awaitingJoin = null;
        if (respond == null) {
            return false;
        }
        respond.accept(response);
        return true;
    }

    boolean completeSync(SyncGroupResponseData response) {
        Consumer<SyncGroupResponseData> respond = awaitingSync;
        awaitingSync = null;
        if (respond == null) {
            return false;
        }
        respond.accept(response);
        return true;
    }

    /** A member that has not completed a join yet: it expires on the new-member timeout, not the session. */
    boolean isNew() {
        return isNew;
    }

    void setNew(boolean isNew) {
        this.isNew = isNew;
    }

    @Override
    public String toString() {
        return memberId + (groupInstanceId == null ? "" : " (instance " + groupInstanceId + ")");
    }

    /** A protocol a member supports (an assignor, for consumers) with the member's metadata for it. */
    public record Protocol(String name, byte[] metadata) {
    }
}
