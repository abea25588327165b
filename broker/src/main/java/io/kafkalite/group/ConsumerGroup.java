package io.kafkalite.group;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.errors.FencedMemberEpochException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.StaleMemberEpochException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;

/**
 * A KIP-848 consumer group: members heartbeat, the coordinator computes the target assignment with a server-side
 * assignor whenever the group epoch moves, and each member reconciles towards it one heartbeat at a time.
 */
final class ConsumerGroup extends MemberEpochGroup<ConsumerGroupMember> {

    Map<String, Set<IdPartition>> targetAssignment = new HashMap<>();
    /** Subscribed topics with their partition counts when the target assignment was last computed. */
    Map<String, Integer> subscribedTopics = Map.of();
    String assignorName = ServerAssignor.UNIFORM.label();

    ConsumerGroup(String groupId) {
        super(groupId);
    }

    @Override
    public Type type() {
        return Type.CONSUMER;
    }

    @Override
    public String stateName() {
        if (isDead()) {
            return "Dead";
        }
        if (members.isEmpty()) {
            return "Empty";
        }
        if (groupEpoch > assignmentEpoch) {
            return "Assigning";
        }
        boolean reconciled = members.values().stream()
                .allMatch(m -> m.memberEpoch == assignmentEpoch && m.pendingRevocation.isEmpty());
        return reconciled ? "Stable" : "Reconciling";
    }

    @Override
    public String protocolTypeOrEmpty() {
        return "consumer";
    }

    @Override
    public void validateOffsetCommit(String memberId, String groupInstanceId, int memberEpoch, boolean transactional) {
        if (memberEpoch < 0 && (memberId == null || memberId.isEmpty())) {
            if (members.isEmpty() || transactional && groupInstanceId == null) {
                return; // admin tools and assign()-mode consumers; a TxnOffsetCommit may leave the member out
            }
            throw new IllegalGenerationException("Group " + groupId() + " has members; commit as one of them");
        }
        ConsumerGroupMember member = members.get(memberId);
        if (member == null) {
            throw new UnknownMemberIdException("Member " + memberId + " is not in group " + groupId());
        }
        if (memberEpoch > member.memberEpoch) {
            throw new FencedMemberEpochException("Member epoch " + memberEpoch + " is newer than " + member.memberEpoch);
        }
        if (memberEpoch < member.memberEpoch) {
            throw new StaleMemberEpochException("Member epoch " + memberEpoch + " is older than " + member.memberEpoch);
        }
    }

    @Override
    public void validateOffsetDelete() {
        // allowed; topics the members consume are refused per topic by isSubscribedToTopic
    }

    @Override
    public void validateDelete() {
        if (!members.isEmpty()) {
            throw new GroupNotEmptyException("Group " + groupId() + " has " + members.size() + " member(s)");
        }
    }

    @Override
    public boolean isSubscribedToTopic(String topic) {
        return members.values().stream().anyMatch(m -> m.subscribes(topic));
    }

    @Override
    public DescribedGroup describe() {
        List<DescribedGroupMember> described = members.values().stream()
                .map(m -> new DescribedGroupMember()
                        .setMemberId(m.memberId)
                        .setGroupInstanceId(m.instanceId)
                        .setClientId(m.clientId == null ? "" : m.clientId)
                        .setClientHost(m.clientHost == null ? "" : m.clientHost)
                        .setMemberMetadata(new byte[0])
                        .setMemberAssignment(new byte[0]))
                .toList();
        return new DescribedGroup()
                .setGroupId(groupId())
                .setGroupState(stateName())
                .setProtocolType(protocolTypeOrEmpty())
                .setProtocolData(assignorName)
                .setMembers(described);
    }

}
