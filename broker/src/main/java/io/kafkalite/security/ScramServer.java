package io.kafkalite.security;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.security.sasl.SaslException;

import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.common.errors.SaslAuthenticationException;

/**
 * SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802/7677) against the broker's stored credentials: client-first, then
 * server-first with salt and iterations, then the client's proof, answered with the server's signature. Every failure
 * about the credentials is a {@link SaslException}, so the client sees Kafka's generic message and learns nothing
 * about which users exist.
 */
final class ScramServer implements SaslMechanismServer {

    private static final Pattern CLIENT_FIRST = Pattern.compile(
            "(?<gs2>[ny]|p=[^,]*),(a=(?<authzid>[^,]*))?,(?<bare>n=(?<user>[^,]*),r=(?<nonce>[\\x21-\\x2B\\x2D-\\x7E]+)(?<extensions>(,.*)?))");
    private static final Pattern CLIENT_FINAL = Pattern.compile(
            "(?<withoutProof>c=(?<channel>[A-Za-z0-9+/=]+),r=(?<nonce>[\\x21-\\x2B\\x2D-\\x7E]+)(,[^,]*)*?),p=(?<proof>[A-Za-z0-9+/=]+)");

    private final ScramMechanism mechanism;
    private final BiFunction<String, ScramMechanism, ScramCredential> credentials;
    private final SecureRandom random;
    private ScramCredential credential;
    private String user;
    private String clientFirstBare;
    private String gs2Header;
    private String serverFirst;
    private String nonce;
    private boolean complete;

    /** @param credentials looks up (user, mechanism), null when there is none */
    ScramServer(ScramMechanism mechanism, BiFunction<String, ScramMechanism, ScramCredential> credentials, SecureRandom random) {
        this.mechanism = mechanism;
        this.credentials = credentials;
        this.random = random;
    }

    @Override
    public byte[] evaluate(byte[] response) throws SaslException {
        String message = new String(response, StandardCharsets.UTF_8);
        return serverFirst == null ? clientFirst(message) : clientFinal(message);
    }

    private byte[] clientFirst(String message) throws SaslException {
        Matcher m = CLIENT_FIRST.matcher(message);
        if (!m.matches()) {
            throw new SaslException("Invalid SCRAM client first message");
        }
        if (m.group("extensions").contains("tokenauth=true")) {
            throw new SaslException("Delegation tokens are not supported by Kafkalite");
        }
        user = m.group("user").replace("=2C", ",").replace("=3D", "=");
        String authzid = m.group("authzid");
        credential = credentials.apply(user, mechanism);
        if (credential == null) {
            throw new SaslException("Authentication failed: Invalid user credentials");
        }
        if (authzid != null && !authzid.isEmpty() && !authzid.equals(user)) {
            throw new SaslAuthenticationException(
                    "Authentication failed: Client requested an authorization id that is different from username");
        }
        gs2Header = message.substring(0, m.start("bare"));
        clientFirstBare = m.group("bare");
        // letters and digits, as Kafka's
        nonce = m.group("nonce") + new BigInteger(130, random).toString(Character.MAX_RADIX);
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(credential.salt()) + ",i="
                + credential.iterations();
        return serverFirst.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] clientFinal(String message) throws SaslException {
        if (complete) {
            throw new SaslException("SCRAM exchange already complete");
        }
        Matcher m = CLIENT_FINAL.matcher(message);
        if (!m.matches()) {
            throw new SaslException("Invalid SCRAM client final message");
        }
        // Kafka accepts a nonce that ends with the server-first one: librdkafka sends its own nonce in front again
        if (!m.group("nonce").endsWith(nonce)) {
            throw new SaslException("Invalid client nonce in the final client message.");
        }
        String expectedChannel = Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8));
        if (!m.group("channel").equals(expectedChannel)) {
            throw new SaslException("Invalid channel binding in the final client message");
        }
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + m.group("withoutProof")).getBytes(StandardCharsets.UTF_8);
        byte[] proof;
        try {
            proof = Base64.getDecoder().decode(m.group("proof"));
        } catch (IllegalArgumentException e) {
            throw new SaslException("Invalid client proof encoding");
        }
        byte[] clientSignature = ScramCredential.hmac(mechanism, credential.storedKey(), authMessage);
        if (proof.length != clientSignature.length) {
            throw new SaslException("Invalid client credentials");
        }
        byte[] clientKey = new byte[proof.length];
        for (int i = 0; i < proof.length; i++) {
            clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
        }
        if (!MessageDigest.isEqual(ScramCredential.hash(mechanism, clientKey), credential.storedKey())) {
            throw new SaslException("Invalid client credentials");
        }
        byte[] serverSignature = ScramCredential.hmac(mechanism, credential.serverKey(), authMessage);
        complete = true;
        credential = null;
        return ("v=" + Base64.getEncoder().encodeToString(serverSignature)).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean isComplete() {
        return complete;
    }

    @Override
    public String authorizationId() {
        return user;
    }
}
