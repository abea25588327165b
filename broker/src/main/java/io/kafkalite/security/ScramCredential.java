package io.kafkalite.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

import org.apache.kafka.clients.admin.ScramMechanism;

/**
 * What the broker keeps of a SCRAM password (RFC 5802): the salt, the iteration count and the stored and server
 * keys derived from the salted password; never the password itself.
 */
public record ScramCredential(byte[] salt, byte[] storedKey, byte[] serverKey, int iterations) {

    /** Kafka's lower bound for both mechanisms. */
    public static final int MIN_ITERATIONS = 4096;
    /** Kafka's upper bound for credentials set through Admin. */
    public static final int MAX_ITERATIONS = 16384;

    /** A credential for {@code password} with a fresh random salt. */
    public static ScramCredential fromPassword(ScramMechanism mechanism, String password, int iterations) {
        byte[] salt = new byte[32];
        new SecureRandom().nextBytes(salt);
        return fromSaltedPassword(mechanism, salt, saltedPassword(mechanism, password, salt, iterations), iterations);
    }

    /** What AlterUserScramCredentials sends: the client already salted and hashed the password. */
    public static ScramCredential fromSaltedPassword(ScramMechanism mechanism, byte[] salt, byte[] saltedPassword,
                                                     int iterations) {
        byte[] clientKey = hmac(mechanism, saltedPassword, "Client Key".getBytes(StandardCharsets.UTF_8));
        byte[] serverKey = hmac(mechanism, saltedPassword, "Server Key".getBytes(StandardCharsets.UTF_8));
        return new ScramCredential(salt, hash(mechanism, clientKey), serverKey, iterations);
    }

    /** Hi(password, salt, i) of RFC 5802: PBKDF2 with the mechanism's HMAC. */
    public static byte[] saltedPassword(ScramMechanism mechanism, String password, byte[] salt, int iterations) {
        try {
            SecretKeyFactory factory = SecretKeyFactory.getInstance("PBKDF2With" + macAlgorithm(mechanism));
            return factory.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations,
                    8 * Mac.getInstance(macAlgorithm(mechanism)).getMacLength())).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM lacks " + macAlgorithm(mechanism) + " for " + mechanism, e);
        }
    }

    static byte[] hmac(ScramMechanism mechanism, byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance(macAlgorithm(mechanism));
            mac.init(new SecretKeySpec(key, mac.getAlgorithm()));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM lacks " + macAlgorithm(mechanism) + " for " + mechanism, e);
        }
    }

    static byte[] hash(ScramMechanism mechanism, byte[] bytes) {
        try {
            return MessageDigest.getInstance(mechanism == ScramMechanism.SCRAM_SHA_512 ? "SHA-512" : "SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String macAlgorithm(ScramMechanism mechanism) {
        return mechanism == ScramMechanism.SCRAM_SHA_512 ? "HmacSHA512" : "HmacSHA256";
    }
}
