package io.kafkalite.security;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The certificates a broker generated for its TLS listeners (when no keystore was configured): a test CA, the
 * broker's server certificate signed by it, and client certificates for mutual TLS on request. Hand clients the CA
 * as their truststore:
 *
 * <pre>{@code
 * props.put("security.protocol", "SSL");
 * props.putAll(broker.certificates().clientTrustSettings());               // PEM, no files
 * // or: ssl.truststore.location = certificates.truststoreFile(), ssl.truststore.password = truststorePassword()
 * // librdkafka / kcat: ssl.ca.location = certificates.caCertificateFile()
 * }</pre>
 *
 * Files are written on first request into a temporary directory that the broker deletes on close. Thread-safe.
 */
public final class GeneratedCertificates {

    private static final String STORE_PASSWORD = "kafkalite";

    private final CertificateAuthority authority;
    private final AtomicInteger fileCounter = new AtomicInteger();
    private Path directory;
    private Path caFile;
    private Path truststore;

    GeneratedCertificates(CertificateAuthority authority) {
        this.authority = authority;
    }

    CertificateAuthority authority() {
        return authority;
    }

    /** The CA certificate as PEM (what {@code ssl.truststore.certificates} takes). */
    public String caCertificatePem() {
        return CertificateAuthority.pem(authority.certificate());
    }

    /** The CA certificate as a PEM file, e.g. for librdkafka's {@code ssl.ca.location}. */
    public synchronized Path caCertificateFile() {
        if (caFile == null) {
            caFile = write("ca.pem", caCertificatePem().getBytes(StandardCharsets.US_ASCII));
        }
        return caFile;
    }

    /** A PKCS12 truststore file holding the CA, with password {@link #truststorePassword()}. */
    public synchronized Path truststoreFile() {
        if (truststore == null) {
            truststore = writeStore("truststore.p12", store -> store.setCertificateEntry("kafkalite-ca", authority.certificate()));
        }
        return truststore;
    }

    /** The password of {@link #truststoreFile()} and of client keystore files. */
    public String truststorePassword() {
        return STORE_PASSWORD;
    }

    /**
     * Client settings that trust this broker: {@code ssl.truststore.type=PEM} and {@code ssl.truststore.certificates}
     * (kafka-clients 2.7 and later).
     */
    public Map<String, String> clientTrustSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("ssl.truststore.type", "PEM");
        settings.put("ssl.truststore.certificates", caCertificatePem());
        return settings;
    }

    /**
     * A new client certificate signed by the CA, for listeners with {@code ssl.client.auth=required} or
     * {@code requested}. With the default {@code ssl.principal.mapping.rules} the client's principal is
     * {@code User:<distinguishedName>} as the JDK prints it, e.g. {@code User:CN=alice,OU=payments}.
     *
     * @param distinguishedName the certificate's subject, e.g. {@code CN=alice}
     */
    public ClientCertificate clientCertificate(String distinguishedName) {
        return new ClientCertificate(authority.issueClient(distinguishedName));
    }

    private Path writeStore(String name, StoreFiller filler) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            filler.fill(store);
            Path file = directory().resolve(name);
            try (OutputStream out = Files.newOutputStream(file)) {
                store.store(out, STORE_PASSWORD.toCharArray());
            }
            return file;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot write " + name + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + name + ": " + e.getMessage(), e);
        }
    }

    private Path write(String name, byte[] content) {
        try {
            return Files.write(directory().resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + name + ": " + e.getMessage(), e);
        }
    }

    private synchronized Path directory() throws IOException {
        if (directory == null) {
            directory = Files.createTempDirectory("kafkalite-tls-");
        }
        return directory;
    }

    /** Deletes the files handed out; the broker calls this on close. */
    synchronized void deleteFiles() {
        if (directory == null) {
            return;
        }
        try (var paths = Files.walk(directory)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover temporary file is harmless; the broker's close must not fail for it
        }
        directory = null;
        caFile = null;
        truststore = null;
    }

    @FunctionalInterface
    private interface StoreFiller {
        void fill(KeyStore store) throws GeneralSecurityException;
    }

    /** A client key and certificate signed by the broker's test CA, as PEM or as a PKCS12 keystore file. */
    public final class ClientCertificate {
        private final CertificateAuthority.Issued issued;
        private Path keystore;

        private ClientCertificate(CertificateAuthority.Issued issued) {
            this.issued = issued;
        }

        /** The certificate chain (client certificate, then the CA) as PEM. */
        public String certificateChainPem() {
            return issued.certificateChainPem();
        }

        /** The unencrypted PKCS#8 private key as PEM. */
        public String privateKeyPem() {
            return issued.privateKeyPem();
        }

        /** A PKCS12 keystore file with the key and chain; password {@link GeneratedCertificates#truststorePassword()}. */
        public synchronized Path keystoreFile() {
            if (keystore == null) {
                keystore = writeStore("client-" + fileCounter.incrementAndGet() + ".p12", store -> store.setKeyEntry(
                        "client", issued.privateKey(), STORE_PASSWORD.toCharArray(), issued.chain()));
            }
            return keystore;
        }

        /**
         * Client settings presenting this certificate: {@code ssl.keystore.type=PEM},
         * {@code ssl.keystore.certificate.chain} and {@code ssl.keystore.key}; combine with
         * {@link GeneratedCertificates#clientTrustSettings()}.
         */
        public Map<String, String> clientSettings() {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("ssl.keystore.type", "PEM");
            settings.put("ssl.keystore.certificate.chain", certificateChainPem());
            settings.put("ssl.keystore.key", privateKeyPem());
            return settings;
        }
    }
}
