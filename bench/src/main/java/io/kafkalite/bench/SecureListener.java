package io.kafkalite.bench;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.errors.SaslAuthenticationException;

/**
 * The SASL_SSL listener of the security scenarios, the same on both brokers: one PKCS12 keystore generated with the
 * JDK's {@code keytool} for {@code localhost} and {@code 127.0.0.1} (Kafkalite advertises the address, Kafka's test
 * broker the name), SCRAM-SHA-512 as the only mechanism, and one user created through Admin on the broker's plaintext
 * listener once it runs (Kafka's test kit formats its storage without {@code --add-scram}, so both brokers get the
 * credential the way a test adds one at run time). Clients read their settings from {@link #clientConfigFile()}.
 */
final class SecureListener {

    static final String NAME = "SASL_SSL";
    static final String MECHANISM = "SCRAM-SHA-512";

    private static final String USER = "bench";
    private static final String USER_PASSWORD = "bench-secret";
    private static final String STORE_PASSWORD = "bench-store-secret";
    private static final String SERVER_JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required;";
    private static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(60);

    private final Path directory;
    private final Path keystore;
    private final Path truststore;
    private final Path clientConfigFile;

    private SecureListener(Path directory) {
        this.directory = directory;
        this.keystore = directory.resolve("broker.p12");
        this.truststore = directory.resolve("truststore.p12");
        this.clientConfigFile = directory.resolve("client.properties");
    }

    /** Generates the keystore, the truststore that trusts it and the clients' settings in a new temporary directory. */
    static SecureListener create() throws IOException, InterruptedException {
        SecureListener listener = new SecureListener(Files.createTempDirectory("kafkalite-bench-tls"));
        Runtime.getRuntime().addShutdownHook(new Thread(listener::delete, "delete-bench-keystore"));
        listener.generateStores();
        Properties client = new Properties();
        client.putAll(listener.clientConfigs());
        try (Writer out = Files.newBufferedWriter(listener.clientConfigFile, StandardCharsets.UTF_8)) {
            client.store(out, "clients of the " + NAME + " listener (" + MECHANISM + ")");
        }
        return listener;
    }

    private void generateStores() throws IOException, InterruptedException {
        Path certificate = directory.resolve("broker.pem");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", STORE_PASSWORD,
                "-keypass", STORE_PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(),
                "-storepass", STORE_PASSWORD, "-file", certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(),
                "-storetype", "PKCS12", "-keystore", truststore.toString(), "-storepass", STORE_PASSWORD);
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Path log = directory.resolve("keytool.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("keytool " + args[0] + " did not finish within 60 s");
        }
        if (process.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed (exit status " + process.exitValue() + "): "
                    + Files.readString(log).trim());
        }
    }

    /**
     * The broker configs for this listener: Kafka's own names, the same keystore and mechanism on both brokers. Kafka's
     * test broker keeps its EXTERNAL (inter-broker, PLAINTEXT) and CONTROLLER listeners and gets this one beside them.
     */
    Map<String, String> brokerConfigs(Broker broker) {
        Map<String, String> configs = new LinkedHashMap<>();
        switch (broker) {
            case KAFKALITE -> configs.put("listeners", "PLAINTEXT://127.0.0.1:0," + NAME + "://127.0.0.1:0");
            case KAFKA -> {
                configs.put("listeners", "EXTERNAL://localhost:0,CONTROLLER://localhost:0," + NAME + "://localhost:0");
                configs.put("listener.security.protocol.map",
                        "EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT," + NAME + ":" + NAME);
            }
        }
        String prefix = "listener.name." + NAME.toLowerCase(java.util.Locale.ROOT) + ".";
        configs.put(prefix + "sasl.enabled.mechanisms", MECHANISM);
        configs.put(prefix + MECHANISM.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config", SERVER_JAAS);
        configs.put("ssl.keystore.type", "PKCS12");
        configs.put("ssl.keystore.location", keystore.toString());
        configs.put("ssl.keystore.password", STORE_PASSWORD);
        configs.put("ssl.key.password", STORE_PASSWORD);
        return configs;
    }

    /** What a client of this listener sets: protocol, mechanism and login, the truststore. */
    Map<String, String> clientConfigs() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, NAME);
        configs.put("sasl.mechanism", MECHANISM);
        configs.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + USER + "\" password=\"" + USER_PASSWORD + "\";");
        configs.put("ssl.truststore.type", "PKCS12");
        configs.put("ssl.truststore.location", truststore.toString());
        configs.put("ssl.truststore.password", STORE_PASSWORD);
        return configs;
    }

    /** {@link #clientConfigs()} as a properties file, for client JVMs ({@code clientConfig=} parameter). */
    Path clientConfigFile() {
        return clientConfigFile;
    }

    /**
     * Creates the SCRAM user through {@code plainBootstrap}, then waits until it logs in on {@code secureBootstrap}
     * (Kafka's broker learns the credential from its metadata log a moment after the controller took it).
     */
    void addUser(String plainBootstrap, String secureBootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, plainBootstrap))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(USER,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), USER_PASSWORD)))
                    .all().get(LOGIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        Map<String, Object> secure = new HashMap<>(clientConfigs());
        secure.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, secureBootstrap);
        secure.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        secure.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        long deadline = System.nanoTime() + LOGIN_TIMEOUT.toNanos();
        while (true) {
            try (Admin admin = Admin.create(secure)) {
                admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                boolean notYetKnown = e.getCause() instanceof SaslAuthenticationException;
                if (!notYetKnown || System.nanoTime() > deadline) {
                    throw new IllegalStateException("user " + USER + " cannot log in with " + MECHANISM + " on "
                            + secureBootstrap + ": " + (e.getCause() == null ? e : e.getCause()), e);
                }
            }
            Thread.sleep(100); // not measured: the broker has yet to apply the credential
        }
    }

    private void delete() {
        Scenarios.deleteRecursively(directory);
    }
}
