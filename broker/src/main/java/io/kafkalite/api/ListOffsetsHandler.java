package io.kafkalite.api;

import java.util.ArrayList;
import java.util.List;

import io.kafkalite.log.PartitionLog;
import io.kafkalite.log.PartitionLog.TimestampAndOffset;
import io.kafkalite.metadata.Topic;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

/** ListOffsets: earliest, latest, max timestamp and by timestamp. Without tiered storage, "local" is the whole log. */
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
        List<ListOffsetsTopicResponse> topics = new ArrayList<>();
        for (ListOffsetsTopic requested : data.topics()) {
            Topic topic = state.topics().get(requested.name());
            // DESCRIBE before existence: an unauthorized principal learns nothing about other topics
            boolean authorized = state.authorization().allows(request, AclOperation.DESCRIBE, ResourceType.TOPIC, requested.name());
            List<ListOffsetsPartitionResponse> partitions = new ArrayList<>();
            for (ListOffsetsPartition p : requested.partitions()) {
                ListOffsetsPartitionResponse response = authorized ? lookup(topic, p) : new ListOffsetsPartitionResponse()
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

    private ListOffsetsPartitionResponse lookup(Topic topic, ListOffsetsPartition p) {
        ListOffsetsPartitionResponse response = new ListOffsetsPartitionResponse()
                .setPartitionIndex(p.partitionIndex())
                .setTimestamp(-1)
                .setOffset(-1)
                .setLeaderEpoch(-1);
        if (topic == null || !topic.hasPartition(p.partitionIndex())) {
            return response.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        if (p.currentLeaderEpoch() > 0) {
            return response.setErrorCode(Errors.UNKNOWN_LEADER_EPOCH.code());
        }
        int partition = p.partitionIndex();
        long timestamp = p.timestamp();
        if (timestamp == LATEST) {
            return response.setOffset(state.logEndOffset(topic, partition)).setLeaderEpoch(0);
        }
        if (timestamp == EARLIEST || timestamp == EARLIEST_LOCAL) {
            return response.setOffset(state.logStartOffset(topic, partition)).setLeaderEpoch(0);
        }
        PartitionLog log = state.logIfExists(topic, partition);
        TimestampAndOffset found;
        if (timestamp == MAX_TIMESTAMP) {
            found = log == null ? null : log.maxTimestamp();
        } else if (timestamp >= 0) {
            found = log == null ? null : log.offsetForTimestamp(timestamp);
        } else {
            // Tiered-storage specs (latest tiered, earliest pending upload) have no offset without tiered storage.
            return response;
        }
        return found == null ? response
                : response.setTimestamp(found.timestamp()).setOffset(found.offset()).setLeaderEpoch(0);
    }
}
