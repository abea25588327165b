package io.kafkalite;

import static org.apache.kafka.common.protocol.Errors.CLUSTER_AUTHORIZATION_FAILED;
import static org.apache.kafka.common.protocol.Errors.CONCURRENT_TRANSACTIONS;
import static org.apache.kafka.common.protocol.Errors.COORDINATOR_LOAD_IN_PROGRESS;
import static org.apache.kafka.common.protocol.Errors.COORDINATOR_NOT_AVAILABLE;
import static org.apache.kafka.common.protocol.Errors.CORRUPT_MESSAGE;
import static org.apache.kafka.common.protocol.Errors.DUPLICATE_SEQUENCE_NUMBER;
import static org.apache.kafka.common.protocol.Errors.FENCED_INSTANCE_ID;
import static org.apache.kafka.common.protocol.Errors.FENCED_LEADER_EPOCH;
import static org.apache.kafka.common.protocol.Errors.FENCED_MEMBER_EPOCH;
import static org.apache.kafka.common.protocol.Errors.FETCH_SESSION_ID_NOT_FOUND;
import static org.apache.kafka.common.protocol.Errors.FETCH_SESSION_TOPIC_ID_ERROR;
import static org.apache.kafka.common.protocol.Errors.GROUP_AUTHORIZATION_FAILED;
import static org.apache.kafka.common.protocol.Errors.GROUP_ID_NOT_FOUND;
import static org.apache.kafka.common.protocol.Errors.GROUP_MAX_SIZE_REACHED;
import static org.apache.kafka.common.protocol.Errors.GROUP_SUBSCRIBED_TO_TOPIC;
import static org.apache.kafka.common.protocol.Errors.ILLEGAL_GENERATION;
import static org.apache.kafka.common.protocol.Errors.INCONSISTENT_GROUP_PROTOCOL;
import static org.apache.kafka.common.protocol.Errors.INCONSISTENT_TOPIC_ID;
import static org.apache.kafka.common.protocol.Errors.INVALID_COMMIT_OFFSET_SIZE;
import static org.apache.kafka.common.protocol.Errors.INVALID_CONFIG;
import static org.apache.kafka.common.protocol.Errors.INVALID_FETCH_SESSION_EPOCH;
import static org.apache.kafka.common.protocol.Errors.INVALID_GROUP_ID;
import static org.apache.kafka.common.protocol.Errors.INVALID_PARTITIONS;
import static org.apache.kafka.common.protocol.Errors.INVALID_PRODUCER_EPOCH;
import static org.apache.kafka.common.protocol.Errors.INVALID_PRODUCER_ID_MAPPING;
import static org.apache.kafka.common.protocol.Errors.INVALID_RECORD;
import static org.apache.kafka.common.protocol.Errors.INVALID_REGULAR_EXPRESSION;
import static org.apache.kafka.common.protocol.Errors.INVALID_REPLICATION_FACTOR;
import static org.apache.kafka.common.protocol.Errors.INVALID_REPLICA_ASSIGNMENT;
import static org.apache.kafka.common.protocol.Errors.INVALID_REQUEST;
import static org.apache.kafka.common.protocol.Errors.INVALID_REQUIRED_ACKS;
import static org.apache.kafka.common.protocol.Errors.INVALID_SESSION_TIMEOUT;
import static org.apache.kafka.common.protocol.Errors.INVALID_TIMESTAMP;
import static org.apache.kafka.common.protocol.Errors.INVALID_TOPIC_EXCEPTION;
import static org.apache.kafka.common.protocol.Errors.INVALID_TRANSACTION_TIMEOUT;
import static org.apache.kafka.common.protocol.Errors.INVALID_TXN_STATE;
import static org.apache.kafka.common.protocol.Errors.KAFKA_STORAGE_ERROR;
import static org.apache.kafka.common.protocol.Errors.LEADER_NOT_AVAILABLE;
import static org.apache.kafka.common.protocol.Errors.MEMBER_ID_REQUIRED;
import static org.apache.kafka.common.protocol.Errors.MESSAGE_TOO_LARGE;
import static org.apache.kafka.common.protocol.Errors.NON_EMPTY_GROUP;
import static org.apache.kafka.common.protocol.Errors.NOT_CONTROLLER;
import static org.apache.kafka.common.protocol.Errors.NOT_COORDINATOR;
import static org.apache.kafka.common.protocol.Errors.NOT_ENOUGH_REPLICAS;
import static org.apache.kafka.common.protocol.Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND;
import static org.apache.kafka.common.protocol.Errors.NOT_LEADER_OR_FOLLOWER;
import static org.apache.kafka.common.protocol.Errors.OFFSET_METADATA_TOO_LARGE;
import static org.apache.kafka.common.protocol.Errors.OFFSET_NOT_AVAILABLE;
import static org.apache.kafka.common.protocol.Errors.OFFSET_OUT_OF_RANGE;
import static org.apache.kafka.common.protocol.Errors.OPERATION_NOT_ATTEMPTED;
import static org.apache.kafka.common.protocol.Errors.OUT_OF_ORDER_SEQUENCE_NUMBER;
import static org.apache.kafka.common.protocol.Errors.POLICY_VIOLATION;
import static org.apache.kafka.common.protocol.Errors.PRODUCER_FENCED;
import static org.apache.kafka.common.protocol.Errors.REBALANCE_IN_PROGRESS;
import static org.apache.kafka.common.protocol.Errors.REBOOTSTRAP_REQUIRED;
import static org.apache.kafka.common.protocol.Errors.RECORD_LIST_TOO_LARGE;
import static org.apache.kafka.common.protocol.Errors.REPLICA_NOT_AVAILABLE;
import static org.apache.kafka.common.protocol.Errors.REQUEST_TIMED_OUT;
import static org.apache.kafka.common.protocol.Errors.STALE_MEMBER_EPOCH;
import static org.apache.kafka.common.protocol.Errors.THROTTLING_QUOTA_EXCEEDED;
import static org.apache.kafka.common.protocol.Errors.TOPIC_ALREADY_EXISTS;
import static org.apache.kafka.common.protocol.Errors.TOPIC_AUTHORIZATION_FAILED;
import static org.apache.kafka.common.protocol.Errors.TOPIC_DELETION_DISABLED;
import static org.apache.kafka.common.protocol.Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
import static org.apache.kafka.common.protocol.Errors.TRANSACTIONAL_ID_NOT_FOUND;
import static org.apache.kafka.common.protocol.Errors.TRANSACTION_ABORTABLE;
import static org.apache.kafka.common.protocol.Errors.UNKNOWN_LEADER_EPOCH;
import static org.apache.kafka.common.protocol.Errors.UNKNOWN_MEMBER_ID;
import static org.apache.kafka.common.protocol.Errors.UNKNOWN_PRODUCER_ID;
import static org.apache.kafka.common.protocol.Errors.UNKNOWN_SERVER_ERROR;
import static org.apache.kafka.common.protocol.Errors.UNKNOWN_TOPIC_ID;
import static org.apache.kafka.common.protocol.Errors.UNKNOWN_TOPIC_OR_PARTITION;
import static org.apache.kafka.common.protocol.Errors.UNRELEASED_INSTANCE_ID;
import static org.apache.kafka.common.protocol.Errors.UNSTABLE_OFFSET_COMMIT;
import static org.apache.kafka.common.protocol.Errors.UNSUPPORTED_ASSIGNOR;
import static org.apache.kafka.common.protocol.Errors.UNSUPPORTED_COMPRESSION_TYPE;
import static org.apache.kafka.common.protocol.Errors.UNSUPPORTED_ENDPOINT_TYPE;
import static org.apache.kafka.common.protocol.Errors.UNSUPPORTED_FOR_MESSAGE_FORMAT;
import static org.apache.kafka.common.protocol.Errors.UNSUPPORTED_VERSION;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.protocol.Errors;
import io.kafkalite.api.KafkaApi;

/**
 * Which errors each API's response can carry, from Kafka's protocol guide and its response classes, so that a
 * fault rule naming an error its API never returns (a rule no client could ever react to as it would in
 * production) fails when it is made. APIs missing here have no known error list and accept any error.
 */
final class ApiErrors {

    /** Any response can say this. */
    private static final Set<Errors> ANY = EnumSet.of(UNKNOWN_SERVER_ERROR, INVALID_REQUEST, UNSUPPORTED_VERSION);
    private static final Set<Errors> COORDINATOR = EnumSet.of(COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR,
            COORDINATOR_LOAD_IN_PROGRESS);
    private static final Set<Errors> PARTITION_LEADER = EnumSet.of(NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE,
            UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID, REPLICA_NOT_AVAILABLE, FENCED_LEADER_EPOCH,
            UNKNOWN_LEADER_EPOCH, KAFKA_STORAGE_ERROR, TOPIC_AUTHORIZATION_FAILED);
    private static final Set<Errors> TRANSACTION = EnumSet.of(TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
            INVALID_PRODUCER_ID_MAPPING, INVALID_PRODUCER_EPOCH, PRODUCER_FENCED, INVALID_TXN_STATE,
            CONCURRENT_TRANSACTIONS, TRANSACTION_ABORTABLE);
    private static final Set<Errors> TOPIC_ADMIN = EnumSet.of(TOPIC_AUTHORIZATION_FAILED, CLUSTER_AUTHORIZATION_FAILED,
            NOT_CONTROLLER, REQUEST_TIMED_OUT, THROTTLING_QUOTA_EXCEEDED, POLICY_VIOLATION, INVALID_TOPIC_EXCEPTION,
            UNKNOWN_TOPIC_OR_PARTITION);

    private static final Map<KafkaApi, Set<Errors>> BY_API = new EnumMap<>(KafkaApi.class);

    static {
        add(KafkaApi.API_VERSIONS, set(REBOOTSTRAP_REQUIRED));
        add(KafkaApi.METADATA, PARTITION_LEADER, set(INVALID_TOPIC_EXCEPTION, INVALID_REPLICATION_FACTOR,
                POLICY_VIOLATION, CLUSTER_AUTHORIZATION_FAILED));
        add(KafkaApi.PRODUCE, PARTITION_LEADER, TRANSACTION, set(CORRUPT_MESSAGE, MESSAGE_TOO_LARGE,
                INVALID_TOPIC_EXCEPTION, RECORD_LIST_TOO_LARGE, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND,
                INVALID_REQUIRED_ACKS, UNSUPPORTED_FOR_MESSAGE_FORMAT, CLUSTER_AUTHORIZATION_FAILED, INVALID_RECORD,
                INVALID_TIMESTAMP, OUT_OF_ORDER_SEQUENCE_NUMBER, DUPLICATE_SEQUENCE_NUMBER, UNKNOWN_PRODUCER_ID,
                REQUEST_TIMED_OUT));
        add(KafkaApi.FETCH, PARTITION_LEADER, set(OFFSET_OUT_OF_RANGE, CORRUPT_MESSAGE, UNSUPPORTED_COMPRESSION_TYPE,
                FETCH_SESSION_ID_NOT_FOUND, INVALID_FETCH_SESSION_EPOCH, FETCH_SESSION_TOPIC_ID_ERROR,
                INCONSISTENT_TOPIC_ID, CLUSTER_AUTHORIZATION_FAILED));
        add(KafkaApi.LIST_OFFSETS, PARTITION_LEADER, set(UNSUPPORTED_FOR_MESSAGE_FORMAT, OFFSET_NOT_AVAILABLE));
        add(KafkaApi.DELETE_RECORDS, PARTITION_LEADER, set(OFFSET_OUT_OF_RANGE, POLICY_VIOLATION, REQUEST_TIMED_OUT));
        add(KafkaApi.INIT_PRODUCER_ID, COORDINATOR, set(TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
                CLUSTER_AUTHORIZATION_FAILED, INVALID_PRODUCER_EPOCH, PRODUCER_FENCED, CONCURRENT_TRANSACTIONS,
                INVALID_TRANSACTION_TIMEOUT, TRANSACTION_ABORTABLE));
        add(KafkaApi.FIND_COORDINATOR, COORDINATOR, set(GROUP_AUTHORIZATION_FAILED,
                TRANSACTIONAL_ID_AUTHORIZATION_FAILED));
        add(KafkaApi.JOIN_GROUP, COORDINATOR, set(GROUP_AUTHORIZATION_FAILED, INVALID_GROUP_ID,
                INCONSISTENT_GROUP_PROTOCOL, INVALID_SESSION_TIMEOUT, UNKNOWN_MEMBER_ID, MEMBER_ID_REQUIRED,
                REBALANCE_IN_PROGRESS, GROUP_MAX_SIZE_REACHED, FENCED_INSTANCE_ID, UNRELEASED_INSTANCE_ID));
        add(KafkaApi.SYNC_GROUP, COORDINATOR, set(GROUP_AUTHORIZATION_FAILED, INVALID_GROUP_ID, ILLEGAL_GENERATION,
                UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS, FENCED_INSTANCE_ID, INCONSISTENT_GROUP_PROTOCOL));
        add(KafkaApi.HEARTBEAT, COORDINATOR, set(GROUP_AUTHORIZATION_FAILED, INVALID_GROUP_ID, ILLEGAL_GENERATION,
                UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS, FENCED_INSTANCE_ID));
        add(KafkaApi.LEAVE_GROUP, COORDINATOR, set(GROUP_AUTHORIZATION_FAILED, INVALID_GROUP_ID, UNKNOWN_MEMBER_ID,
                FENCED_INSTANCE_ID));
        add(KafkaApi.OFFSET_COMMIT, COORDINATOR, set(GROUP_AUTHORIZATION_FAILED, TOPIC_AUTHORIZATION_FAILED,
                INVALID_GROUP_ID, UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID, REQUEST_TIMED_OUT,
                OFFSET_METADATA_TOO_LARGE, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS,
                INVALID_COMMIT_OFFSET_SIZE, GROUP_ID_NOT_FOUND, STALE_MEMBER_EPOCH, FENCED_MEMBER_EPOCH,
                FENCED_INSTANCE_ID));
        add(KafkaApi.OFFSET_FETCH, COORDINATOR, set(GROUP_AUTHORIZATION_FAILED, TOPIC_AUTHORIZATION_FAILED,
                INVALID_GROUP_ID, UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID, UNSTABLE_OFFSET_COMMIT,
                UNKNOWN_MEMBER_ID, STALE_MEMBER_EPOCH, GROUP_ID_NOT_FOUND));
        add(KafkaApi.OFFSET_DELETE, COORDINATOR, set(GROUP_AUTHORIZATION_FAILED, TOPIC_AUTHORIZATION_FAILED,
                INVALID_GROUP_ID, GROUP_ID_NOT_FOUND, GROUP_SUBSCRIBED_TO_TOPIC, NON_EMPTY_GROUP,
                UNKNOWN_TOPIC_OR_PARTITION));
        add(KafkaApi.LIST_GROUPS, COORDINATOR, set(CLUSTER_AUTHORIZATION_FAILED));
        add(KafkaApi.DESCRIBE_GROUPS, COORDINATOR, set(GROUP_AUTHORIZATION_FAILED, INVALID_GROUP_ID,
                GROUP_ID_NOT_FOUND));
        add(KafkaApi.DELETE_GROUPS, COORDINATOR, set(GROUP_AUTHORIZATION_FAILED, INVALID_GROUP_ID, GROUP_ID_NOT_FOUND,
                NON_EMPTY_GROUP));
        add(KafkaApi.CONSUMER_GROUP_HEARTBEAT, COORDINATOR, set(GROUP_AUTHORIZATION_FAILED,
                TOPIC_AUTHORIZATION_FAILED, INVALID_GROUP_ID, UNKNOWN_MEMBER_ID, FENCED_MEMBER_EPOCH,
                UNSUPPORTED_ASSIGNOR, UNRELEASED_INSTANCE_ID, FENCED_INSTANCE_ID, GROUP_MAX_SIZE_REACHED,
                INVALID_REGULAR_EXPRESSION, GROUP_ID_NOT_FOUND));
        add(KafkaApi.CONSUMER_GROUP_DESCRIBE, COORDINATOR, set(GROUP_AUTHORIZATION_FAILED, TOPIC_AUTHORIZATION_FAILED,
                INVALID_GROUP_ID, GROUP_ID_NOT_FOUND));
        add(KafkaApi.CREATE_TOPICS, TOPIC_ADMIN, set(TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS,
                INVALID_REPLICATION_FACTOR, INVALID_REPLICA_ASSIGNMENT, INVALID_CONFIG));
        add(KafkaApi.DELETE_TOPICS, TOPIC_ADMIN, set(UNKNOWN_TOPIC_ID, TOPIC_DELETION_DISABLED));
        add(KafkaApi.CREATE_PARTITIONS, TOPIC_ADMIN, set(INVALID_PARTITIONS, INVALID_REPLICA_ASSIGNMENT));
        Set<Errors> configs = set(TOPIC_AUTHORIZATION_FAILED, CLUSTER_AUTHORIZATION_FAILED, GROUP_AUTHORIZATION_FAILED,
                UNKNOWN_TOPIC_OR_PARTITION, INVALID_CONFIG, POLICY_VIOLATION, NOT_CONTROLLER);
        add(KafkaApi.DESCRIBE_CONFIGS, configs);
        add(KafkaApi.ALTER_CONFIGS, configs);
        add(KafkaApi.INCREMENTAL_ALTER_CONFIGS, configs);
        add(KafkaApi.DESCRIBE_CLUSTER, set(CLUSTER_AUTHORIZATION_FAILED, UNSUPPORTED_ENDPOINT_TYPE));
        add(KafkaApi.ADD_PARTITIONS_TO_TXN, COORDINATOR, TRANSACTION, set(TOPIC_AUTHORIZATION_FAILED,
                UNKNOWN_TOPIC_OR_PARTITION, OPERATION_NOT_ATTEMPTED));
        add(KafkaApi.ADD_OFFSETS_TO_TXN, COORDINATOR, TRANSACTION, set(GROUP_AUTHORIZATION_FAILED));
        add(KafkaApi.END_TXN, COORDINATOR, TRANSACTION);
        add(KafkaApi.TXN_OFFSET_COMMIT, COORDINATOR, TRANSACTION, set(GROUP_AUTHORIZATION_FAILED,
                TOPIC_AUTHORIZATION_FAILED, UNKNOWN_TOPIC_OR_PARTITION, OFFSET_METADATA_TOO_LARGE, ILLEGAL_GENERATION,
                UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, REBALANCE_IN_PROGRESS, INVALID_COMMIT_OFFSET_SIZE,
                REQUEST_TIMED_OUT));
        add(KafkaApi.DESCRIBE_TRANSACTIONS, COORDINATOR, set(TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
                TRANSACTIONAL_ID_NOT_FOUND));
        add(KafkaApi.LIST_TRANSACTIONS, COORDINATOR, set(CLUSTER_AUTHORIZATION_FAILED));
        add(KafkaApi.DESCRIBE_PRODUCERS, PARTITION_LEADER);
    }

    private ApiErrors() {
    }

    @SafeVarargs
    private static void add(KafkaApi api, Set<Errors>... groups) {
        Set<Errors> errors = EnumSet.copyOf(ANY);
        for (Set<Errors> group : groups) {
            errors.addAll(group);
        }
        BY_API.put(api, errors);
    }

    private static Set<Errors> set(Errors first, Errors... rest) {
        return EnumSet.of(first, rest);
    }

    /** Whether {@code api}'s response can carry {@code error}. */
    static boolean canReturn(KafkaApi api, Errors error) {
        Set<Errors> errors = BY_API.get(api);
        return errors == null ? error != Errors.NONE : errors.contains(error);
    }

    /** The errors {@code api} can return, by name, for messages. */
    static String namesFor(KafkaApi api) {
        Set<Errors> errors = BY_API.get(api);
        return errors == null ? "any error" : String.join(", ", errors.stream().map(Enum::name).sorted().toList());
    }
}
