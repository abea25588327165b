package io.kafkalite.group;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** A member of a streams group (one Kafka Streams thread's consumer), as the coordinator tracks it. */
final class StreamsGroupMember {

    /** Kafka's reconciliation states of a streams group member. */
    enum State { STABLE, UNREVOKED_TASKS, UNRELEASED_TASKS }

    final String memberId;
    String rackId;
    String clientId;
    String clientHost;
    String processId;
    String endpointHost;
    int endpointPort;
    Map<String, String> clientTags = Map.of();
    int topologyEpoch;
    int rebalanceTimeoutMs;
    int memberEpoch;
    int previousEpoch;
    State state = State.STABLE;
    /** Active tasks the member may process, with the epoch each was assigned in (offset commits check it). */
    Map<StreamsTaskId, Integer> active = new TreeMap<>();
    Set<StreamsTaskId> standby = new TreeSet<>();
    /** Tasks the member was told to give up and has not yet reported as given up. */
    Set<StreamsTaskId> revokingActive = new TreeSet<>();
    Set<StreamsTaskId> revokingStandby = new TreeSet<>();
    /** The tasks last sent, so a heartbeat carries them only when they changed. */
    String lastSent;

    StreamsGroupMember(String memberId) {
        this.memberId = memberId;
    }

    boolean hasEndpoint() {
        return endpointHost != null;
    }
}
