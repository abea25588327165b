package io.kafkalite.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.Errors;

/**
 * ApiVersions. A request of a version too new to parse gets UNSUPPORTED_VERSION in a v0 body that still lists
 * the supported ranges, so the client can retry with a version both sides know. From v5 (KIP-1242) a client
 * naming another cluster or node id than this broker's gets REBOOTSTRAP_REQUIRED. Finalized features, each
 * implemented: {@code transaction.version=2} (KIP-890), which 4.x producers see and use (older clients ignore it and
 * use transaction version 1, also implemented); {@code share.version=1} (share groups, KIP-932) and
 * {@code streams.version=1} (the streams rebalance protocol, KIP-1071), as a new Apache Kafka 4.2+ cluster has them.
 */
final class ApiVersionsHandler implements ApiHandler {

    static final String TRANSACTION_VERSION = "transaction.version";
    static final short TRANSACTION_VERSION_LEVEL = 2;
    /** Finalized feature levels, by name. */
    private static final Map<String, Short> FEATURES = new LinkedHashMap<>(Map.of(
            TRANSACTION_VERSION, TRANSACTION_VERSION_LEVEL,
            "share.version", (short) 1,
            "streams.version", (short) 1));
    /** What Kafka accepts as a client's software name and version (v3+): letters, digits, '-' and '.' inside. */
    private static final Pattern SOFTWARE_NAME_OR_VERSION = Pattern.compile("[a-zA-Z0-9](?:[a-zA-Z0-9\\-.]*[a-zA-Z0-9])?");
    /** Before v4 a client rejects a supported feature whose minimum version is 0 (KAFKA-17011). */
    private static final short ZERO_MIN_FEATURES_FROM = 4;

    private final RequestDispatcher dispatcher;
    private final BrokerState state;
    /**
     * Built at the first request (every API is registered by then) and shared by every response: serialising only
     * reads them, and a fault rule's throttle time goes on the response itself. Loop thread only.
     */
    private ApiVersionCollection apiVersions;
    private ApiVersionsResponseData.SupportedFeatureKeyCollection supportedFeatures;
    private ApiVersionsResponseData.FinalizedFeatureKeyCollection finalizedFeatures;

    ApiVersionsHandler(RequestDispatcher dispatcher, BrokerState state) {
        this.dispatcher = dispatcher;
        this.state = state;
    }

    @Override
    public void handle(ApiRequest request) {
        if (apiVersions == null) {
            describeOnce();
        }
        ApiVersionsResponseData response = new ApiVersionsResponseData().setApiKeys(apiVersions);
        if (!request.hasBody()) {
            request.respond(response.setErrorCode(Errors.UNSUPPORTED_VERSION.code()), (short) 0);
            return;
        }
        ApiVersionsRequestData data = request.data();
        if (request.version() >= 3 && !(SOFTWARE_NAME_OR_VERSION.matcher(data.clientSoftwareName()).matches()
                && SOFTWARE_NAME_OR_VERSION.matcher(data.clientSoftwareVersion()).matches())) {
            // as Kafka: the whole request is refused, with no API list
            request.respond(new ApiVersionsResponseData().setErrorCode(Errors.INVALID_REQUEST.code()));
            return;
        }
        boolean otherCluster = data.clusterId() != null && !data.clusterId().equals(state.clusterId());
        boolean otherNode = data.nodeId() >= 0 && data.nodeId() != state.nodeId();
        if (otherCluster || otherNode) {
            request.respond(new ApiVersionsResponseData().setErrorCode(Errors.REBOOTSTRAP_REQUIRED.code()));
            return;
        }
        response.setFinalizedFeaturesEpoch(1).setFinalizedFeatures(finalizedFeatures);
        if (request.version() >= ZERO_MIN_FEATURES_FROM) {
            response.setSupportedFeatures(supportedFeatures);
        }
        request.respond(response.setErrorCode(Errors.NONE.code()));
    }

    private void describeOnce() {
        apiVersions = new ApiVersionCollection();
        dispatcher.advertisedVersions().forEach(apiVersions::add);
        supportedFeatures = new ApiVersionsResponseData.SupportedFeatureKeyCollection();
        finalizedFeatures = new ApiVersionsResponseData.FinalizedFeatureKeyCollection();
        FEATURES.forEach((name, level) -> {
            supportedFeatures.add(new ApiVersionsResponseData.SupportedFeatureKey()
                    .setName(name).setMinVersion((short) 0).setMaxVersion(level));
            finalizedFeatures.add(new ApiVersionsResponseData.FinalizedFeatureKey()
                    .setName(name).setMinVersionLevel(level).setMaxVersionLevel(level));
        });
    }
}
