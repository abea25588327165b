package io.kafkalite.network;

import java.io.IOException;
import java.nio.ByteBuffer;

import javax.net.ssl.SSLSession;

import org.apache.kafka.common.network.TransferableChannel;

/**
 * How a connection's bytes cross its socket: as they are (PLAINTEXT, SASL_PLAINTEXT) or through TLS (SSL,
 * SASL_SSL). kafka-clients' {@code Send} objects write responses through it; the connection reads requests from
 * it. Used only on the network thread.
 */
interface Transport extends TransferableChannel {

    /**
     * Advances the TLS handshake as far as the socket allows; true once application data can flow (at once for
     * plaintext).
     *
     * @throws IOException when the peer is not speaking TLS, fails the handshake or closed the connection
     */
    boolean handshake() throws IOException;

    /** During a handshake: whether it waits to write (else it waits to read). */
    boolean handshakeWantsWrite();

    /** Reads application bytes into {@code dst}; returns how many, 0 if none are available, -1 at end of stream. */
    int read(ByteBuffer dst) throws IOException;

    /** Whether bytes were already received and decrypted but not yet read (the selector will not report them). */
    boolean hasBufferedInput();

    /** The TLS session once the handshake completed, or null for plaintext. */
    SSLSession tlsSession();
}
