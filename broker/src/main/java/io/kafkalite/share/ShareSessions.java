package io.kafkalite.share;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidShareSessionEpochException;
import org.apache.kafka.common.errors.ShareSessionLimitReachedException;
import org.apache.kafka.common.errors.ShareSessionNotFoundException;

/**
 * Share sessions (KIP-932), one per share consumer and group: the partitions it fetches, so that each ShareFetch
 * names only what changed, and the epoch that orders its requests. Epoch 0 opens a session, -1 closes it, anything
 * else must be the next epoch. A session ends when its consumer closes it, leaves the group or disconnects; what the
 * consumer still held is then released. Broker loop thread only.
 */
public final class ShareSessions {

    /** A share session's key: Kafka keys them by group and member. */
    public record Key(String groupId, String memberId) {
    }

    /** One share consumer's session. */
    public static final class Session {
        private final Key key;
        private final Set<TopicIdPartition> partitions = new LinkedHashSet<>();
        private int epoch;
        /** Whether the connection the session was opened on is gone. */
        private BooleanSupplier disconnected;

        Session(Key key) {
            this.key = key;
        }

        /** The group and member the session belongs to. */
        public Key key() {
            return key;
        }

        /** The partitions in the session, in the order they were added. */
        public Collection<TopicIdPartition> partitions() {
            return partitions;
        }
    }

    private final int maxSessions;
    private final Map<Key, Session> sessions = new LinkedHashMap<>();

    /** @param maxSessions {@code group.share.max.share.sessions}: sessions beyond it are refused */
    public ShareSessions(int maxSessions) {
        this.maxSessions = maxSessions;
    }

    /** The share session epoch that opens a session. */
    public static final int INITIAL_EPOCH = 0;
    /** The share session epoch that closes a session. */
    public static final int FINAL_EPOCH = -1;

    /**
     * The session a ShareFetch continues, opens or closes, with its partitions updated.
     *
     * @param disconnected tells whether the request's connection is gone
     * @return the session; for {@link #FINAL_EPOCH} the closing session, already removed
     * @throws ShareSessionNotFoundException, InvalidShareSessionEpochException, ShareSessionLimitReachedException,
     *     InvalidRequestException (acknowledgements when opening a session)
     */
    public Session forFetch(String groupId, String memberId, int epoch, List<TopicIdPartition> added,
                            List<TopicIdPartition> forgotten, boolean hasAcknowledgements,
                            BooleanSupplier disconnected) {
        Key key = new Key(groupId, memberId);
        if (epoch == INITIAL_EPOCH) {
            if (hasAcknowledgements) {
                throw new InvalidRequestException("A ShareFetch opening a share session (epoch 0) cannot carry "
                        + "acknowledgements");
            }
            sessions.remove(key);
            if (sessions.size() >= maxSessions) {
                throw new ShareSessionLimitReachedException("The broker already has " + maxSessions + " share sessions "
                        + "(group.share.max.share.sessions)");
            }
            Session session = new Session(key);
            session.partitions.addAll(added);
            session.epoch = 1;
            session.disconnected = disconnected;
            sessions.put(key, session);
            return session;
        }
        Session session = existing(key, epoch);
        if (epoch == FINAL_EPOCH) {
            return sessions.remove(key);
        }
        forgotten.forEach(session.partitions::remove);
        session.partitions.addAll(added);
        session.epoch = next(session.epoch);
        return session;
    }

    /** The session a ShareAcknowledge continues or (epoch -1) closes; a closing session is removed. */
    public Session forAcknowledge(String groupId, String memberId, int epoch) {
        Key key = new Key(groupId, memberId);
        if (epoch == INITIAL_EPOCH) {
            throw new InvalidShareSessionEpochException("ShareAcknowledge cannot open a share session (epoch 0)");
        }
        Session session = existing(key, epoch);
        if (epoch == FINAL_EPOCH) {
            sessions.remove(key);
        } else {
            session.epoch = next(session.epoch);
        }
        return session;
    }

    private Session existing(Key key, int epoch) {
        Session session = sessions.get(key);
        if (session == null) {
            throw new ShareSessionNotFoundException("No share session for member " + key.memberId() + " of group "
                    + key.groupId() + ": open one with epoch 0");
        }
        if (epoch != FINAL_EPOCH && epoch != session.epoch) {
            throw new InvalidShareSessionEpochException("Share session of member " + key.memberId() + " expects epoch "
                    + session.epoch + ", got " + epoch);
        }
        return session;
    }

    private static int next(int epoch) {
        return epoch == Integer.MAX_VALUE ? 1 : epoch + 1;
    }

    /** Ends the member's session (it left the group); returns it, or null. */
    public Session remove(String groupId, String memberId) {
        return sessions.remove(new Key(groupId, memberId));
    }

    /** Ends every session of the group. */
    public List<Session> removeGroup(String groupId) {
        List<Session> removed = new ArrayList<>();
        sessions.values().removeIf(session -> {
            if (session.key.groupId().equals(groupId)) {
                removed.add(session);
                return true;
            }
            return false;
        });
        return removed;
    }

    /** Ends and returns the sessions whose connection is gone. */
    public List<Session> removeDisconnected() {
        List<Session> removed = new ArrayList<>();
        sessions.values().removeIf(session -> {
            if (session.disconnected.getAsBoolean()) {
                removed.add(session);
                return true;
            }
            return false;
        });
        return removed;
    }

    /** Whether no share session is open. */
    public boolean isEmpty() {
        return sessions.isEmpty();
    }
}
