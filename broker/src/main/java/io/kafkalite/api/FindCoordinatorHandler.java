package io.kafkalite.api;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;

/**
 * FindCoordinator, single key (v0-3) or batched (v4+). This node coordinates every group (share groups
 * included) and every transactional id. The SHARE key type, which Kafka's brokers use among themselves to find the
 * share coordinator of a share-partition, gets COORDINATOR_NOT_AVAILABLE: share state lives inside this broker.
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
                coordinators.add(coordinator(key, data.keyType()));
            }
            request.respond(new FindCoordinatorResponseData().setCoordinators(coordinators));
            return;
        }
        Coordinator c = coordinator(data.key(), data.keyType());
        request.respond(new FindCoordinatorResponseData()
                .setErrorCode(c.errorCode())
                .setErrorMessage(c.errorMessage())
                .setNodeId(c.nodeId())
                .setHost(c.host())
                .setPort(c.port()));
    }

    private Coordinator coordinator(String key, byte keyType) {
        Coordinator c = new Coordinator().setKey(key);
        Errors error;
        String message;
        if (keyType == CoordinatorType.GROUP.id() || keyType == CoordinatorType.TRANSACTION.id() && !key.isEmpty()) {
            return c.setErrorCode(Errors.NONE.code()).setNodeId(state.nodeId()).setHost(state.host()).setPort(state.port());
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
