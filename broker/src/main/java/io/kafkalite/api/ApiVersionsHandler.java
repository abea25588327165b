package io.kafkalite.api;

import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.Errors;

/**
 * ApiVersions. A request of a version too new to parse gets UNSUPPORTED_VERSION in a v0 body that still lists
 * the supported ranges, so the client can retry with a version both sides know. From v5 (KIP-1242) a client
 * naming another cluster or node id than this broker's gets REBOOTSTRAP_REQUIRED. No finalized features are
 * advertised: the broker implements none of them.
 */
final class ApiVersionsHandler implements ApiHandler {

    private final RequestDispatcher dispatcher;
    private final BrokerState state;

    ApiVersionsHandler(RequestDispatcher dispatcher, BrokerState state) {
        this.dispatcher = dispatcher;
        this.state = state;
    }

    @Override
    public void handle(ApiRequest request) {
        ApiVersionCollection versions = new ApiVersionCollection();
        dispatcher.advertisedVersions().forEach(v -> versions.add(v.duplicate()));
        ApiVersionsResponseData response = new ApiVersionsResponseData().setApiKeys(versions);
        if (request.body() == null) {
            request.respond(response.setErrorCode(Errors.UNSUPPORTED_VERSION.code()), (short) 0);
            return;
        }
        ApiVersionsRequestData data = request.data();
        boolean otherCluster = data.clusterId() != null && !data.clusterId().equals(state.clusterId());
        boolean otherNode = data.nodeId() >= 0 && data.nodeId() != state.nodeId();
        if (otherCluster || otherNode) {
            request.respond(new ApiVersionsResponseData().setErrorCode(Errors.REBOOTSTRAP_REQUIRED.code()));
            return;
        }
        request.respond(response.setErrorCode(Errors.NONE.code()));
    }
}
