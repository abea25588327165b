package io.kafkalite.group;

import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;

/**
 * What the coordinator needs from any kind of group: classic groups (JoinGroup/SyncGroup), KIP-848 consumer groups
 * (ConsumerGroupHeartbeat), share groups (KIP-932) and streams groups (KIP-1071) sit in one registry, sharing
 * committed offsets and the admin APIs.
 */
public interface Group {

    /** The group types of ListGroups v5. */
    enum Type {
        CLASSIC("classic"),
        CONSUMER("consumer"),
        SHARE("share"),
        STREAMS("streams");

        private final String label;

        Type(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    String groupId();

    Type type();

    /** The state name clients see, e.g. "Stable". */
    String stateName();

    /** The protocol type ("consumer", "connect", ...) or "" for a group that never had members. */
    String protocolTypeOrEmpty();

    boolean isDead();

    /**
     * Checks that a member (or, with generation -1 and no member id, an outsider) may commit offsets now.
     *
     * @param transactional a TxnOffsetCommit, which may leave out the member and generation (KIP-447 made them
     *     optional) and is not held back by a rebalance in progress
     * @throws ApiException with Kafka's error for the case
     */
    void validateOffsetCommit(String memberId, String groupInstanceId, int generationIdOrMemberEpoch,
                              boolean transactional);

    /** @throws ApiException unless offsets of topics the group does not consume may be deleted */
    void validateOffsetDelete();

    /** @throws ApiException unless the group may be deleted (it has no members) */
    void validateDelete();

    /** Whether the members consume {@code topic}, so its committed offsets must stay. */
    boolean isSubscribedToTopic(String topic);

    /** The group as DescribeGroups shows it. */
    DescribedGroup describe();

    /**
     * Whether DescribeGroups describes the group; Kafka answers it for share and streams groups as for a group that
     * does not exist (they have their own describe APIs).
     */
    default boolean isDescribedByDescribeGroups() {
        return true;
    }

    /**
     * Checks a commit of one partition by a member whose epoch is older than its current one; by default any older
     * epoch was already refused by {@link #validateOffsetCommit}.
     *
     * @throws ApiException with Kafka's error for the partition
     */
    default void validateCommittedPartition(String memberId, int memberEpoch, String topic, int partition) {
    }

    /** Marks the group deleted, answering any parked request of its members. */
    void markDead();
}
