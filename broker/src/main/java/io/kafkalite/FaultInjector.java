package io.kafkalite;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.kafkalite.api.KafkaApi;
import io.kafkalite.api.ApiRequest;
import io.kafkalite.api.ClientSession;
import io.kafkalite.api.BrokerState;
import io.kafkalite.api.RequestInterceptor;
import io.kafkalite.api.ResponseSink;
import io.kafkalite.metadata.Topic;
import io.kafkalite.time.BrokerTimer;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Applies {@link Faults} to requests, in front of every handler (the dispatcher's interceptor), on the broker loop
 * thread. Errors for Produce, Fetch, ListOffsets and Metadata go through the handlers' per-partition hook, so that a
 * filtered rule fails only its partitions; other APIs get Kafka's error response for the whole request. Delays run on
 * the broker timer; black-holed requests are kept here until their rule goes.
 */
final class FaultInjector implements RequestInterceptor {

    private final Faults faults;
    private final BrokerState state;
    private final BrokerTimer timer;
    private final Map<FaultRule, List<ApiRequest>> blackHoled = new HashMap<>();

    FaultInjector(Faults faults, BrokerState state) {
        this.faults = faults;
        this.state = state;
        this.timer = state.timer();
    }

    @Override
    public ApiRequest intercept(ApiRequest request) {
        if (faults.isEmpty()) {
            return request;
        }
        FaultRule rule = faults.fire(request, () -> RequestSubjects.of(request.apiKey(), request.data(), id -> {
            Topic topic = state.topics().get(id);
            return topic == null ? null : topic.name();
        }), state.clock().epochMillis());
        if (rule == null) {
            return request;
        }
        ResponseSink sink = request.responseSink();
        String by = "Kafkalite fault rule #" + rule.id();
        return switch (rule.action()) {
            case RESPOND_WITH_ERROR -> respondWithError(request, rule);
            case DELAY_RESPONSE -> request.withResponseSink(new DelayedSink(sink,
                    TimeUnit.MILLISECONDS.toNanos(rule.millis())));
            case THROTTLE -> request.withResponseSink(new ThrottledSink(sink, (int) rule.millis()));
            case CLOSE_BEFORE_APPLYING -> {
                request.closeConnection(by + " closed the connection instead of applying " + request);
                yield null;
            }
            case CLOSE_AFTER_APPLYING -> request.withResponseSink(new ClosingSink(sink,
                    by + " closed the connection after applying " + request));
            case BLACK_HOLE -> {
                List<ApiRequest> held = blackHoled.computeIfAbsent(rule, r -> new ArrayList<>());
                held.removeIf(ApiRequest::isDisconnected);
                held.add(request);
                yield null;
            }
        };
    }

    private static ApiRequest respondWithError(ApiRequest request, FaultRule rule) {
        ApiException error = rule.error().exception("Injected by Kafkalite fault rule #" + rule.id());
        if (hasPartitionHook(request.apiKey())) {
            String topic = rule.topic();
            Integer partition = rule.partition();
            return request.withInjectedErrors((t, p) -> (topic == null || topic.equals(t))
                    && (partition == null || partition == p) ? error : null);
        }
        request.respond(request.errorResponse(error));
        return null;
    }

    /** APIs whose handlers ask {@link ApiRequest#injectedError} for each partition (or topic) they answer. */
    private static boolean hasPartitionHook(KafkaApi api) {
        return api == KafkaApi.PRODUCE || api == KafkaApi.FETCH || api == KafkaApi.LIST_OFFSETS
                || api == KafkaApi.METADATA;
    }

    /** Lets go of the requests {@code rule} black-holed: their connections close and the clients reconnect. */
    void release(FaultRule rule) {
        List<ApiRequest> held = blackHoled.remove(rule);
        if (held != null) {
            held.forEach(r -> r.closeConnection("Kafkalite fault rule #" + rule.id() + " was removed; closing the "
                    + "connection it held silent"));
        }
    }

    /** Sends responses {@code delayNanos} after they are ready, on the broker timer. */
    private final class DelayedSink extends ForwardingSink {
        private final long delayNanos;

        DelayedSink(ResponseSink target, long delayNanos) {
            super(target);
            this.delayNanos = delayNanos;
        }

        @Override
        public void send(ApiRequest request, ApiMessage response, short version) {
            timer.scheduleAfter(new Object(), delayNanos, () -> target.send(request, response, version));
        }

        @Override
        public void sendNothing(ApiRequest request) {
            timer.scheduleAfter(new Object(), delayNanos, () -> target.sendNothing(request));
        }
    }

    /** Sets throttle_time_ms on the response. */
    private static final class ThrottledSink extends ForwardingSink {
        private final int millis;

        ThrottledSink(ResponseSink target, int millis) {
            super(target);
            this.millis = millis;
        }

        @Override
        public void send(ApiRequest request, ApiMessage response, short version) {
            ThrottleTime.set(request.apiKey(), response, millis);
            target.send(request, response, version);
        }
    }

    /** Closes the connection where the response would go out. */
    private static final class ClosingSink extends ForwardingSink {
        private final String reason;

        ClosingSink(ResponseSink target, String reason) {
            super(target);
            this.reason = reason;
        }

        @Override
        public void send(ApiRequest request, ApiMessage response, short version) {
            target.close(reason);
        }

        @Override
        public void sendNothing(ApiRequest request) {
            target.close(reason);
        }
    }

    /** A sink passing everything to the client's own. */
    private abstract static class ForwardingSink implements ResponseSink {
        final ResponseSink target;

        ForwardingSink(ResponseSink target) {
            this.target = target;
        }

        @Override
        public void send(ApiRequest request, ApiMessage response, short version) {
            target.send(request, response, version);
        }

        @Override
        public void sendAndClose(ApiRequest request, ApiMessage response, short version) {
            target.sendAndClose(request, response, version);
        }

        @Override
        public void sendRawToken(byte[] token) {
            target.sendRawToken(token);
        }

        @Override
        public void sendNothing(ApiRequest request) {
            target.sendNothing(request);
        }

        @Override
        public void close(String reason) {
            target.close(reason);
        }

        @Override
        public boolean isOpen() {
            return target.isOpen();
        }

        @Override
        public String remoteAddress() {
            return target.remoteAddress();
        }

        @Override
        public ClientSession session() {
            return target.session();
        }
    }
}
