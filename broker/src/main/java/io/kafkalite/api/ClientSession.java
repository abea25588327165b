package io.kafkalite.api;

import javax.net.ssl.SSLSession;

import io.kafkalite.metadata.Listener;
import io.kafkalite.security.TlsServerContext;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * What the broker knows about one client connection beyond its bytes: the listener it came in on (whose address
 * Metadata and FindCoordinator advertise back) and who the client is. Created by the network layer per connection;
 * the network thread completes the TLS part before the first request reaches the broker loop, which owns the rest.
 */
public final class ClientSession {

    private final Listener listener;
    private final TlsServerContext tls;
    private volatile boolean transportReady;
    private volatile KafkaPrincipal principal = KafkaPrincipal.ANONYMOUS;

    /** @param tls the listener's TLS, or null for PLAINTEXT and SASL_PLAINTEXT */
    public ClientSession(Listener listener, TlsServerContext tls) {
        this.listener = listener;
        this.tls = tls;
        this.transportReady = tls == null;
    }

    /** The listener the connection was accepted on, with its bound and advertised addresses. */
    public Listener listener() {
        return listener;
    }

    /** Whether bytes flow: at once for plaintext, after the handshake for TLS. */
    public boolean isTransportReady() {
        return transportReady;
    }

    /** The TLS handshake completed; on an SSL listener the client certificate names the principal. */
    public void transportReady(SSLSession session) {
        if (tls != null && session != null && !listener.usesSasl()) {
            principal = tls.principal(session);
        }
        transportReady = true;
    }

    /** Who the client is: ANONYMOUS on PLAINTEXT, the mapped certificate subject on SSL, the SASL identity on SASL. */
    public KafkaPrincipal principal() {
        return principal;
    }
}
