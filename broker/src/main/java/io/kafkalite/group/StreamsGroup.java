package io.kafkalite.group;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.errors.FencedMemberEpochException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.StaleMemberEpochException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;

/**
 * A streams group (KIP-1071, {@code group.protocol=streams}): Kafka Streams members register their topology with
 * StreamsGroupHeartbeat, the coordinator creates the internal topics and assigns tasks with the sticky task
 * assignor, and members reconcile towards their target (revoking tasks before another member takes them). States
 * are Kafka's: Empty, NotReady (topology not configured: missing topics), Assigning, Reconciling, Stable, Dead.
 */
final class StreamsGroup extends MemberEpochGroup<StreamsGroupMember> {

    StreamsTopology topology;
    /** Tasks per subtopology once the topology is configured; null while it is not ready. */
    StreamsTopology.Configured configured;
    /** Partition counts of the topology's topics when it was last configured. */
    Map<String, Integer> topicPartitions = Map.of();
    Map<String, StreamsTaskAssignor.MemberTarget> targetAssignment = new HashMap<>();
    int endpointInformationEpoch;
    String shutdownRequestedBy;

    StreamsGroup(String groupId) {
        super(groupId);
    }

    @Override
    public Type type() {
        return Type.STREAMS;
    }

    boolean isReady() {
        return topology != null && configured != null && configured.isReady();
    }

    @Override
    public String stateName() {
        if (isDead()) {
            return "Dead";
        }
        if (members.isEmpty()) {
            return "Empty";
        }
        if (!isReady()) {
            return "NotReady";
        }
        if (groupEpoch > assignmentEpoch) {
            return "Assigning";
        }
        boolean reconciled = members.values().stream().allMatch(m -> m.memberEpoch == assignmentEpoch
                && m.state == StreamsGroupMember.State.STABLE);
        return reconciled ? "Stable" : "Reconciling";
    }

    @Override
    public String protocolTypeOrEmpty() {
        return "streams";
    }

    /**
     * As Kafka: outsiders commit only to an empty group; a member commits with its current epoch, or an older one for
     * partitions of tasks it had since then ({@link #validateCommittedPartition}).
     */
    @Override
    public void validateOffsetCommit(String memberId, String groupInstanceId, int memberEpoch, boolean transactional) {
        if (memberEpoch < 0 && members.isEmpty()) {
            return;
        }
        if (transactional && memberEpoch < 0 && (memberId == null || memberId.isEmpty()) && groupInstanceId == null) {
            return;
        }
        if (memberEpoch < 0 && (memberId == null || memberId.isEmpty())) {
            throw new IllegalGenerationException("Streams group " + groupId() + " has members; commit as one of them");
        }
        StreamsGroupMember member = members.get(memberId);
        if (member == null) {
            throw new UnknownMemberIdException("Member " + memberId + " is not in streams group " + groupId());
        }
        if (memberEpoch > member.memberEpoch) {
            throw new StaleMemberEpochException("Received member epoch " + memberEpoch + " is newer than current member "
                    + "epoch " + member.memberEpoch + ".");
        }
    }

    @Override
    public void validateCommittedPartition(String memberId, int memberEpoch, String topic, int partition) {
        StreamsGroupMember member = members.get(memberId);
        if (member == null || memberEpoch < 0 || memberEpoch == member.memberEpoch || topology == null) {
            return;
        }
        for (String subtopology : topology.subtopologies().keySet()) {
            if (topology.sourceTopicsOf(subtopology).contains(topic)) {
                Integer assignedIn = member.active.get(new StreamsTaskId(subtopology, partition));
                if (assignedIn != null && assignedIn <= memberEpoch) {
                    return;
                }
            }
        }
        throw new StaleMemberEpochException("Member " + memberId + " of streams group " + groupId() + " commits "
                + topic + "-" + partition + " with epoch " + memberEpoch + ", but does not own its task since then");
    }

    @Override
    public void validateOffsetDelete() {
        // allowed; topics the group reads are refused per topic by isSubscribedToTopic
    }

    @Override
    public void validateDelete() {
        if (!members.isEmpty()) {
            throw new GroupNotEmptyException("Streams group " + groupId() + " has " + members.size() + " member(s)");
        }
    }

    @Override
    public boolean isSubscribedToTopic(String topic) {
        return !members.isEmpty() && topology != null
                && topology.subtopologies().keySet().stream().anyMatch(s -> topology.sourceTopicsOf(s).contains(topic));
    }

    @Override
    public DescribedGroup describe() {
        return new DescribedGroup().setGroupId(groupId()).setGroupState(stateName()).setProtocolType("streams")
                .setProtocolData("");
    }

    @Override
    public boolean isDescribedByDescribeGroups() {
        return false;
    }

    /** Rejects a heartbeat epoch as Kafka does: newer is fenced, older only if the answer to it was lost. */
    static void checkEpoch(StreamsGroupMember member, int epoch, boolean ownsOnlyAssigned) {
        if (epoch > member.memberEpoch || epoch < member.memberEpoch
                && (epoch != member.previousEpoch || !ownsOnlyAssigned)) {
            throw new FencedMemberEpochException("The streams group member has epoch " + epoch + " but the group "
                    + "coordinator knows " + member.memberEpoch + ". The member must abandon all its tasks and rejoin.");
        }
    }
}
