package io.kafkalite.security;

import java.security.SecureRandom;
import java.util.function.LongSupplier;

import javax.security.sasl.SaslException;

import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SASL exchange of one connection, as Kafka's broker runs it: a SaslHandshake picks the mechanism, then
 * SaslAuthenticate requests (or, after a v0 handshake, bare size-prefixed tokens) carry the mechanism's tokens until
 * it completes or fails. Runs on the broker loop thread.
 */
public final class SaslAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(SaslAuthenticator.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SaslSettings settings;
    private final ScramCredentials scram;
    private final LongSupplier clock;
    private SaslMechanismServer server;
    private String mechanism;
    private boolean rawTokens;

    public SaslAuthenticator(SaslSettings settings, ScramCredentials scram, LongSupplier wallClockMs) {
        this.settings = settings;
        this.scram = scram;
        this.clock = wallClockMs;
    }

    /** Whether a handshake already chose a mechanism. */
    public boolean handshakeDone() {
        return server != null;
    }

    /**
     * SaslHandshake: picks {@code requested} if this listener offers it.
     *
     * @param version 0 means the tokens that follow come bare, not in SaslAuthenticate requests
     * @return false when the mechanism is not offered (the client gets UNSUPPORTED_SASL_MECHANISM and is closed)
     */
    public boolean handshake(String requested, short version) {
        if (!settings.mechanisms().contains(requested)) {
            return false;
        }
        mechanism = requested;
        rawTokens = version == 0;
        server = switch (requested) {
            case SaslSettings.PLAIN -> new PlainServer(settings.plainUsers());
            case SaslSettings.SCRAM_SHA_256 -> new ScramServer(ScramMechanism.SCRAM_SHA_256, scram::get, RANDOM);
            case SaslSettings.SCRAM_SHA_512 -> new ScramServer(ScramMechanism.SCRAM_SHA_512, scram::get, RANDOM);
            default -> new OAuthBearerServer(settings.oauthBearer(), clock);
        };
        return true;
    }

    /** Whether the next frames are bare tokens (after a v0 handshake) rather than requests. */
    public boolean expectsRawTokens() {
        return rawTokens && server != null && !server.isComplete();
    }

    /**
     * Evaluates one client token and returns the challenge for the client.
     *
     * @throws SaslAuthenticationException with the message Kafka gives the client for this failure
     */
    public byte[] evaluate(byte[] token) {
        try {
            return server.evaluate(token);
        } catch (SaslAuthenticationException e) {
            throw e;
        } catch (SaslException e) {
            // the reason goes to the broker's log only: it might tell an unauthenticated client which users exist
            LOG.info("{} authentication failed: {}", mechanism, e.getMessage());
            throw new SaslAuthenticationException("Authentication failed during authentication due to invalid "
                    + "credentials with SASL mechanism " + mechanism, e);
        }
    }

    public boolean isComplete() {
        return server != null && server.isComplete();
    }

    /** The authenticated principal: {@code User:<authorization id>}. */
    public KafkaPrincipal principal() {
        return new KafkaPrincipal(KafkaPrincipal.USER_TYPE, server.authorizationId());
    }

    public String mechanism() {
        return mechanism;
    }

    public SaslSettings settings() {
        return settings;
    }
}
