package io.kafkalite.api;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.kafkalite.security.SaslAuthenticator;
import io.kafkalite.security.SaslSettings;
import io.kafkalite.security.ScramCredentials;
import io.kafkalite.time.BrokerTimer;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SaslHandshake and SaslAuthenticate, and the bare tokens that follow a v0 handshake. A failed authentication is
 * answered after {@code connection.failed.authentication.delay.ms} (a timer on the broker loop, no thread sleeps),
 * then its connection closes, as Kafka does: a client guessing passwords gets one guess per delay and connection.
 */
final class SaslHandler implements ApiHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SaslHandler.class);

    private final ScramCredentials scram;
    private final BrokerTimer timer;
    private final long failureDelayNanos;

    SaslHandler(ScramCredentials scram, BrokerTimer timer, int failureDelayMs) {
        this.scram = scram;
        this.timer = timer;
        this.failureDelayNanos = TimeUnit.MILLISECONDS.toNanos(failureDelayMs);
    }

    @Override
    public void handle(ApiRequest request) {
        ClientSession session = request.session();
        if (session.saslSettings() == null || session.isAuthenticated()) {
            // what Kafka answers on a listener without SASL, or once the client has authenticated
            if (request.apiKey() == KafkaApi.SASL_HANDSHAKE) {
                request.respond(new SaslHandshakeResponseData().setErrorCode(Errors.ILLEGAL_SASL_STATE.code()));
            } else {
                request.respond(new SaslAuthenticateResponseData().setErrorCode(Errors.ILLEGAL_SASL_STATE.code())
                        .setErrorMessage("SaslAuthenticate request received after successful authentication"));
            }
            return;
        }
        if (request.apiKey() == KafkaApi.SASL_HANDSHAKE) {
            handshake(request, session);
        } else {
            authenticate(request, session);
        }
    }

    private void handshake(ApiRequest request, ClientSession session) {
        if (session.authenticator() != null) {
            request.closeConnection("Unexpected Kafka request of type SASL_HANDSHAKE during SASL authentication.");
            return;
        }
        SaslHandshakeRequestData data = request.data();
        SaslSettings settings = session.saslSettings();
        SaslAuthenticator authenticator = new SaslAuthenticator(settings, scram, timer.clock()::epochMillis);
        SaslHandshakeResponseData response = new SaslHandshakeResponseData().setMechanisms(settings.mechanisms());
        if (!authenticator.handshake(data.mechanism(), request.version())) {
            fail(request, response.setErrorCode(Errors.UNSUPPORTED_SASL_MECHANISM.code()),
                    "Unsupported SASL mechanism " + data.mechanism() + "; this listener offers " + settings.mechanisms());
            return;
        }
        session.authenticator(authenticator);
        request.respond(response.setErrorCode(Errors.NONE.code()));
    }

    private void authenticate(ApiRequest request, ClientSession session) {
        SaslAuthenticator authenticator = session.authenticator();
        if (authenticator == null || authenticator.expectsRawTokens()) {
            request.closeConnection("Unexpected Kafka request of type SASL_AUTHENTICATE before a SaslHandshake v1");
            return;
        }
        SaslAuthenticateRequestData data = request.data();
        try {
            byte[] challenge = authenticator.evaluate(data.authBytes());
            if (authenticator.isComplete()) {
                session.authenticated(authenticator.principal());
                LOG.debug("{} authenticated as {} with {}", request.client(), session.principal(), authenticator.mechanism());
            }
            request.respond(new SaslAuthenticateResponseData().setErrorCode(Errors.NONE.code()).setAuthBytes(challenge)
                    .setSessionLifetimeMs(0));
        } catch (SaslAuthenticationException e) {
            fail(request, new SaslAuthenticateResponseData().setErrorCode(Errors.SASL_AUTHENTICATION_FAILED.code())
                    .setErrorMessage(e.getMessage()).setAuthBytes(new byte[0]), e.getMessage());
        }
    }

    /** A bare token after a v0 handshake: answered with a bare token, or the connection closes. */
    void onRawToken(ByteBuffer frame, ResponseSink sink) {
        ClientSession session = sink.session();
        SaslAuthenticator authenticator = session.authenticator();
        byte[] token = new byte[frame.remaining()];
        frame.get(token);
        try {
            byte[] challenge = authenticator.evaluate(token);
            if (authenticator.isComplete()) {
                session.authenticated(authenticator.principal());
            }
            sink.sendRawToken(challenge);
        } catch (SaslAuthenticationException e) {
            LOG.info("Failed authentication with {} ({})", sink.remoteAddress(), e.getMessage());
            later(() -> sink.close("failed authentication: " + e.getMessage()));
        }
    }

    private void fail(ApiRequest request, org.apache.kafka.common.protocol.ApiMessage response, String reason) {
        LOG.info("Failed authentication with {} ({})", request.client(), reason);
        later(() -> request.respondAndClose(response));
    }

    /** The delay only holds back the answer to a client, so it runs in real time even on a manual clock. */
    private void later(Runnable answer) {
        if (failureDelayNanos == 0) {
            answer.run();
        } else {
            timer.scheduleAfterRealTime(new Object(), failureDelayNanos, answer);
        }
    }
}
