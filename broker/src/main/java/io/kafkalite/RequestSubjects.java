package io.kafkalite;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;
import io.kafkalite.api.KafkaApi;

/**
 * What a request is about, as fault rules filter on it: the topics (with partitions where the request names them),
 * groups and transactional ids it names. The one place that knows each API's request layout for test control.
 */
final class RequestSubjects {

    /** APIs whose requests name topics. */
    static final Set<KafkaApi> NAME_TOPICS = EnumSet.of(KafkaApi.PRODUCE, KafkaApi.FETCH, KafkaApi.LIST_OFFSETS,
            KafkaApi.METADATA, KafkaApi.OFFSET_COMMIT, KafkaApi.OFFSET_FETCH, KafkaApi.OFFSET_DELETE,
            KafkaApi.DELETE_RECORDS, KafkaApi.CREATE_TOPICS, KafkaApi.DELETE_TOPICS, KafkaApi.CREATE_PARTITIONS,
            KafkaApi.DESCRIBE_CONFIGS, KafkaApi.ALTER_CONFIGS, KafkaApi.INCREMENTAL_ALTER_CONFIGS,
            KafkaApi.ADD_PARTITIONS_TO_TXN, KafkaApi.TXN_OFFSET_COMMIT, KafkaApi.DESCRIBE_PRODUCERS);
    /** APIs whose requests name partitions of those topics. */
    static final Set<KafkaApi> NAME_PARTITIONS = EnumSet.of(KafkaApi.PRODUCE, KafkaApi.FETCH, KafkaApi.LIST_OFFSETS,
            KafkaApi.OFFSET_COMMIT, KafkaApi.OFFSET_FETCH, KafkaApi.OFFSET_DELETE, KafkaApi.DELETE_RECORDS,
            KafkaApi.ADD_PARTITIONS_TO_TXN, KafkaApi.TXN_OFFSET_COMMIT, KafkaApi.DESCRIBE_PRODUCERS);
    /** APIs whose requests name consumer groups. */
    static final Set<KafkaApi> NAME_GROUPS = EnumSet.of(KafkaApi.FIND_COORDINATOR, KafkaApi.JOIN_GROUP,
            KafkaApi.SYNC_GROUP, KafkaApi.HEARTBEAT, KafkaApi.LEAVE_GROUP, KafkaApi.OFFSET_COMMIT, KafkaApi.OFFSET_FETCH,
            KafkaApi.OFFSET_DELETE, KafkaApi.DESCRIBE_GROUPS, KafkaApi.DELETE_GROUPS, KafkaApi.CONSUMER_GROUP_HEARTBEAT,
            KafkaApi.CONSUMER_GROUP_DESCRIBE, KafkaApi.ADD_OFFSETS_TO_TXN, KafkaApi.TXN_OFFSET_COMMIT,
            KafkaApi.DESCRIBE_CONFIGS, KafkaApi.ALTER_CONFIGS, KafkaApi.INCREMENTAL_ALTER_CONFIGS);
    /** APIs whose requests name transactional ids. */
    static final Set<KafkaApi> NAME_TRANSACTIONAL_IDS = EnumSet.of(KafkaApi.PRODUCE, KafkaApi.FIND_COORDINATOR,
            KafkaApi.INIT_PRODUCER_ID, KafkaApi.ADD_PARTITIONS_TO_TXN, KafkaApi.ADD_OFFSETS_TO_TXN, KafkaApi.END_TXN,
            KafkaApi.TXN_OFFSET_COMMIT, KafkaApi.DESCRIBE_TRANSACTIONS);

    /** Topic name to the partitions the request names (empty for requests about whole topics). */
    private final Map<String, List<Integer>> topics = new LinkedHashMap<>();
    private final List<String> groups = new ArrayList<>();
    private final List<String> transactionalIds = new ArrayList<>();
    /** A Metadata request for every topic. */
    private boolean allTopics;

    private RequestSubjects() {
    }

    /** Whether the request names {@code topic} (and, unless {@code partition} is null, that partition of it). */
    boolean names(String topic, Integer partition) {
        if (allTopics) {
            return partition == null;
        }
        List<Integer> partitions = topics.get(topic);
        return partitions != null && (partition == null || partitions.contains(partition));
    }

    boolean namesGroup(String group) {
        return groups.contains(group);
    }

    boolean namesTransactionalId(String transactionalId) {
        return transactionalIds.contains(transactionalId);
    }

    /**
     * Reads the subjects of a decoded request.
     *
     * @param topicNames resolves topic ids (newer Produce, Fetch and OffsetCommit versions) to names, or null
     */
    static RequestSubjects of(KafkaApi api, ApiMessage data, Function<Uuid, String> topicNames) {
        RequestSubjects s = new RequestSubjects();
        switch (api) {
            case PRODUCE -> {
                ProduceRequestData d = (ProduceRequestData) data;
                s.transactionalId(d.transactionalId());
                d.topicData().forEach(t -> t.partitionData().forEach(p ->
                        s.partition(s.name(t.name(), t.topicId(), topicNames), p.index())));
            }
            case FETCH -> ((FetchRequestData) data).topics().forEach(t -> t.partitions().forEach(p ->
                    s.partition(s.name(t.topic(), t.topicId(), topicNames), p.partition())));
            case LIST_OFFSETS -> ((ListOffsetsRequestData) data).topics().forEach(t ->
                    t.partitions().forEach(p -> s.partition(t.name(), p.partitionIndex())));
            case METADATA -> {
                MetadataRequestData d = (MetadataRequestData) data;
                if (d.topics() == null) {
                    s.allTopics = true;
                } else {
                    d.topics().forEach(t -> s.topic(s.name(t.name(), t.topicId(), topicNames)));
                }
            }
            case OFFSET_COMMIT -> {
                OffsetCommitRequestData d = (OffsetCommitRequestData) data;
                s.group(d.groupId());
                d.topics().forEach(t -> t.partitions().forEach(p ->
                        s.partition(s.name(t.name(), t.topicId(), topicNames), p.partitionIndex())));
            }
            case OFFSET_FETCH -> {
                OffsetFetchRequestData d = (OffsetFetchRequestData) data;
                s.group(d.groupId());
                if (d.topics() != null) {
                    d.topics().forEach(t -> t.partitionIndexes().forEach(p -> s.partition(t.name(), p)));
                }
                for (OffsetFetchRequestData.OffsetFetchRequestGroup g : d.groups()) {
                    s.group(g.groupId());
                    if (g.topics() != null) {
                        g.topics().forEach(t -> t.partitionIndexes().forEach(p ->
                                s.partition(s.name(t.name(), t.topicId(), topicNames), p)));
                    }
                }
            }
            case OFFSET_DELETE -> {
                OffsetDeleteRequestData d = (OffsetDeleteRequestData) data;
                s.group(d.groupId());
                d.topics().forEach(t -> t.partitions().forEach(p -> s.partition(t.name(), p.partitionIndex())));
            }
            case DELETE_RECORDS -> ((DeleteRecordsRequestData) data).topics().forEach(t ->
                    t.partitions().forEach(p -> s.partition(t.name(), p.partitionIndex())));
            case CREATE_TOPICS -> ((CreateTopicsRequestData) data).topics().forEach(t -> s.topic(t.name()));
            case DELETE_TOPICS -> {
                DeleteTopicsRequestData d = (DeleteTopicsRequestData) data;
                d.topicNames().forEach(s::topic);
                d.topics().forEach(t -> s.topic(s.name(t.name(), t.topicId(), topicNames)));
            }
            case CREATE_PARTITIONS -> ((CreatePartitionsRequestData) data).topics().forEach(t -> s.topic(t.name()));
            case DESCRIBE_CONFIGS -> ((DescribeConfigsRequestData) data).resources().forEach(r ->
                    s.configResource(r.resourceType(), r.resourceName()));
            case ALTER_CONFIGS -> ((AlterConfigsRequestData) data).resources().forEach(r ->
                    s.configResource(r.resourceType(), r.resourceName()));
            case INCREMENTAL_ALTER_CONFIGS -> ((IncrementalAlterConfigsRequestData) data).resources().forEach(r ->
                    s.configResource(r.resourceType(), r.resourceName()));
            case DESCRIBE_PRODUCERS -> ((DescribeProducersRequestData) data).topics().forEach(t ->
                    t.partitionIndexes().forEach(p -> s.partition(t.name(), p)));
            case FIND_COORDINATOR -> {
                FindCoordinatorRequestData d = (FindCoordinatorRequestData) data;
                List<String> keys = d.coordinatorKeys().isEmpty() ? List.of(d.key()) : d.coordinatorKeys();
                if (d.keyType() == CoordinatorType.TRANSACTION.id()) {
                    keys.forEach(s::transactionalId);
                } else if (d.keyType() == CoordinatorType.GROUP.id()) {
                    keys.forEach(s::group);
                }
            }
            case JOIN_GROUP -> s.group(((JoinGroupRequestData) data).groupId());
            case SYNC_GROUP -> s.group(((SyncGroupRequestData) data).groupId());
            case HEARTBEAT -> s.group(((HeartbeatRequestData) data).groupId());
            case LEAVE_GROUP -> s.group(((LeaveGroupRequestData) data).groupId());
            case DESCRIBE_GROUPS -> ((DescribeGroupsRequestData) data).groups().forEach(s::group);
            case DELETE_GROUPS -> ((DeleteGroupsRequestData) data).groupsNames().forEach(s::group);
            case CONSUMER_GROUP_HEARTBEAT -> s.group(((ConsumerGroupHeartbeatRequestData) data).groupId());
            case CONSUMER_GROUP_DESCRIBE -> ((ConsumerGroupDescribeRequestData) data).groupIds().forEach(s::group);
            case INIT_PRODUCER_ID -> s.transactionalId(((InitProducerIdRequestData) data).transactionalId());
            case ADD_PARTITIONS_TO_TXN -> {
                AddPartitionsToTxnRequestData d = (AddPartitionsToTxnRequestData) data;
                s.transactionalId(d.v3AndBelowTransactionalId());
                d.v3AndBelowTopics().forEach(t -> t.partitions().forEach(p -> s.partition(t.name(), p)));
                d.transactions().forEach(txn -> {
                    s.transactionalId(txn.transactionalId());
                    txn.topics().forEach(t -> t.partitions().forEach(p -> s.partition(t.name(), p)));
                });
            }
            case ADD_OFFSETS_TO_TXN -> {
                AddOffsetsToTxnRequestData d = (AddOffsetsToTxnRequestData) data;
                s.transactionalId(d.transactionalId());
                s.group(d.groupId());
            }
            case END_TXN -> s.transactionalId(((EndTxnRequestData) data).transactionalId());
            case TXN_OFFSET_COMMIT -> {
                TxnOffsetCommitRequestData d = (TxnOffsetCommitRequestData) data;
                s.transactionalId(d.transactionalId());
                s.group(d.groupId());
                d.topics().forEach(t -> t.partitions().forEach(p ->
                        s.partition(s.name(t.name(), t.topicId(), topicNames), p.partitionIndex())));
            }
            case DESCRIBE_TRANSACTIONS -> ((DescribeTransactionsRequestData) data).transactionalIds()
                    .forEach(s::transactionalId);
            default -> {
                // names nothing a rule filters on
            }
        }
        return s;
    }

    private String name(String name, Uuid id, Function<Uuid, String> topicNames) {
        if ((name == null || name.isEmpty()) && id != null && !Uuid.ZERO_UUID.equals(id) && topicNames != null) {
            return topicNames.apply(id);
        }
        return name;
    }

    private void topic(String name) {
        if (name != null) {
            topics.computeIfAbsent(name, n -> new ArrayList<>());
        }
    }

    private void partition(String topic, int partition) {
        if (topic != null) {
            topics.computeIfAbsent(topic, n -> new ArrayList<>()).add(partition);
        }
    }

    private void group(String group) {
        if (group != null) {
            groups.add(group);
        }
    }

    private void transactionalId(String transactionalId) {
        if (transactionalId != null) {
            transactionalIds.add(transactionalId);
        }
    }

    private void configResource(byte type, String name) {
        if (type == ConfigResource.Type.TOPIC.id()) {
            topic(name);
        } else if (type == ConfigResource.Type.GROUP.id()) {
            group(name);
        }
    }
}
