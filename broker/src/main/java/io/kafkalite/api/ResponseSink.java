package io.kafkalite.api;

import org.apache.kafka.common.protocol.ApiMessage;

/** The connection a request came in on, as the handlers see it. Implementations are thread-safe. */
public interface ResponseSink {

    /** Queues {@code response}, serialised at {@code version}, for the client of {@code request}. */
    void send(ApiRequest request, ApiMessage response, short version);

    /** Completes {@code request} without a response. */
    void sendNothing(ApiRequest request);

    boolean isOpen();

    String remoteAddress();
}
