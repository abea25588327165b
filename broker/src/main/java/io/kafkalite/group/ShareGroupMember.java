package io.kafkalite.group;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** A member of a share group (KIP-932), as the coordinator tracks it between heartbeats. */
final class ShareGroupMember {

    final String memberId;
    String rackId;
    String clientId;
    String clientHost;
    int memberEpoch;
    List<String> subscribedTopicNames = List.of();
    /** The partitions the member may fetch; share groups give them at once, several members may share one. */
    Set<IdPartition> assigned = new TreeSet<>();

    ShareGroupMember(String memberId) {
        this.memberId = memberId;
    }
}
