package io.kafkalite.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

import org.apache.kafka.common.errors.SaslAuthenticationException;

/** SASL/PLAIN (RFC 4616): {@code [authzid] NUL user NUL password}, checked against the listener's JAAS users. */
final class PlainServer implements SaslMechanismServer {

    private final Map<String, String> users;
    private String authorizationId;

    /** @param users user name to password, from the {@code user_NAME="password"} JAAS options */
    PlainServer(Map<String, String> users) {
        this.users = users;
    }

    @Override
    public byte[] evaluate(byte[] response) {
        String[] tokens = new String(response, StandardCharsets.UTF_8).split("\u0000", 4);
        if (tokens.length != 3) {
            throw new SaslAuthenticationException("Invalid SASL/PLAIN response: expected 3 tokens, got "
                    + Math.min(tokens.length, 4));
        }
        String requestedId = tokens[0];
        String user = tokens[1];
        String password = tokens[2];
        if (user.isEmpty()) {
            throw new SaslAuthenticationException("Authentication failed: username not specified");
        }
        if (password.isEmpty()) {
            throw new SaslAuthenticationException("Authentication failed: password not specified");
        }
        String expected = users.get(user);
        // compared in constant time, so the answer's timing says nothing about the password
        if (expected == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                password.getBytes(StandardCharsets.UTF_8))) {
            throw new SaslAuthenticationException("Authentication failed: Invalid username or password");
        }
        if (!requestedId.isEmpty() && !requestedId.equals(user)) {
            throw new SaslAuthenticationException(
                    "Authentication failed: Client requested an authorization id that is different from username");
        }
        authorizationId = user;
        return new byte[0];
    }

    @Override
    public boolean isComplete() {
        return authorizationId != null;
    }

    @Override
    public String authorizationId() {
        return authorizationId;
    }
}
