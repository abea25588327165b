package io.kafkalite.security;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority for TLS in tests: it signs a server certificate for the broker's advertised
 * hosts and client certificates for mutual TLS. Keys are EC P-256 (generated in about a millisecond, where RSA 2048
 * takes tens); certificates are built with Bouncy Castle's X.509 builder and signed by the JDK's own providers, so no
 * security provider is registered.
 */
public final class CertificateAuthority {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final Duration VALIDITY = Duration.ofDays(365);

    private final SecureRandom random = new SecureRandom();
    private final KeyPair keys;
    private final X500Name name;
    private final X509Certificate certificate;

    private CertificateAuthority(KeyPair keys, X500Name name, X509Certificate certificate) {
        this.keys = keys;
        this.name = name;
        this.certificate = certificate;
    }

    /** A new self-signed CA named {@code distinguishedName}. */
    public static CertificateAuthority create(String distinguishedName) {
        try {
            KeyPair keys = newKeyPair();
            X500Name name = x500(distinguishedName);
            X509v3CertificateBuilder builder = builder(name, name, keys.getPublic(), new SecureRandom());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new CertificateAuthority(keys, name, sign(builder, keys.getPrivate()));
        } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
            throw new IllegalStateException("Cannot generate a test certificate authority: " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** A server certificate valid for these host names and IP literals (subject alternative names). */
    public Issued issueServer(String distinguishedName, List<String> hosts) {
        List<GeneralName> names = new ArrayList<>();
        for (String host : hosts) {
            names.add(new GeneralName(isIpLiteral(host) ? GeneralName.iPAddress : GeneralName.dNSName, host));
        }
        return issue(distinguishedName, names, KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
    }

    /** A client certificate whose subject is {@code distinguishedName}, e.g. {@code CN=alice,OU=payments}. */
    public Issued issueClient(String distinguishedName) {
        return issue(distinguishedName, List.of(), KeyPurposeId.id_kp_clientAuth);
    }

    private Issued issue(String distinguishedName, List<GeneralName> alternativeNames, KeyPurposeId... purposes) {
        try {
            KeyPair subjectKeys = newKeyPair();
            X509v3CertificateBuilder builder = builder(name, x500(distinguishedName), subjectKeys.getPublic(), random);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
            if (!alternativeNames.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(alternativeNames.toArray(GeneralName[]::new)));
            }
            X509Certificate issued = sign(builder, keys.getPrivate());
            return new Issued(subjectKeys.getPrivate(), new X509Certificate[] {issued, certificate});
        } catch (GeneralSecurityException | CertIOException | OperatorCreationException | IllegalArgumentException e) {
            throw new IllegalStateException("Cannot issue a test certificate for '" + distinguishedName + "': "
                    + e.getMessage(), e);
        }
    }

    /**
     * Encoded by the JDK, so that the subject prints back exactly as given (Bouncy Castle would store the RDNs in
     * the opposite order, and {@code ssl.principal.mapping.rules} see the printed form).
     */
    private static X500Name x500(String distinguishedName) {
        return X500Name.getInstance(new X500Principal(distinguishedName).getEncoded());
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key, SecureRandom random) {
        Instant now = Instant.now();
        // backdated: a client whose clock is a little behind must not see a certificate from the future
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, random).abs().add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(VALIDITY)), subject, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(key);
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || IPV4.matcher(host).matches();
    }

    /** PEM text of certificates, as {@code ssl.truststore.certificates} and librdkafka's {@code ssl.ca.location} take it. */
    public static String pem(X509Certificate... certificates) {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            try {
                pem.append(pem("CERTIFICATE", certificate.getEncoded()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        return pem.toString();
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** A key and its certificate chain (leaf first, then this CA). */
    public record Issued(PrivateKey privateKey, X509Certificate[] chain) {

        /** The chain as PEM, for {@code ssl.keystore.certificate.chain}. */
        public String certificateChainPem() {
            return pem(chain);
        }

        /** The unencrypted PKCS#8 key as PEM, for {@code ssl.keystore.key} (with no {@code ssl.key.password}). */
        public String privateKeyPem() {
            return pem("PRIVATE KEY", privateKey.getEncoded());
        }
    }
}
