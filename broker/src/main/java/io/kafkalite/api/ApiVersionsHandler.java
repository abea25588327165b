package io.kafkalite.api;

import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.Errors;

/**
 * ApiVersions. A request of a version too new to parse gets UNSUPPORTED_VERSION in a v0 body that still lists
 * the supported ranges, so the client can retry with a version both sides know. No finalized features are
 * advertised: the broker implements none of them.
 */
final class ApiVersionsHandler implements ApiHandler {

    private final RequestDispatcher dispatcher;

    ApiVersionsHandler(RequestDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public void handle(ApiRequest request) {
        ApiVersionCollection versions = new ApiVersionCollection();
        dispatcher.advertisedVersions().forEach(v -> versions.add(v.duplicate()));
        ApiVersionsResponseData response = new ApiVersionsResponseData().setApiKeys(versions);
        if (request.body() == null) {
            request.respond(response.setErrorCode(Errors.UNSUPPORTED_VERSION.code()), (short) 0);
        } else {
            request.respond(response.setErrorCode(Errors.NONE.code()));
        }
    }
}
