package io.kafkalite.group;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** A member of a KIP-848 consumer group, as the coordinator tracks it between heartbeats. */
final class ConsumerGroupMember {

    final String memberId;
    String instanceId;
    String rackId;
    String clientId;
    String clientHost;
    int memberEpoch;
    int previousEpoch;
    int rebalanceTimeoutMs;
    List<String> subscribedTopicNames = List.of();
    String subscribedTopicRegex;
    Pattern regex;
    String serverAssignor;
    /** Partitions the member may consume now. */
    final Set<IdPartition> assigned = new HashSet<>();
    /** Partitions the member was told to give up and has not yet reported as released. */
    final Set<IdPartition> pendingRevocation = new HashSet<>();
    /** The assignment last sent, so a heartbeat only carries one when it changed. */
    Set<IdPartition> lastSent;

    ConsumerGroupMember(String memberId) {
        this.memberId = memberId;
    }

    /** Whether the member subscribes to {@code topic}, by name or by its regular expression. */
    boolean subscribes(String topic) {
        return subscribedTopicNames.contains(topic) || (regex != null && regex.matcher(topic).matches());
    }
}
