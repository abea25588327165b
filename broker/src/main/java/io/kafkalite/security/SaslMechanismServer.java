package io.kafkalite.security;

import javax.security.sasl.SaslException;

import org.apache.kafka.common.errors.SaslAuthenticationException;

/**
 * The server side of one SASL mechanism for one connection: evaluates the client's tokens until it is complete.
 * Runs on the broker loop thread.
 */
interface SaslMechanismServer {

    /**
     * Evaluates the client's next token and returns the challenge to send back (empty when there is none).
     *
     * @throws SaslAuthenticationException with the message the client shall see
     * @throws SaslException when the client gets Kafka's generic "invalid credentials" message instead (never tell an
     *     unauthenticated client whether a user exists)
     */
    byte[] evaluate(byte[] response) throws SaslException;

    boolean isComplete();

    /** Who the client authenticated as; only once complete. */
    String authorizationId();
}
