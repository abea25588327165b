package io.kafkalite.group;

import io.kafkalite.metadata.BrokerConfig;

/**
 * The settings the group coordinator reads, under Kafka's names.
 *
 * @param initialRebalanceDelayMs {@code group.initial.rebalance.delay.ms}: how long a new group waits for more
 *     members before its first generation
 * @param minSessionTimeoutMs {@code group.min.session.timeout.ms}
 * @param maxSessionTimeoutMs {@code group.max.session.timeout.ms}
 * @param newMemberJoinTimeoutMs how long a new member's parked JoinGroup may wait (Kafka's fixed 5 minutes)
 * @param offsetMetadataMaxBytes {@code offset.metadata.max.bytes}: longest metadata string of a commit
 * @param consumerSessionTimeoutMs {@code group.consumer.session.timeout.ms}: consumer-protocol members that stop
 *     heartbeating are removed after this
 * @param consumerHeartbeatIntervalMs {@code group.consumer.heartbeat.interval.ms}: how often consumer-protocol
 *     members heartbeat, and so how soon they hear of a new assignment
 */
public record GroupCoordinatorConfig(int initialRebalanceDelayMs, int minSessionTimeoutMs, int maxSessionTimeoutMs,
                                     int newMemberJoinTimeoutMs, int offsetMetadataMaxBytes,
                                     int consumerSessionTimeoutMs, int consumerHeartbeatIntervalMs) {

    public static final int NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;
    public static final int OFFSET_METADATA_MAX_BYTES = 4096;

    public static GroupCoordinatorConfig from(BrokerConfig config) {
        return new GroupCoordinatorConfig(
                intValue(config, BrokerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS),
                intValue(config, BrokerConfig.GROUP_MIN_SESSION_TIMEOUT_MS),
                intValue(config, BrokerConfig.GROUP_MAX_SESSION_TIMEOUT_MS),
                NEW_MEMBER_JOIN_TIMEOUT_MS,
                OFFSET_METADATA_MAX_BYTES,
                intValue(config, BrokerConfig.GROUP_CONSUMER_SESSION_TIMEOUT_MS),
                intValue(config, BrokerConfig.GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS));
    }

    private static int intValue(BrokerConfig config, String name) {
        return Integer.parseInt(config.valueAsString(name));
    }
}
