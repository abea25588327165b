package io.kafkalite.api;

import javax.net.ssl.SSLSession;

import io.kafkalite.metadata.Listener;
import io.kafkalite.security.SaslAuthenticator;
import io.kafkalite.security.SaslSettings;
import io.kafkalite.security.TlsServerContext;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * What the broker knows about one client connection beyond its bytes: the listener it came in on (whose address
 * Metadata and FindCoordinator advertise back) and who the client is. Created by the network layer per connection;
 * the network thread completes the TLS part before the first request reaches the broker loop, which owns the rest.
 */
public final class ClientSession {

    private final Listener listener;
    private final String clientHost;
    private final TlsServerContext tls;
    private final SaslSettings sasl;
    private volatile boolean transportReady;
    private volatile boolean authenticated;
    private volatile KafkaPrincipal principal = KafkaPrincipal.ANONYMOUS;
    /** The SASL exchange in progress; broker loop thread only. */
    private SaslAuthenticator authenticator;

    /**
     * @param clientHost the client's IP address, as ACL hosts name it (e.g. {@code 127.0.0.1})
     * @param tls        the listener's TLS, or null for PLAINTEXT and SASL_PLAINTEXT
     * @param sasl       the listener's SASL, or null for PLAINTEXT and SSL
     */
    public ClientSession(Listener listener, String clientHost, TlsServerContext tls, SaslSettings sasl) {
        this.listener = listener;
        this.clientHost = clientHost;
        this.tls = tls;
        this.sasl = sasl;
        this.transportReady = tls == null;
        this.authenticated = sasl == null;
    }

    /** The listener the connection was accepted on, with its bound and advertised addresses. */
    public Listener listener() {
        return listener;
    }

    /** The client's IP address, matched against the host of ACLs. */
    public String clientHost() {
        return clientHost;
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

    /** False on a SASL listener until the client authenticated: only ApiVersions and SASL requests are served. */
    public boolean isAuthenticated() {
        return authenticated;
    }

    /** The largest frame the client may send now: {@code sasl.server.max.receive.size} until it authenticated. */
    public int maxFrameBytes(int afterAuthentication) {
        return authenticated ? afterAuthentication : Math.min(afterAuthentication, sasl.maxReceiveSize());
    }

    /** The listener's SASL settings, or null when it has none. */
    SaslSettings saslSettings() {
        return sasl;
    }

    /** The exchange in progress, or null before the handshake; broker loop thread only. */
    SaslAuthenticator authenticator() {
        return authenticator;
    }

    void authenticator(SaslAuthenticator exchange) {
        this.authenticator = exchange;
    }

    /** Whether the next frame is a bare SASL token (after a v0 handshake) rather than a request. */
    public boolean expectsRawSaslToken() {
        return authenticator != null && authenticator.expectsRawTokens();
    }

    /** The SASL exchange succeeded: from now on the client is {@code principal} and may use every API. */
    void authenticated(KafkaPrincipal principal) {
        this.principal = principal;
        this.authenticated = true;
        this.authenticator = null;
    }

    /** Who the client is: ANONYMOUS on PLAINTEXT, the mapped certificate subject on SSL, the SASL identity on SASL. */
    public KafkaPrincipal principal() {
        return principal;
    }
}
