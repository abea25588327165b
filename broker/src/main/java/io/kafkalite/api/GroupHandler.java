package io.kafkalite.api;

import java.util.function.BiConsumer;

import io.kafkalite.group.GroupCoordinator;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;

/**
 * The classic group membership APIs: JoinGroup, SyncGroup, Heartbeat, LeaveGroup. A JoinGroup or SyncGroup
 * waiting for the rebalance keeps its request and is answered when the group moves on; the connection stays
 * muted meanwhile, so responses keep their order.
 */
final class GroupHandler implements ApiHandler {

    private final GroupCoordinator coordinator;
    private final Authorization authorization;
    private final BiConsumer<String, String> onClientLeaving;

    /**
     * @param onClientLeaving told (client id, host) when a member leaves: a closing consumer's long-poll fetch
     *     need not be waited out
     */
    GroupHandler(GroupCoordinator coordinator, Authorization authorization, BiConsumer<String, String> onClientLeaving) {
        this.coordinator = coordinator;
        this.authorization = authorization;
        this.onClientLeaving = onClientLeaving;
    }

    @Override
    public void handle(ApiRequest request) {
        if (!authorization.allows(request, AclOperation.READ, ResourceType.GROUP, groupId(request))) {
            request.respond(request.body().getErrorResponse(0, Errors.GROUP_AUTHORIZATION_FAILED.exception()).data());
            return;
        }
        switch (request.apiKey()) {
            case JOIN_GROUP -> {
                JoinGroupRequestData data = request.data();
                short version = request.version();
                coordinator.joinGroup(data, version, request.header().clientId(), request.clientHost(),
                        response -> request.respond(new JoinGroupResponse(response, version).data()));
            }
            case SYNC_GROUP -> {
                SyncGroupRequestData data = request.data();
                coordinator.syncGroup(data, request::respond);
            }
            case HEARTBEAT -> {
                HeartbeatRequestData data = request.data();
                request.respond(new HeartbeatResponseData().setErrorCode(coordinator.heartbeat(data).code()));
            }
            case LEAVE_GROUP -> {
                LeaveGroupRequest leave = (LeaveGroupRequest) request.body();
                LeaveGroupResponseData result = coordinator.leaveGroup(leave.data().groupId(), leave.members());
                // Before v3 there is one member and one error code: LeaveGroupResponse folds them together.
                request.respond(new LeaveGroupResponse(result.members(), Errors.forCode(result.errorCode()), 0,
                        request.version()).data());
                onClientLeaving.accept(request.header().clientId(), request.clientHost());
            }
            default -> throw new IllegalArgumentException("GroupHandler does not serve " + request.apiKey());
        }
    }

    private static String groupId(ApiRequest request) {
        return switch (request.apiKey()) {
            case JOIN_GROUP -> ((JoinGroupRequestData) request.data()).groupId();
            case SYNC_GROUP -> ((SyncGroupRequestData) request.data()).groupId();
            case HEARTBEAT -> ((HeartbeatRequestData) request.data()).groupId();
            default -> ((LeaveGroupRequest) request.body()).data().groupId();
        };
    }
}
