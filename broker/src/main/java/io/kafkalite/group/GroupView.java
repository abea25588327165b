package io.kafkalite.group;

import java.util.List;
import java.util.Map;

/**
 * A group as test control shows it: its protocol, state and generation (classic) or group epoch (KIP-848), and each
 * member with the partitions it owns now.
 *
 * @param type "classic" or "consumer"
 */
public record GroupView(String groupId, String type, String state, int epoch, List<Member> members) {

    /** One member and its current assignment: topic name to partition indexes, sorted. */
    public record Member(String memberId, String groupInstanceId, String clientId, String clientHost,
                         Map<String, List<Integer>> assignment) {
    }
}
