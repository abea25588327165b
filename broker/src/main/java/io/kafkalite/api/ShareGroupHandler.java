package io.kafkalite.api;

import io.kafkalite.group.GroupCoordinator;
import io.kafkalite.metadata.Topic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ShareGroupDescribeRequestData;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * Share group membership (KIP-932): ShareGroupHeartbeat and ShareGroupDescribe. Before a heartbeat's answer leaves,
 * every partition the group assigns has a share-partition start offset (by {@code share.auto.offset.reset}), as
 * Kafka's coordinator initializes share-partition state before it hands a partition out: records produced after a
 * consumer got its assignment are delivered even with {@code latest}.
 *
 * <p>No ACL checks yet: Kafka authorizes READ on the group (and DESCRIBE on subscribed topics) here.
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
        if (request.apiKey() == ApiKeys.SHARE_GROUP_HEARTBEAT) {
            ShareGroupHeartbeatRequestData data = request.data();
            ShareGroupHeartbeatResponseData response = groups.shareGroupHeartbeat(data, request.header().clientId(),
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
            request.respond(new ShareGroupDescribeResponseData()
                    .setGroups(groups.describeShareGroups(data.groupIds(), topics)));
        }
    }
}
