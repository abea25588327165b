package io.kafkalite.group;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;

/**
 * A share group (KIP-932): members heartbeat with ShareGroupHeartbeat, the coordinator assigns the subscribed
 * topics' partitions to them (several members may share a partition) and records are acquired and acknowledged one
 * by one through ShareFetch and ShareAcknowledge. Its state is Empty, Stable or Dead, as in Kafka. It commits no
 * offsets: its progress is the share-partitions' state.
 */
final class ShareGroup extends MemberEpochGroup<ShareGroupMember> {

    Map<String, Set<IdPartition>> targetAssignment = new HashMap<>();
    /** Subscribed topics with their partition counts when the target assignment was last computed. */
    Map<String, Integer> subscribedTopics = Map.of();

    ShareGroup(String groupId) {
        super(groupId);
    }

    @Override
    public Type type() {
        return Type.SHARE;
    }

    @Override
    public String stateName() {
        if (isDead()) {
            return "Dead";
        }
        return members.isEmpty() ? "Empty" : "Stable";
    }

    @Override
    public String protocolTypeOrEmpty() {
        return "share";
    }

    @Override
    public void validateOffsetCommit(String memberId, String groupInstanceId, int generationIdOrMemberEpoch,
                                     boolean transactional) {
        throw new GroupIdNotFoundException("Group " + groupId() + " is a share group: it commits no offsets (use "
                + "Admin.alterShareGroupOffsets to move where it reads)");
    }

    @Override
    public void validateOffsetDelete() {
        throw new GroupIdNotFoundException("Group " + groupId() + " is a share group: use Admin.deleteShareGroupOffsets");
    }

    @Override
    public void validateDelete() {
        if (!members.isEmpty()) {
            throw new GroupNotEmptyException("Share group " + groupId() + " has " + members.size() + " member(s)");
        }
    }

    @Override
    public boolean isSubscribedToTopic(String topic) {
        return members.values().stream().anyMatch(m -> m.subscribedTopicNames.contains(topic));
    }

    @Override
    public DescribedGroup describe() {
        return new DescribedGroup().setGroupId(groupId()).setGroupState(stateName()).setProtocolType("share")
                .setProtocolData("");
    }

    @Override
    public boolean isDescribedByDescribeGroups() {
        return false;
    }

}
