package io.kafkalite.api;

import java.util.ArrayList;
import java.util.List;

import io.kafkalite.group.GroupCoordinator;
import io.kafkalite.metadata.Topic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ShareGroupDescribeRequestData;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Share group membership (KIP-932): ShareGroupHeartbeat and ShareGroupDescribe. Before a heartbeat's answer leaves,
 * every partition the group assigns has a share-partition start offset (by {@code share.auto.offset.reset}), as
 * Kafka's coordinator initializes share-partition state before it hands a partition out: records produced after a
 * consumer got its assignment are delivered even with {@code latest}.
 *
 * <p>ACLs as Kafka checks them: READ on the group and DESCRIBE on the subscribed topics for a heartbeat, DESCRIBE on
 * the group for a describe.
 */
final class ShareGroupHandler implements ApiHandler {

    private final BrokerState state;
    private final BrokerTopics topics;

    ShareGroupHandler(BrokerState state) {
        this.state = state;
        this.topics = new BrokerTopics(state);
    }

    @Override
    public void handle(ApiRequest request) {
        GroupCoordinator groups = state.groups();
        if (request.apiKey() == KafkaApi.SHARE_GROUP_HEARTBEAT) {
            ShareGroupHeartbeatRequestData data = request.data();
            Authorization authorization = state.authorization();
            Errors denied = !authorization.allows(request, AclOperation.READ, ResourceType.GROUP, data.groupId())
                    ? Errors.GROUP_AUTHORIZATION_FAILED
                    : data.subscribedTopicNames() != null && !authorization.denied(request, AclOperation.DESCRIBE,
                            ResourceType.TOPIC, data.subscribedTopicNames()).isEmpty()
                    ? Errors.TOPIC_AUTHORIZATION_FAILED : null;
            if (denied != null) {
                request.respond(new ShareGroupHeartbeatResponseData().setErrorCode(denied.code()));
                return;
            }
            ShareGroupHeartbeatResponseData response = groups.shareGroupHeartbeat(data, request.clientId(),
                    request.clientHost(), topics);
            if (response.errorCode() == Errors.NONE.code() && response.assignment() != null) {
                for (TopicPartition partition : groups.assignedSharePartitions(data.groupId(), topics)) {
                    Topic topic = state.topics().get(partition.topic());
                    state.shares().initializeIfAbsent(data.groupId(), topic, partition.partition());
                }
            }
            request.respond(response);
        } else {
            ShareGroupDescribeRequestData data = request.data();
            Authorization authorization = state.authorization();
            List<ShareGroupDescribeResponseData.DescribedGroup> described = groups.describeShareGroups(data.groupIds(), topics);
            for (ShareGroupDescribeResponseData.DescribedGroup group : described) {
                if (!authorization.allows(request, AclOperation.DESCRIBE, ResourceType.GROUP, group.groupId())) {
                    group.setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()).setErrorMessage(null)
                            .setMembers(new ArrayList<>()).setGroupState("").setAssignorName("");
                } else if (data.includeAuthorizedOperations()) {
                    group.setAuthorizedOperations(authorization.operations(request, ResourceType.GROUP, group.groupId()));
                }
            }
            request.respond(new ShareGroupDescribeResponseData().setGroups(described));
        }
    }
}
