package io.kafkalite.api;

import org.apache.kafka.common.protocol.ApiMessage;

/** The connection a request came in on, as the handlers see it. Implementations are thread-safe. */
public interface ResponseSink {

    /** Queues {@code response}, serialised at {@code version}, for the client of {@code request}. */
    void send(ApiRequest request, ApiMessage response, short version);

    /** Queues {@code response}, then closes the connection once it is written (a failed authentication). */
    void sendAndClose(ApiRequest request, ApiMessage response, short version);

    /** Queues a bare size-prefixed SASL token, the answer to a token sent after a v0 SaslHandshake. */
    void sendRawToken(byte[] token);

    /** Completes {@code request} without a response. */
    void sendNothing(ApiRequest request);

    /** Closes the connection because of a bad request; {@code reason} goes to the log. */
    void close(String reason);

    boolean isOpen();

    String remoteAddress();

    /** The connection's listener and, on secured listeners, who the client authenticated as. */
    ClientSession session();
}
