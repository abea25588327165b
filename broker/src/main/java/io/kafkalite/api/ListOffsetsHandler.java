package io.kafkalite.api;

import java.util.ArrayList;
import java.util.List;

import io.kafkalite.log.BatchLog.TimestampAndOffset;
import io.kafkalite.metadata.Topic;
import io.kafkalite.partition.Partition;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

/**
 * ListOffsets: earliest, latest, max timestamp and by timestamp. Without tiered storage, "local" is the whole log.
 * Under read_committed, "latest" is the last stable offset and lookups never return an offset at or above it.
 */
final class ListOffsetsHandler implements ApiHandler {

    static final long LATEST = -1;
    static final long EARLIEST = -2;
    static final long MAX_TIMESTAMP = -3;
    static final long EARLIEST_LOCAL = -4;

    private final BrokerState state;

    ListOffsetsHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(ApiRequest request) {
        ListOffsetsRequestData data = request.data();
        boolean readCommitted = data.isolationLevel() == IsolationLevel.READ_COMMITTED.id();
        List<ListOffsetsTopicResponse> topics = new ArrayList<>();
        for (ListOffsetsTopic requested : data.topics()) {
            Topic topic = state.topics().get(requested.name());
            // DESCRIBE before existence: an unauthorized principal learns nothing about other topics
            boolean authorized = state.authorization().allows(request, AclOperation.DESCRIBE, ResourceType.TOPIC, requested.name());
            List<ListOffsetsPartitionResponse> partitions = new ArrayList<>();
            for (ListOffsetsPartition p : requested.partitions()) {
                ListOffsetsPartitionResponse response = authorized ? lookup(request, requested.name(), topic, p, readCommitted) : new ListOffsetsPartitionResponse()
                        .setPartitionIndex(p.partitionIndex()).setTimestamp(-1).setOffset(-1).setLeaderEpoch(-1)
                        .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
                if (request.version() < 4) {
                    response.setLeaderEpoch(-1); // the field only exists from v4; serialising it earlier fails
                }
                partitions.add(response);
            }
            topics.add(new ListOffsetsTopicResponse().setName(requested.name()).setPartitions(partitions));
        }
        request.respond(new ListOffsetsResponseData().setTopics(topics));
    }

    private ListOffsetsPartitionResponse lookup(ApiRequest request, String topicName, Topic topic,
                                                ListOffsetsPartition p, boolean readCommitted) {
        ListOffsetsPartitionResponse response = new ListOffsetsPartitionResponse()
                .setPartitionIndex(p.partitionIndex())
                .setTimestamp(-1)
                .setOffset(-1)
                .setLeaderEpoch(-1);
        ApiException injected = request.injectedError(topicName, p.partitionIndex());
        if (injected != null) {
            return response.setErrorCode(Errors.forException(injected).code()); // test control fails this partition
        }
        if (topic == null || !topic.hasPartition(p.partitionIndex())) {
            return response.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        if (p.currentLeaderEpoch() > 0) {
            return response.setErrorCode(Errors.UNKNOWN_LEADER_EPOCH.code());
        }
        Partition partition = state.partition(topic, p.partitionIndex());
        long timestamp = p.timestamp();
        if (timestamp == LATEST) {
            long latest = readCommitted ? partition.lastStableOffset() : partition.highWatermark();
            return response.setOffset(latest).setLeaderEpoch(0);
        }
        if (timestamp == EARLIEST || timestamp == EARLIEST_LOCAL) {
            return response.setOffset(partition.logStartOffset()).setLeaderEpoch(0);
        }
        TimestampAndOffset found;
        if (timestamp == MAX_TIMESTAMP) {
            found = partition.maxTimestamp(readCommitted);
        } else if (timestamp >= 0) {
            found = partition.offsetForTimestamp(timestamp, readCommitted);
        } else {
            // Tiered-storage specs (latest tiered, earliest pending upload) have no offset without tiered storage.
            return response;
        }
        return found == null ? response
                : response.setTimestamp(found.timestamp()).setOffset(found.offset()).setLeaderEpoch(0);
    }
}
