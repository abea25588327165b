package io.kafkalite.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kafkalite.group.Group;
import io.kafkalite.metadata.Topic;
import io.kafkalite.share.SharePartitions;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.AlterShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.AlterShareGroupOffsetsResponseData;
import org.apache.kafka.common.message.DeleteShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.DeleteShareGroupOffsetsResponseData;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsResponseData;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseGroup;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponsePartition;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Share group offsets for Admin: DescribeShareGroupOffsets ({@code listShareGroupOffsets}: each share-partition's
 * start offset and lag), AlterShareGroupOffsets and DeleteShareGroupOffsets (only while the group has no members,
 * as in Kafka). A partition the group has no state for has start offset -1.
 *
 * <p>ACLs as Kafka checks them: DESCRIBE on the group and the topics to list offsets, READ on the group and the
 * topics to alter them, DELETE on the group and READ on the topics to delete them.
 */
final class ShareGroupOffsetsHandler implements ApiHandler {

    private static final long UNINITIALIZED = -1;

    private final BrokerState state;

    ShareGroupOffsetsHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(ApiRequest request) {
        if (request.apiKey() == KafkaApi.DESCRIBE_SHARE_GROUP_OFFSETS) {
            DescribeShareGroupOffsetsRequestData data = request.data();
            DescribeShareGroupOffsetsResponseData response = new DescribeShareGroupOffsetsResponseData();
            data.groups().forEach(group -> response.groups().add(describe(request, group)));
            request.respond(response);
        } else if (request.apiKey() == KafkaApi.ALTER_SHARE_GROUP_OFFSETS) {
            request.respond(alter(request, request.data()));
        } else {
            request.respond(delete(request, request.data()));
        }
    }

    private DescribeShareGroupOffsetsResponseGroup describe(ApiRequest apiRequest,
            DescribeShareGroupOffsetsRequestData.DescribeShareGroupOffsetsRequestGroup request) {
        String groupId = request.groupId();
        DescribeShareGroupOffsetsResponseGroup response = new DescribeShareGroupOffsetsResponseGroup().setGroupId(groupId);
        if (groupId == null || groupId.isEmpty()) {
            return response.setErrorCode(Errors.INVALID_GROUP_ID.code()).setErrorMessage("GroupId can't be empty");
        }
        if (!allowed(apiRequest, AclOperation.DESCRIBE, ResourceType.GROUP, groupId)) {
            return response.setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code());
        }
        Map<String, List<Integer>> wanted = new LinkedHashMap<>();
        if (request.topics() == null) {
            Group group = state.groups().group(groupId);
            if (group == null || group.isDead() || group.type() != Group.Type.SHARE) {
                return response.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                        .setErrorMessage("Group " + groupId + " is not a share group.");
            }
            for (TopicPartition partition : state.shares().partitionsOf(groupId)) {
                wanted.computeIfAbsent(partition.topic(), t -> new ArrayList<>()).add(partition.partition());
            }
        } else {
            request.topics().forEach(t -> wanted.put(t.topicName(), t.partitions()));
        }
        wanted.forEach((name, partitions) -> {
            boolean denied = !allowed(apiRequest, AclOperation.DESCRIBE, ResourceType.TOPIC, name);
            if (denied && request.topics() == null) {
                return; // listing everything: Kafka leaves out what the client may not describe
            }
            Topic topic = denied ? null : state.topics().get(name);
            DescribeShareGroupOffsetsResponseTopic topicResponse = new DescribeShareGroupOffsetsResponseTopic()
                    .setTopicName(name).setTopicId(topic == null ? Uuid.ZERO_UUID : topic.id());
            for (int partition : partitions) {
                DescribeShareGroupOffsetsResponsePartition p = new DescribeShareGroupOffsetsResponsePartition()
                        .setPartitionIndex(partition).setStartOffset(UNINITIALIZED).setLag(-1).setLeaderEpoch(0);
                SharePartitions.Offsets offsets = topic == null || !topic.hasPartition(partition) ? null
                        : state.shares().offsets(groupId, topic, partition);
                if (denied) {
                    p.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                            .setErrorMessage(Errors.TOPIC_AUTHORIZATION_FAILED.message());
                } else if (offsets != null) {
                    p.setStartOffset(offsets.startOffset()).setLag(offsets.lag());
                }
                topicResponse.partitions().add(p);
            }
            response.topics().add(topicResponse);
        });
        return response;
    }

    private AlterShareGroupOffsetsResponseData alter(ApiRequest apiRequest, AlterShareGroupOffsetsRequestData request) {
        if (!allowed(apiRequest, AclOperation.READ, ResourceType.GROUP, request.groupId())) {
            return new AlterShareGroupOffsetsResponseData().setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code());
        }
        Errors error = state.groups().validateShareOffsetsChange(request.groupId(), true);
        if (error != Errors.NONE) {
            return new AlterShareGroupOffsetsResponseData().setErrorCode(error.code())
                    .setErrorMessage(groupErrorMessage(request.groupId(), error));
        }
        AlterShareGroupOffsetsResponseData response = new AlterShareGroupOffsetsResponseData();
        for (AlterShareGroupOffsetsRequestData.AlterShareGroupOffsetsRequestTopic topicRequest : request.topics()) {
            boolean denied = !allowed(apiRequest, AclOperation.READ, ResourceType.TOPIC, topicRequest.topicName());
            Topic topic = state.topics().get(topicRequest.topicName());
            AlterShareGroupOffsetsResponseData.AlterShareGroupOffsetsResponseTopic topicResponse =
                    new AlterShareGroupOffsetsResponseData.AlterShareGroupOffsetsResponseTopic()
                            .setTopicName(topicRequest.topicName())
                            .setTopicId(topic == null ? Uuid.ZERO_UUID : topic.id());
            for (AlterShareGroupOffsetsRequestData.AlterShareGroupOffsetsRequestPartition p : topicRequest.partitions()) {
                AlterShareGroupOffsetsResponseData.AlterShareGroupOffsetsResponsePartition partitionResponse =
                        new AlterShareGroupOffsetsResponseData.AlterShareGroupOffsetsResponsePartition()
                                .setPartitionIndex(p.partitionIndex());
                if (denied) {
                    partitionResponse.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                            .setErrorMessage(Errors.TOPIC_AUTHORIZATION_FAILED.message());
                } else if (topic == null || !topic.hasPartition(p.partitionIndex())) {
                    partitionResponse.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                            .setErrorMessage(Errors.UNKNOWN_TOPIC_OR_PARTITION.message());
                } else if (p.startOffset() < 0) {
                    partitionResponse.setErrorCode(Errors.INVALID_REQUEST.code())
                            .setErrorMessage("Start offset " + p.startOffset() + " is negative");
                } else {
                    state.shares().reset(request.groupId(), topic, p.partitionIndex(), p.startOffset());
                    partitionResponse.setErrorCode(Errors.NONE.code());
                }
                topicResponse.partitions().add(partitionResponse);
            }
            response.responses().add(topicResponse);
        }
        return response.setErrorCode(Errors.NONE.code());
    }

    private DeleteShareGroupOffsetsResponseData delete(ApiRequest apiRequest, DeleteShareGroupOffsetsRequestData request) {
        if (!allowed(apiRequest, AclOperation.DELETE, ResourceType.GROUP, request.groupId())) {
            return new DeleteShareGroupOffsetsResponseData().setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code());
        }
        Errors error = state.groups().validateShareOffsetsChange(request.groupId(), false);
        if (error != Errors.NONE) {
            return new DeleteShareGroupOffsetsResponseData().setErrorCode(error.code())
                    .setErrorMessage(groupErrorMessage(request.groupId(), error));
        }
        DeleteShareGroupOffsetsResponseData response = new DeleteShareGroupOffsetsResponseData();
        for (DeleteShareGroupOffsetsRequestData.DeleteShareGroupOffsetsRequestTopic topicRequest : request.topics()) {
            Topic topic = state.topics().get(topicRequest.topicName());
            DeleteShareGroupOffsetsResponseData.DeleteShareGroupOffsetsResponseTopic topicResponse =
                    new DeleteShareGroupOffsetsResponseData.DeleteShareGroupOffsetsResponseTopic()
                            .setTopicName(topicRequest.topicName())
                            .setTopicId(topic == null ? Uuid.ZERO_UUID : topic.id());
            if (!allowed(apiRequest, AclOperation.READ, ResourceType.TOPIC, topicRequest.topicName())) {
                response.responses().add(topicResponse.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                        .setErrorMessage(Errors.TOPIC_AUTHORIZATION_FAILED.message()));
                continue;
            }
            boolean deleted = false;
            if (topic != null) {
                for (int p = 0; p < topic.partitionCount(); p++) {
                    deleted |= state.shares().delete(request.groupId(), new TopicPartition(topic.name(), p));
                }
            }
            if (deleted) {
                topicResponse.setErrorCode(Errors.NONE.code());
            } else {
                topicResponse.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                        .setErrorMessage(topic == null ? Errors.UNKNOWN_TOPIC_OR_PARTITION.message()
                                : "There is no offset information to delete.");
            }
            response.responses().add(topicResponse);
        }
        return response.setErrorCode(Errors.NONE.code());
    }

    private boolean allowed(ApiRequest request, AclOperation operation, ResourceType type, String name) {
        return state.authorization().allows(request, operation, type, name);
    }

    private static String groupErrorMessage(String groupId, Errors error) {
        return switch (error) {
            case NON_EMPTY_GROUP -> "Share group " + groupId + " has members: close its share consumers first";
            case GROUP_ID_NOT_FOUND -> "Group " + groupId + " is not a share group.";
            default -> error.message();
        };
    }
}
