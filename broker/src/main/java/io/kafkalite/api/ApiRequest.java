package io.kafkalite.api;

import io.kafkalite.metadata.Listener;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/** A decoded request and the way back to its client. Handlers answer every request exactly once. */
public final class ApiRequest {

    private final KafkaApi api;
    private final short version;
    private final RequestHeaderData header;
    private final ApiMessage body;
    private final ResponseSink sink;
    /** Errors test control injects into some partitions of this request; null when there are none. */
    private final InjectedErrors injectedErrors;

    ApiRequest(KafkaApi api, short version, RequestHeaderData header, ApiMessage body, ResponseSink sink) {
        this(api, version, header, body, sink, null);
    }

    private ApiRequest(KafkaApi api, short version, RequestHeaderData header, ApiMessage body, ResponseSink sink,
                       InjectedErrors injectedErrors) {
        this.api = api;
        this.version = version;
        this.header = header;
        this.body = body;
        this.sink = sink;
        this.injectedErrors = injectedErrors;
    }

    /** The same request, answered through {@code responseSink} (which usually forwards to {@link #responseSink()}). */
    public ApiRequest withResponseSink(ResponseSink responseSink) {
        return new ApiRequest(api, version, header, body, responseSink, injectedErrors);
    }

    /** The same request, with {@code errors} for some of its partitions instead of their real results. */
    public ApiRequest withInjectedErrors(InjectedErrors errors) {
        return new ApiRequest(api, version, header, body, sink, errors);
    }

    /** Where the response goes: the client's connection, or what test control put in front of it. */
    public ResponseSink responseSink() {
        return sink;
    }

    /**
     * The error test control injects for this partition ({@code -1}: the topic as a whole), or null to serve it
     * normally. Handlers call this where they build each partition's result.
     */
    public ApiException injectedError(String topic, int partition) {
        return injectedErrors == null || topic == null ? null : injectedErrors.errorFor(topic, partition);
    }

    /** Which API the request calls. */
    public KafkaApi apiKey() {
        return api;
    }

    /** The request's API version. */
    public short version() {
        return version;
    }

    /** The client id from the request header (empty when the client sent none). */
    public String clientId() {
        return header.clientId();
    }

    /** The correlation id the response carries back. */
    public int correlationId() {
        return header.correlationId();
    }

    /** Whether the body was parsed: false only for an ApiVersions request of a version too new to parse. */
    public boolean hasBody() {
        return body != null;
    }

    /** The parsed request body, as kafka-clients' generated message class of its API and version. */
    @SuppressWarnings("unchecked")
    public <T extends ApiMessage> T data() {
        return (T) body;
    }

    /**
     * The request as kafka-clients' request class ({@code CreateAclsRequest}, ...), for the helpers those classes
     * carry. Building one initialises Kafka's {@code ApiKeys} (about 500 message classes) the
     * first time, so the paths every client takes read {@link #data()} instead.
     */
    AbstractRequest kafkaRequest() {
        return AbstractRequest.parseRequest(ApiKeys.forId(api.id()), version,
                MessageUtil.toByteBufferAccessor(body, version)).request;
    }

    /**
     * Kafka's answer to this request failing with {@code error} as a whole: its error code in every place. Built
     * through {@link #kafkaRequest()}, so meant for refusals and failures, not for answers every client gets.
     */
    public ApiMessage errorResponse(Throwable error) {
        return kafkaRequest().getErrorResponse(0, error).data();
    }

    /** Where the request came from, for log messages. */
    public String client() {
        return sink.remoteAddress() + " (client id '" + header.clientId() + "')";
    }

    /** The client's address without the port ("/127.0.0.1"), as Kafka shows it in DescribeGroups. */
    public String clientHost() {
        String address = sink.remoteAddress();
        int colon = address.lastIndexOf(':');
        return colon > 0 ? address.substring(0, colon) : address;
    }

    /** The listener the request came in on: Metadata, FindCoordinator and DescribeCluster advertise its address. */
    public Listener listener() {
        return sink.session().listener();
    }

    public void respond(ApiMessage response) {
        sink.send(this, response, version);
    }

    /** Answers with a response body of another version (only the ApiVersions fallback does this). */
    void respond(ApiMessage response, short responseVersion) {
        sink.send(this, response, responseVersion);
    }

    /** Answers, then closes the connection once the answer is written (a failed authentication). */
    void respondAndClose(ApiMessage response) {
        sink.sendAndClose(this, response, version);
    }

    /** The connection's session: its listener and who the client authenticated as. */
    public ClientSession session() {
        return sink.session();
    }

    /** Who sent the request: {@code User:ANONYMOUS} unless TLS or SASL authenticated the client. */
    public KafkaPrincipal principal() {
        return sink.session().principal();
    }

    /** Completes a request that gets no response (a produce with acks=0). */
    public void respondNothing() {
        sink.sendNothing(this);
    }

    /** Closes the client's connection without answering; {@code reason} goes to the log. */
    public void closeConnection(String reason) {
        sink.close(reason);
    }

    /** Whether the client is gone, so a parked response need not be built. */
    public boolean isDisconnected() {
        return !sink.isOpen();
    }

    @Override
    public String toString() {
        return api + " v" + version + " #" + header.correlationId() + " from " + client();
    }
}
