package io.kafkalite.security;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kafkalite.metadata.BrokerConfig;
import io.kafkalite.metadata.Listener;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.network.ListenerName;

/**
 * The broker's security set-up, built once at start from its configs: TLS for each SSL and SASL_SSL listener
 * (from its keystore, or from certificates generated for this broker) and SASL for each SASL listener.
 */
public final class BrokerSecurity {

    private final Map<ListenerName, TlsServerContext> tls;
    private final Map<ListenerName, SaslSettings> sasl;
    private final GeneratedCertificates generated;

    private BrokerSecurity(Map<ListenerName, TlsServerContext> tls, Map<ListenerName, SaslSettings> sasl,
                           GeneratedCertificates generated) {
        this.tls = tls;
        this.sasl = sasl;
        this.generated = generated;
    }

    /**
     * @param declaredUsers users declared to the builder (name to password), who may log in with PLAIN on every
     *     SASL listener (their SCRAM credentials are kept with the broker's state)
     * @throws ConfigException naming the setting when a keystore, truststore, TLS or SASL setting is unusable
     */
    public static BrokerSecurity create(BrokerConfig config, Map<String, String> declaredUsers) {
        Map<ListenerName, SaslSettings> sasl = new HashMap<>();
        for (Listener listener : config.listeners()) {
            if (listener.usesSasl()) {
                sasl.put(listener.name(), SaslSettings.of(config, listener, declaredUsers));
            }
        }
        Map<ListenerName, TlsServerContext> tls = new HashMap<>();
        GeneratedCertificates generated = null;
        CertificateAuthority.Issued serverCertificate = null;
        for (Listener listener : config.listeners()) {
            if (!listener.usesTls()) {
                continue;
            }
            Map<String, Object> settings = config.sslSettings(listener.name());
            if (config.hasKeystore(listener.name())) {
                try {
                    tls.put(listener.name(), TlsServerContext.fromKeystore(settings));
                } catch (KafkaException | IllegalArgumentException e) {
                    throw new ConfigException("Cannot set up TLS for listener " + listener.name().value() + ": "
                            + e.getMessage() + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : ""));
                }
                continue;
            }
            if (generated == null) {
                CertificateAuthority authority = TestAuthority.INSTANCE;
                generated = new GeneratedCertificates(authority);
                serverCertificate = authority.issueServer("CN=kafkalite", serverHosts(config.listeners()));
            }
            tls.put(listener.name(), TlsServerContext.generated(settings, generated.authority(), serverCertificate));
        }
        return new BrokerSecurity(tls, sasl, generated);
    }

    /**
     * One test CA per JVM, made on first use: brokers of one test run share it (each gets its own server certificate),
     * which halves what TLS adds to a warm start().
     */
    private static final class TestAuthority {
        static final CertificateAuthority INSTANCE = CertificateAuthority.create("CN=Kafkalite test CA");
    }

    /** Every host a TLS client may be told to use, plus loopback: the server certificate's alternative names. */
    private static List<String> serverHosts(List<Listener> listeners) {
        Set<String> hosts = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        for (Listener listener : listeners) {
            if (listener.usesTls()) {
                hosts.add(listener.advertisedHost());
                if (!listener.bindHost().isEmpty() && !listener.bindHost().equals("0.0.0.0")) {
                    hosts.add(listener.bindHost());
                }
            }
        }
        return new ArrayList<>(hosts);
    }

    /** TLS for this listener, or null when it is PLAINTEXT or SASL_PLAINTEXT. */
    public TlsServerContext tls(ListenerName listener) {
        return tls.get(listener);
    }

    /** SASL for this listener, or null when it is PLAINTEXT or SSL. */
    public SaslSettings sasl(ListenerName listener) {
        return sasl.get(listener);
    }

    /** The generated CA and certificates, or null when no TLS listener needed them. */
    public GeneratedCertificates generatedCertificates() {
        return generated;
    }

    /** Deletes files handed out (truststores, client keystores). */
    public void close() {
        if (generated != null) {
            generated.deleteFiles();
        }
    }
}
