package io.kafkalite.api;

import io.kafkalite.metadata.Topic;
import io.kafkalite.partition.Partition;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResultCollection;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResultCollection;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

/** DeleteRecords: moves a partition's log start offset up to the given offset (-1 means the high watermark). */
final class DeleteRecordsHandler implements ApiHandler {

    private final BrokerState state;

    DeleteRecordsHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(ApiRequest request) {
        DeleteRecordsRequestData data = request.data();
        DeleteRecordsTopicResultCollection topics = new DeleteRecordsTopicResultCollection();
        for (DeleteRecordsTopic requested : data.topics()) {
            Topic topic = state.topics().get(requested.name());
            boolean authorized = state.authorization().allows(request, AclOperation.DELETE, ResourceType.TOPIC, requested.name());
            DeleteRecordsPartitionResultCollection partitions = new DeleteRecordsPartitionResultCollection();
            for (DeleteRecordsPartition p : requested.partitions()) {
                partitions.add(authorized ? delete(topic, p) : new DeleteRecordsPartitionResult().setPartitionIndex(
                        p.partitionIndex()).setLowWatermark(-1).setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
            }
            topics.add(new DeleteRecordsTopicResult().setName(requested.name()).setPartitions(partitions));
        }
        request.respond(new DeleteRecordsResponseData().setTopics(topics));
    }

    private DeleteRecordsPartitionResult delete(Topic topic, DeleteRecordsPartition p) {
        DeleteRecordsPartitionResult result = new DeleteRecordsPartitionResult()
                .setPartitionIndex(p.partitionIndex())
                .setLowWatermark(-1);
        if (topic == null || !topic.hasPartition(p.partitionIndex())) {
            return result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        Partition partition = state.partition(topic, p.partitionIndex());
        long offset = p.offset() == -1 ? partition.highWatermark() : p.offset();
        try {
            return result.setLowWatermark(partition.deleteRecordsBefore(offset));
        } catch (OffsetOutOfRangeException e) {
            return result.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
        }
    }
}
