package io.kafkalite.security;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;

import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.internals.BrokerSecurityConfigs;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.ssl.DefaultSslEngineFactory;
import org.apache.kafka.common.security.ssl.SslPrincipalMapper;

/**
 * The server side of TLS for one listener: new {@link SSLEngine}s for accepted connections, and the principal a
 * client certificate maps to (Kafka's {@code ssl.principal.mapping.rules}; no certificate means ANONYMOUS).
 *
 * <p>With a keystore configured, engines come from kafka-clients' {@link DefaultSslEngineFactory}, so every
 * {@code ssl.*} setting (JKS, PKCS12 and PEM stores, protocols, cipher suites, {@code ssl.client.auth}) means what it
 * means to Kafka. Without one, the broker's generated certificate serves and its CA is the trust anchor for client
 * certificates.
 */
public final class TlsServerContext {

    private final EngineSource engines;
    private final SslPrincipalMapper principalMapper;

    private TlsServerContext(EngineSource engines, SslPrincipalMapper principalMapper) {
        this.engines = engines;
        this.principalMapper = principalMapper;
    }

    /** A context from the listener's own keystore and truststore settings. */
    static TlsServerContext fromKeystore(Map<String, Object> sslSettings) {
        DefaultSslEngineFactory factory = new DefaultSslEngineFactory();
        factory.configure(sslSettings);
        return new TlsServerContext(factory::createServerSslEngine, mapper(sslSettings));
    }

    /** A context serving {@code server}, trusting client certificates signed by {@code authority}. */
    static TlsServerContext generated(Map<String, Object> sslSettings, CertificateAuthority authority,
                                      CertificateAuthority.Issued server) {
        try {
            char[] password = "kafkalite".toCharArray(); // only ever in memory
            KeyStore keys = KeyStore.getInstance("JKS"); // in memory; PKCS12 would spend ~10 ms on key encryption
            keys.load(null, null);
            keys.setKeyEntry("kafkalite", server.privateKey(), password, server.chain());
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, password);
            KeyStore trusted = KeyStore.getInstance("JKS");
            trusted.load(null, null);
            trusted.setCertificateEntry("kafkalite-ca", authority.certificate());
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trusted);
            SSLContext context = SSLContext.getInstance((String) sslSettings.get(SslConfigs.SSL_PROTOCOL_CONFIG));
            context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            String clientAuth = (String) sslSettings.get(BrokerSecurityConfigs.SSL_CLIENT_AUTH_CONFIG);
            @SuppressWarnings("unchecked")
            List<String> protocols = (List<String>) sslSettings.get(SslConfigs.SSL_ENABLED_PROTOCOLS_CONFIG);
            @SuppressWarnings("unchecked")
            List<String> ciphers = (List<String>) sslSettings.get(SslConfigs.SSL_CIPHER_SUITES_CONFIG);
            EngineSource engines = (host, port) -> {
                SSLEngine engine = context.createSSLEngine(host, port);
                engine.setUseClientMode(false);
                if (protocols != null && !protocols.isEmpty()) {
                    engine.setEnabledProtocols(protocols.toArray(String[]::new));
                }
                if (ciphers != null && !ciphers.isEmpty()) {
                    engine.setEnabledCipherSuites(ciphers.toArray(String[]::new));
                }
                switch (clientAuth) {
                    case "required" -> engine.setNeedClientAuth(true);
                    case "requested" -> engine.setWantClientAuth(true);
                    default -> engine.setNeedClientAuth(false);
                }
                return engine;
            };
            return new TlsServerContext(engines, mapper(sslSettings));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot set up TLS with the generated certificate: " + e.getMessage(), e);
        }
    }

    private static SslPrincipalMapper mapper(Map<String, Object> sslSettings) {
        return SslPrincipalMapper.fromRules((String) sslSettings.get(BrokerSecurityConfigs.SSL_PRINCIPAL_MAPPING_RULES_CONFIG));
    }

    /** A server engine for a connection from {@code peerHost:peerPort}. */
    public SSLEngine newEngine(String peerHost, int peerPort) {
        return engines.create(peerHost, peerPort);
    }

    /**
     * The principal of an SSL listener's client: its certificate's subject mapped by the rules, or ANONYMOUS when it
     * presented none (possible unless {@code ssl.client.auth=required}).
     */
    public KafkaPrincipal principal(SSLSession session) {
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return KafkaPrincipal.ANONYMOUS;
        }
        Principal subject = ((java.security.cert.X509Certificate) chain[0]).getSubjectX500Principal();
        try {
            return new KafkaPrincipal(KafkaPrincipal.USER_TYPE,
                    principalMapper.getName(((X500Principal) subject).getName()));
        } catch (IOException e) {
            throw new IllegalStateException("ssl.principal.mapping.rules matched no rule for " + subject, e);
        }
    }

    @FunctionalInterface
    private interface EngineSource {
        SSLEngine create(String peerHost, int peerPort);
    }
}
