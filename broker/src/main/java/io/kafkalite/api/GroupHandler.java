package io.kafkalite.api;

import java.util.List;
import java.util.function.BiConsumer;

import io.kafkalite.group.GroupCoordinator;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The classic group membership APIs: JoinGroup, SyncGroup, Heartbeat, LeaveGroup. A JoinGroup or SyncGroup
 * waiting for the rebalance keeps its request and is answered when the group moves on; the connection stays
 * muted meanwhile, so responses keep their order.
 */
final class GroupHandler implements ApiHandler {

    /** LeaveGroup v0-v2 name one member, v3+ a list (KIP-345). */
    private static final short SINGLE_MEMBER_UNTIL = 3;
    private static final short NULLABLE_PROTOCOL_NAME_FROM = 7;

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
            request.respond(request.errorResponse(Errors.GROUP_AUTHORIZATION_FAILED.exception()));
            return;
        }
        switch (request.apiKey()) {
            case JOIN_GROUP -> {
                JoinGroupRequestData data = request.data();
                short version = request.version();
                if (version == 0) {
                    data.setRebalanceTimeoutMs(data.sessionTimeoutMs()); // v0 has none: the session timeout serves
                }
                coordinator.joinGroup(data, version, request.clientId(), request.clientHost(),
                        response -> request.respond(withProtocolNameFor(version, response)));
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
                LeaveGroupRequestData data = request.data();
                List<MemberIdentity> members = request.version() < SINGLE_MEMBER_UNTIL
                        ? List.of(new MemberIdentity().setMemberId(data.memberId())) : data.members();
                request.respond(leaveResponseFor(request.version(), coordinator.leaveGroup(data.groupId(), members)));
                onClientLeaving.accept(request.clientId(), request.clientHost());
            }
            default -> throw new IllegalArgumentException("GroupHandler does not serve " + request.apiKey());
        }
    }

    private static String groupId(ApiRequest request) {
        return switch (request.apiKey()) {
            case JOIN_GROUP -> ((JoinGroupRequestData) request.data()).groupId();
            case SYNC_GROUP -> ((SyncGroupRequestData) request.data()).groupId();
            case HEARTBEAT -> ((HeartbeatRequestData) request.data()).groupId();
            default -> ((LeaveGroupRequestData) request.data()).groupId();
        };
    }

    /** Before v7 the protocol name is not nullable (an empty name stands for none); from v7 it is null. */
    private static JoinGroupResponseData withProtocolNameFor(short version, JoinGroupResponseData response) {
        if (version < NULLABLE_PROTOCOL_NAME_FROM && response.protocolName() == null) {
            response.setProtocolName("");
        } else if (version >= NULLABLE_PROTOCOL_NAME_FROM && "".equals(response.protocolName())) {
            response.setProtocolName(null);
        }
        return response;
    }

    /** Before v3 a leave names one member and gets one error code: the group's, else the member's. */
    private static LeaveGroupResponseData leaveResponseFor(short version, LeaveGroupResponseData result) {
        if (version >= SINGLE_MEMBER_UNTIL) {
            return result;
        }
        short error = result.errorCode();
        for (MemberResponse member : result.members()) {
            if (error == Errors.NONE.code()) {
                error = member.errorCode();
            }
        }
        return new LeaveGroupResponseData().setErrorCode(error).setThrottleTimeMs(result.throttleTimeMs());
    }
}
