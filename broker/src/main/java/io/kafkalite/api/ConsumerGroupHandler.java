package io.kafkalite.api;

import java.util.function.BiConsumer;

import io.kafkalite.group.GroupCoordinator;
import io.kafkalite.group.TopicLookup;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

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
        if (request.apiKey() == ApiKeys.CONSUMER_GROUP_HEARTBEAT) {
            ConsumerGroupHeartbeatRequestData data = request.data();
            ConsumerGroupHeartbeatResponseData response = groups.consumerGroupHeartbeat(data, request.version(),
                    request.header().clientId(), request.clientHost(), topics);
            request.respond(response);
            if (data.memberEpoch() == LEAVE_EPOCH) {
                onClientLeaving.accept(request.header().clientId(), request.clientHost());
            }
        } else {
            ConsumerGroupDescribeRequestData data = request.data();
            request.respond(new ConsumerGroupDescribeResponseData()
                    .setGroups(groups.describeConsumerGroups(data.groupIds(), topics)));
        }
    }
}
