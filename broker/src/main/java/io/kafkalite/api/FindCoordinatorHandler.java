package io.kafkalite.api;

import java.util.ArrayList;
import java.util.List;

import io.kafkalite.metadata.Listener;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;
import org.apache.kafka.common.resource.ResourceType;

/**
 * FindCoordinator, single key (v0-3) or batched (v4+). This node coordinates every group (share groups
 * included) and every transactional id, answered with the listener the request came in on. The SHARE key type,
 * which Kafka's brokers use among themselves to find the share coordinator of a share-partition, gets
 * COORDINATOR_NOT_AVAILABLE: share state lives inside this broker.
 */
final class FindCoordinatorHandler implements ApiHandler {

    private final BrokerState state;

    FindCoordinatorHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(ApiRequest request) {
        FindCoordinatorRequestData data = request.data();
        if (request.version() >= 4) {
            List<Coordinator> coordinators = new ArrayList<>();
            for (String key : data.coordinatorKeys()) {
                coordinators.add(coordinator(request, key, data.keyType()));
            }
            request.respond(new FindCoordinatorResponseData().setCoordinators(coordinators));
            return;
        }
        Coordinator c = coordinator(request, data.key(), data.keyType());
        request.respond(new FindCoordinatorResponseData()
                .setErrorCode(c.errorCode())
                .setErrorMessage(c.errorMessage())
                .setNodeId(c.nodeId())
                .setHost(c.host())
                .setPort(c.port()));
    }

    private Coordinator coordinator(ApiRequest request, String key, byte keyType) {
        Listener listener = request.listener();
        Coordinator c = new Coordinator().setKey(key);
        Errors error;
        String message;
        if (keyType == CoordinatorType.GROUP.id()
                && !state.authorization().allows(request, AclOperation.DESCRIBE, ResourceType.GROUP, key)) {
            error = Errors.GROUP_AUTHORIZATION_FAILED;
            message = null;
        } else if (keyType == CoordinatorType.TRANSACTION.id()
                && !state.authorization().allows(request, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, key)) {
            error = Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
            message = null;
        } else if (keyType == CoordinatorType.GROUP.id() || keyType == CoordinatorType.TRANSACTION.id() && !key.isEmpty()) {
            return c.setErrorCode(Errors.NONE.code()).setNodeId(state.nodeId())
                    .setHost(listener.advertisedHost()).setPort(listener.advertisedPort());
        } else if (keyType == CoordinatorType.TRANSACTION.id()) {
            error = Errors.INVALID_REQUEST;
            message = "The transactional id must not be empty";
        } else if (keyType == CoordinatorType.SHARE.id()) {
            error = Errors.COORDINATOR_NOT_AVAILABLE;
            message = "Kafkalite keeps share-partition state inside the broker: there is no share coordinator to find";
        } else {
            error = Errors.INVALID_REQUEST;
            message = "Unknown coordinator key type " + keyType;
        }
        return c.setErrorCode(error.code()).setErrorMessage(message).setNodeId(-1).setHost("").setPort(-1);
    }
}
