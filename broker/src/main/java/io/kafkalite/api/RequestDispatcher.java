package io.kafkalite.api;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatch table: API key to handler, with the versions the broker serves. Each API names the highest version
 * Kafkalite implements and tests, so a newer shaded kafka-clients never silently advertises versions with new
 * semantics. Requests are parsed and dispatched on the broker loop thread, by {@link KafkaApi} rather than Kafka's
 * {@code ApiKeys}, so that only the message classes of the APIs clients call are loaded.
 */
public final class RequestDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);

    /**
     * APIs whose kafka-clients request class checks the body as it is built (unknown resource, pattern or operation
     * types in ACL filters): Kafka refuses such a request while parsing it, so parsing builds one for them too.
     */
    private static final Set<KafkaApi> CHECKED_BY_KAFKA_REQUEST_CLASS = EnumSet.of(KafkaApi.CREATE_ACLS,
            KafkaApi.DESCRIBE_ACLS, KafkaApi.DELETE_ACLS);

    private final Map<KafkaApi, ApiHandler> handlers = new EnumMap<>(KafkaApi.class);
    private final Map<KafkaApi, Short> maxVersions = new EnumMap<>(KafkaApi.class);
    private SaslHandler saslTokens;
    private RequestInterceptor interceptor = RequestInterceptor.NONE;

    /**
     * Routes {@code key} to {@code handler} from the oldest version the protocol classes parse up to
     * {@code maxVersion}, the newest one Kafkalite implements.
     *
     * @throws IllegalArgumentException if the protocol classes do not know {@code maxVersion}
     */
    public RequestDispatcher register(KafkaApi key, int maxVersion, ApiHandler handler) {
        if (maxVersion > key.latestVersion() || maxVersion < key.oldestVersion()) {
            throw new IllegalArgumentException(key + " v" + maxVersion + " is outside what kafka-clients parses: v"
                    + key.oldestVersion() + " to v" + key.latestVersion());
        }
        handlers.put(key, handler);
        maxVersions.put(key, (short) maxVersion);
        return this;
    }

    /** Who takes the bare SASL tokens that follow a v0 SaslHandshake. */
    RequestDispatcher rawSaslTokens(SaslHandler handler) {
        this.saslTokens = handler;
        return this;
    }

    /** A frame that is a bare SASL token, not a request (the connection did a v0 SaslHandshake). */
    void dispatchRawSaslToken(ByteBuffer frame, ResponseSink sink) {
        saslTokens.onRawToken(frame, sink);
    }

    /** Puts {@code requestInterceptor} in front of every handler (test control's fault injection). */
    public RequestDispatcher interceptWith(RequestInterceptor requestInterceptor) {
        this.interceptor = requestInterceptor;
        return this;
    }

    /** Whether {@code version} of {@code key} is served. */
    public boolean supports(KafkaApi key, short version) {
        return handlers.containsKey(key) && version >= key.oldestVersion() && version <= maxVersions.get(key);
    }

    /** The ApiVersions list: every registered API with its version range. */
    public List<ApiVersion> advertisedVersions() {
        List<ApiVersion> versions = new ArrayList<>();
        for (KafkaApi key : handlers.keySet()) {
            versions.add(new ApiVersion()
                    .setApiKey(key.id())
                    .setMinVersion(advertisedMinVersion(key))
                    .setMaxVersion(maxVersions.get(key)));
        }
        return versions;
    }

    /**
     * librdkafka turns compression off unless Produce v0 is advertised (it checks the minimum version), so
     * Produce is advertised from v0 as Kafka 4 does; v0-v2 requests are still refused.
     */
    private static short advertisedMinVersion(KafkaApi key) {
        return key == KafkaApi.PRODUCE ? 0 : key.oldestVersion();
    }

    /**
     * Decodes one request frame (without its size prefix).
     *
     * @throws InvalidRequestException when the frame is not a request this broker can answer; the connection
     *     is then closed, as Kafka does
     */
    public ApiRequest parse(ByteBuffer frame, ResponseSink sink) {
        if (frame.remaining() < 8) {
            throw new InvalidRequestException("Request of " + frame.remaining() + " bytes is shorter than a request header");
        }
        short apiKeyId = frame.getShort(frame.position());
        short version = frame.getShort(frame.position() + 2);
        KafkaApi key = KafkaApi.forId(apiKeyId);
        if (key == null) {
            throw new InvalidRequestException("API key " + apiKeyId + " is not implemented by Kafkalite");
        }
        if (!sink.session().isAuthenticated() && key != KafkaApi.API_VERSIONS && key != KafkaApi.SASL_HANDSHAKE
                && key != KafkaApi.SASL_AUTHENTICATE) {
            // Kafka's message; nothing but the SASL exchange is answered before the client authenticated
            throw new InvalidRequestException("Unexpected Kafka request of type " + key + " during SASL handshake.");
        }
        boolean supported = supports(key, version);
        if (!supported && key != KafkaApi.API_VERSIONS) {
            throw new InvalidRequestException(handlers.containsKey(key)
                    ? key + " v" + version + " is not supported; Kafkalite serves v" + key.oldestVersion() + " to v"
                        + maxVersions.get(key)
                    : key + " is not implemented by Kafkalite");
        }
        ByteBufferAccessor accessor = new ByteBufferAccessor(frame);
        RequestHeaderData header;
        try {
            header = new RequestHeaderData(accessor, key.requestHeaderVersion(version));
        } catch (RuntimeException e) {
            throw new InvalidRequestException("Malformed " + key + " v" + version + " request header: " + e);
        }
        if (header.clientId() == null) {
            header.setClientId(""); // as Kafka reads a null client id
        }
        if (!supported) {
            // ApiVersions: answered with UNSUPPORTED_VERSION and the ranges
            return new ApiRequest(key, version, header, null, sink);
        }
        try {
            ApiRequest request = new ApiRequest(key, version, header, key.readRequest(accessor, version), sink);
            if (CHECKED_BY_KAFKA_REQUEST_CLASS.contains(key)) {
                request.kafkaRequest(); // throws on what Kafka's broker refuses while parsing
            }
            return request;
        } catch (RuntimeException e) {
            throw new InvalidRequestException("Malformed " + key + " v" + version + " request: " + e);
        }
    }

    /**
     * Runs the request's handler, after the interceptor; a handler failure answers the request with an error
     * instead of losing it.
     */
    public void dispatch(ApiRequest received) {
        ApiRequest request = received;
        try {
            // an ApiVersions request too new to parse has no body: nothing to intercept, it gets the version ranges
            request = received.hasBody() ? interceptor.intercept(received) : received;
            if (request != null) {
                handlers.get(request.apiKey()).handle(request);
            }
        } catch (RuntimeException e) {
            LOG.error("Failed to handle {}; answering with an error", received, e);
            ApiMessage answer;
            try {
                answer = request.errorResponse(e);
            } catch (RuntimeException unanswerable) {
                request.closeConnection("no error answer could be built for " + received + ": " + unanswerable);
                return;
            }
            request.respond(answer);
        }
    }
}
