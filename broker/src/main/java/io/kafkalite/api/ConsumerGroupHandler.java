package io.kafkalite.api;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

import io.kafkalite.group.GroupCoordinator;
import io.kafkalite.group.TopicLookup;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

/** The KIP-848 consumer group protocol (group.protocol=consumer): ConsumerGroupHeartbeat and ConsumerGroupDescribe. */
final class ConsumerGroupHandler implements ApiHandler {

    private static final int LEAVE_EPOCH = -1;

    private final BrokerState state;
    private final BiConsumer<String, String> onClientLeaving;
    private final TopicLookup topics;

    /** @param onClientLeaving told (client id, host) when a member leaves, as for classic LeaveGroup */
    ConsumerGroupHandler(BrokerState state, BiConsumer<String, String> onClientLeaving) {
        this.state = state;
        this.onClientLeaving = onClientLeaving;
        this.topics = new BrokerTopics(state);
    }

    @Override
    public void handle(ApiRequest request) {
        GroupCoordinator groups = state.groups();
        if (request.apiKey() == KafkaApi.CONSUMER_GROUP_HEARTBEAT) {
            ConsumerGroupHeartbeatRequestData data = request.data();
            Errors denied = denied(request, data);
            if (denied != null) {
                request.respond(new ConsumerGroupHeartbeatResponseData().setErrorCode(denied.code()));
                return;
            }
            ConsumerGroupHeartbeatResponseData response = groups.consumerGroupHeartbeat(data, request.version(),
                    request.clientId(), request.clientHost(), topics);
            request.respond(response);
            if (data.memberEpoch() == LEAVE_EPOCH) {
                onClientLeaving.accept(request.clientId(), request.clientHost());
            }
        } else {
            ConsumerGroupDescribeRequestData data = request.data();
            List<ConsumerGroupDescribeResponseData.DescribedGroup> described = groups.describeConsumerGroups(data.groupIds(), topics);
            Authorization authorization = state.authorization();
            for (ConsumerGroupDescribeResponseData.DescribedGroup group : described) {
                if (!authorization.allows(request, AclOperation.DESCRIBE, ResourceType.GROUP, group.groupId())) {
                    group.setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()).setErrorMessage(null)
                            .setMembers(new ArrayList<>()).setGroupState("").setAssignorName("");
                } else if (data.includeAuthorizedOperations()) {
                    group.setAuthorizedOperations(authorization.operations(request, ResourceType.GROUP, group.groupId()));
                }
            }
            request.respond(new ConsumerGroupDescribeResponseData().setGroups(described));
        }
    }

    /** READ on the group, and DESCRIBE on every topic subscribed by name, as Kafka checks; null when allowed. */
    private Errors denied(ApiRequest request, ConsumerGroupHeartbeatRequestData data) {
        Authorization authorization = state.authorization();
        if (!authorization.allows(request, AclOperation.READ, ResourceType.GROUP, data.groupId())) {
            return Errors.GROUP_AUTHORIZATION_FAILED;
        }
        if (data.subscribedTopicNames() != null
                && !authorization.denied(request, AclOperation.DESCRIBE, ResourceType.TOPIC, data.subscribedTopicNames()).isEmpty()) {
            return Errors.TOPIC_AUTHORIZATION_FAILED;
        }
        return null;
    }
}
