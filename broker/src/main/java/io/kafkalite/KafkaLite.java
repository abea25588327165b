package io.kafkalite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.kafkalite.api.BrokerApis;
import io.kafkalite.api.BrokerLoop;
import io.kafkalite.api.BrokerState;
import io.kafkalite.group.GroupCoordinator;
import io.kafkalite.group.GroupCoordinatorConfig;
import io.kafkalite.group.OffsetStore;
import io.kafkalite.log.ChronicleRuntime;
import io.kafkalite.log.ChronicleStorage;
import io.kafkalite.log.MemoryStorage;
import io.kafkalite.log.Storage;
import io.kafkalite.metadata.BrokerConfig;
import io.kafkalite.metadata.Listener;
import io.kafkalite.metadata.MetadataJournal;
import io.kafkalite.metadata.TopicRegistry;
import io.kafkalite.network.SocketServer;
import io.kafkalite.partition.PartitionRegistry;
import io.kafkalite.time.BrokerClock;
import io.kafkalite.time.BrokerTimer;
import io.kafkalite.security.AclAuthorizer;
import io.kafkalite.security.BrokerSecurity;
import io.kafkalite.security.GeneratedCertificates;
import io.kafkalite.security.ScramCredential;
import io.kafkalite.security.ScramCredentials;
import org.apache.kafka.clients.admin.ScramMechanism;
import io.kafkalite.txn.ProducerIdAllocator;
import io.kafkalite.txn.TransactionCoordinator;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.network.ListenerName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka broker in this JVM, reachable by any Kafka client at {@link #bootstrapServers()}.
 *
 * <pre>{@code
 * try (KafkaLite broker = KafkaLite.builder().topic("orders", 3).start()) {
 *     props.put("bootstrap.servers", broker.bootstrapServers());
 * }
 * }</pre>
 *
 * <p>Without a data directory the broker stores partitions in a fresh temporary directory that {@link #close()}
 * deletes; with one, everything acknowledged survives a restart on that directory.
 */
public final class KafkaLite implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaLite.class);
    private static final AtomicBoolean CHRONICLE_WARMED = new AtomicBoolean();
    private static final AtomicBoolean FALLBACK_WARNED = new AtomicBoolean();
    /**
     * Credentials of users declared to builders, by user: a test suite declares the same users for broker after
     * broker, and deriving a SCRAM key (4096 PBKDF2 rounds, Kafka's minimum) costs milliseconds each time.
     */
    private static final Map<ScramUser, ScramCredential> DECLARED_CREDENTIALS = new java.util.concurrent.ConcurrentHashMap<>();

    private final List<Listener> listeners;
    private final BrokerSecurity security;
    private final Path dataDirectory;
    private final boolean temporaryDirectory;
    private final boolean durable;
    private final SocketServer server;
    private final BrokerLoop loop;
    private final Thread warmUp;
    private final AtomicBoolean closed = new AtomicBoolean();

    private KafkaLite(List<Listener> listeners, Path dataDirectory, boolean temporaryDirectory, boolean durable,
                      SocketServer server, BrokerLoop loop, Thread warmUp, BrokerSecurity security) {
        this.listeners = listeners;
        this.security = security;
        this.dataDirectory = dataDirectory;
        this.temporaryDirectory = temporaryDirectory;
        this.durable = durable;
        this.server = server;
        this.loop = loop;
        this.warmUp = warmUp;
    }

    /** A builder with test-friendly defaults: 127.0.0.1, a free port, a temporary data directory. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts a broker with every default. */
    public static KafkaLite start() {
        return builder().start();
    }

    /**
     * {@code host:port} of the first listener (by default the only one, PLAINTEXT), for the clients'
     * {@code bootstrap.servers}.
     */
    public String bootstrapServers() {
        return listeners.get(0).advertisedAddress();
    }

    /**
     * {@code host:port} that the listener of this name advertises, e.g. {@code bootstrapServers("SASL_SSL")}.
     *
     * @throws IllegalArgumentException naming the listeners there are when none has this name
     */
    public String bootstrapServers(String listenerName) {
        return listener(listenerName).advertisedAddress();
    }

    /**
     * The port the listener of this name is bound to, which differs from what it advertises when
     * {@code advertised.listeners} names another port (e.g. one mapped into a container).
     */
    public int boundPort(String listenerName) {
        return listener(listenerName).bindPort();
    }

    private Listener listener(String listenerName) {
        ListenerName name = ListenerName.normalised(listenerName);
        return listeners.stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No listener named " + name.value() + "; this broker has "
                        + listenerNames()));
    }

    /**
     * The test CA and certificates this broker generated for its SSL and SASL_SSL listeners: give clients
     * {@link GeneratedCertificates#clientTrustSettings()} (or the truststore file), and for mutual TLS a
     * {@link GeneratedCertificates#clientCertificate(String)}.
     *
     * @throws IllegalStateException when no listener uses generated certificates (none is TLS, or each has its own
     *     keystore)
     */
    public GeneratedCertificates certificates() {
        GeneratedCertificates generated = security.generatedCertificates();
        if (generated == null) {
            throw new IllegalStateException("This broker generated no certificates: none of its listeners " + listenerNames()
                    + " is SSL or SASL_SSL without an ssl.keystore.location of its own");
        }
        return generated;
    }

    /** Whether some TLS listener uses certificates this broker generated (see {@link #certificates()}). */
    public boolean hasGeneratedCertificates() {
        return security.generatedCertificates() != null;
    }

    /** The listener names in configuration order (the first is the one {@link #bootstrapServers()} names). */
    public List<String> listenerNames() {
        return listeners.stream().map(l -> l.name().value()).toList();
    }

    /** The host the first listener advertises. */
    public String host() {
        return listeners.get(0).advertisedHost();
    }

    /** The port the first listener advertises (its bound port unless advertised.listeners says otherwise). */
    public int port() {
        return listeners.get(0).advertisedPort();
    }

    /** Where partitions live; deleted on close unless it was given to the builder. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Whether records live in Chronicle Queue files (true) or on the heap (the fallback without JVM flags). */
    public boolean isChronicleBacked() {
        return durable;
    }

    /**
     * Moves the broker's manual clock forward and runs everything that became due: group session and rebalance
     * timeouts, transaction timeouts, retention, parked fetches' max wait. Returns once those have run, so a test
     * can assert on their effects right away.
     *
     * @throws IllegalStateException unless the broker was built with {@link Builder#manualClock()}
     * @throws IllegalArgumentException for a negative duration
     */
    public void advanceClock(Duration duration) {
        if (!loop.timer().clock().isManual()) {
            throw new IllegalStateException("The broker runs on the system clock; start it with "
                    + "KafkaLite.builder().manualClock() to move its time by hand");
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("The broker clock only moves forward, got " + duration);
        }
        await(loop.call(() -> {
            loop.timer().clock().advance(duration);
            return loop.timer().runDue();
        }));
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> result) {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the broker", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
        }
    }

    /** Stops the broker and releases every thread, socket and mapped file; calling it again does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.close();
        loop.close();
        if (warmUp != null) {
            try {
                warmUp.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (temporaryDirectory) {
            deleteRecursively(dataDirectory);
        }
        security.close();
        LOG.info("Kafkalite at {} stopped", bootstrapServers());
    }

    private static void deleteRecursively(Path directory) {
        try (var paths = Files.walk(directory)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("Could not delete the temporary data directory {}: {}", directory, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "KafkaLite[" + bootstrapServers() + ", " + dataDirectory + "]";
    }

    /** Configures and starts a {@link KafkaLite}. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private boolean hostOrPortSet;
        private Path dataDirectory;
        private boolean manualClock;
        private final Map<String, String> brokerConfigs = new LinkedHashMap<>();
        private final Map<String, TopicSpec> topics = new LinkedHashMap<>();
        private final Map<String, String> users = new LinkedHashMap<>();
        private final List<ScramUser> scramUsers = new java.util.ArrayList<>();

        private Builder() {
        }

        /**
         * Address the one PLAINTEXT listener binds and advertises; default {@code 127.0.0.1}. For several listeners,
         * or a bind address apart from the advertised one, use the {@code listeners} and {@code advertised.listeners}
         * broker configs instead.
         */
        public Builder host(String host) {
            this.host = host;
            hostOrPortSet = true;
            return this;
        }

        /** Port of the one PLAINTEXT listener; default 0, a free port chosen by the OS. See {@link #host(String)}. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
            }
            this.port = port;
            hostOrPortSet = true;
            return this;
        }

        /**
         * Keeps partitions and metadata in this directory (created if missing), kept on close and reopened by the
         * next broker given the same directory. Requires Chronicle Queue's JVM flags.
         */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
            return this;
        }

        /**
         * Runs the broker on a clock that stands still until {@link KafkaLite#advanceClock} moves it, so that
         * session timeouts, transaction timeouts and retention happen when the test says, not after real waits.
         * Record timestamps the broker assigns (LogAppendTime) follow the same clock.
         */
        public Builder manualClock() {
            this.manualClock = true;
            return this;
        }

        /** A broker setting by its Kafka name, e.g. {@code auto.create.topics.enable=false}. */
        public Builder brokerConfig(String name, String value) {
            brokerConfigs.put(name, value);
            return this;
        }

        public Builder brokerConfigs(Map<String, String> configs) {
            brokerConfigs.putAll(configs);
            return this;
        }

        /**
         * A SASL user who can log in with PLAIN on every SASL listener and with SCRAM-SHA-256 and SCRAM-SHA-512 (their
         * SCRAM credentials are set at start, 4096 iterations). Kafka's own ways work too: {@code user_NAME} entries in
         * {@code listener.name.<listener>.plain.sasl.jaas.config}, and Admin's {@code alterUserScramCredentials}.
         */
        public Builder user(String name, String password) {
            if (name == null || name.isEmpty() || password == null || password.isEmpty()) {
                throw new IllegalArgumentException("A SASL user needs a non-empty name and password");
            }
            users.put(name, password);
            scramUsers.add(new ScramUser(ScramMechanism.SCRAM_SHA_256, name, password, ScramCredential.MIN_ITERATIONS));
            scramUsers.add(new ScramUser(ScramMechanism.SCRAM_SHA_512, name, password, ScramCredential.MIN_ITERATIONS));
            return this;
        }

        /**
         * A SCRAM credential set at start, as {@code kafka-storage format --add-scram
         * 'SCRAM-SHA-256=[name=alice,password=alice-secret,iterations=8192]'} declares one for a KRaft cluster.
         *
         * @param mechanism {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}
         */
        public Builder scramCredential(String mechanism, String name, String password, int iterations) {
            ScramMechanism scram = ScramMechanism.fromMechanismName(mechanism);
            if (scram == ScramMechanism.UNKNOWN) {
                throw new IllegalArgumentException("Unknown SCRAM mechanism '" + mechanism + "'; use SCRAM-SHA-256 or SCRAM-SHA-512");
            }
            if (iterations < ScramCredential.MIN_ITERATIONS || iterations > ScramCredential.MAX_ITERATIONS) {
                throw new IllegalArgumentException("SCRAM iterations must be between " + ScramCredential.MIN_ITERATIONS
                        + " and " + ScramCredential.MAX_ITERATIONS + ", got " + iterations);
            }
            scramUsers.add(new ScramUser(scram, name, password, iterations));
            return this;
        }

        /** A topic created at start (kept if it already exists in the data directory). */
        public Builder topic(String name, int partitions) {
            return topic(name, partitions, Map.of());
        }

        /** A topic with topic configs by Kafka name, e.g. {@code cleanup.policy=compact}. */
        public Builder topic(String name, int partitions, Map<String, String> configs) {
            topics.put(name, new TopicSpec(partitions, Map.copyOf(configs)));
            return this;
        }

        /**
         * Starts the broker; it accepts connections when this returns.
         *
         * @throws IllegalArgumentException for an unknown broker config, a bad value or a bad topic
         * @throws IllegalStateException when a data directory was given but Chronicle's JVM flags are missing
         * @throws UncheckedIOException when the address cannot be bound or the data directory is not usable
         */
        public KafkaLite start() {
            BrokerConfig config;
            try {
                config = BrokerConfig.parse(withDefaultListener());
            } catch (ConfigException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            boolean chronicle = chooseStorage();
            boolean temporary = dataDirectory == null;
            BrokerSecurity security;
            try {
                security = BrokerSecurity.create(config, Map.copyOf(users));
            } catch (ConfigException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            SocketServer server = SocketServer.bind(config.listeners(), config.socketRequestMaxBytes(), security);
            List<Listener> listeners = server.listeners();
            int boundPort = listeners.get(0).bindPort();
            Path directory;
            try {
                directory = prepareDirectory();
            } catch (UncheckedIOException e) {
                server.close();
                throw e;
            }
            Storage storage = chronicle ? new ChronicleStorage(directory) : new MemoryStorage();
            OwnedByLoop owned = new OwnedByLoop();
            BrokerTimer timer = new BrokerTimer(manualClock ? BrokerClock.manual() : BrokerClock.system());
            BrokerLoop loop = new BrokerLoop("kafkalite-broker-" + boundPort, timer, owned::close);
            loop.start();
            BrokerState state;
            try {
                state = loop.call(() -> {
                    // Chronicle objects belong to the thread that uses them: open the journal on the loop thread.
                    owned.journal = new MetadataJournal(temporary ? null : storage.open(MetadataJournal.STORE_NAME, 1 << 20));
                    owned.partitions = new PartitionRegistry(storage, owned.journal);
                    return initialise(config, timer, owned.journal, owned.partitions);
                }).get();
            } catch (ExecutionException | InterruptedException e) {
                server.close();
                loop.close();
                if (temporary) {
                    deleteRecursively(directory);
                }
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException("Kafkalite failed to start: " + cause, cause);
            }
            loop.execute(() -> loop.install(BrokerApis.create(state)));
            server.start(loop, "kafkalite-network-" + boundPort);
            // started last so that it does not compete with start() itself; it is done long before a client
            // has loaded its own classes and sends its first produce
            Thread warmUp = chronicle ? startWarmUp(directory) : null;
            KafkaLite broker = new KafkaLite(listeners, directory, temporary, chronicle, server, loop, warmUp, security);
            LOG.info("Kafkalite started at {} (data in {}, {})", listeners.size() == 1 ? broker.bootstrapServers()
                    : listeners, directory, chronicle ? "Chronicle Queue" : "heap: Chronicle's JVM flags are missing");
            return broker;
        }

        /** The broker configs, with host()/port() as the one listener unless {@code listeners} is configured. */
        private Map<String, String> withDefaultListener() {
            if (brokerConfigs.containsKey(BrokerConfig.LISTENERS)) {
                if (hostOrPortSet) {
                    throw new IllegalArgumentException("Both host()/port() and the " + BrokerConfig.LISTENERS
                            + " config were given; put the address into " + BrokerConfig.LISTENERS + " instead, e.g. "
                            + "PLAINTEXT://" + Listener.hostAndPort(host, port));
                }
                return brokerConfigs;
            }
            Map<String, String> configs = new LinkedHashMap<>(brokerConfigs);
            configs.put(BrokerConfig.LISTENERS, "PLAINTEXT://" + Listener.hostAndPort(host, port));
            return configs;
        }

        private BrokerState initialise(BrokerConfig config, BrokerTimer timer, MetadataJournal journal,
                                       PartitionRegistry partitions) {
            TopicRegistry topicRegistry = new TopicRegistry(config, journal);
            ProducerIdAllocator producerIds = new ProducerIdAllocator(journal);
            OffsetStore offsets = new OffsetStore(journal);
            GroupCoordinator groups = new GroupCoordinator(GroupCoordinatorConfig.from(config), offsets, timer);
            TransactionCoordinator transactions = new TransactionCoordinator(config, producerIds, topicRegistry,
                    partitions, groups, journal, timer);
            String[] clusterId = new String[1];
            MetadataJournal.Listener clusterIdReader = new MetadataJournal.Listener() {
                @Override
                public void onClusterId(String id) {
                    clusterId[0] = id;
                }
            };
            ScramCredentials scram = new ScramCredentials(journal);
            AclAuthorizer authorizer;
            try {
                authorizer = AclAuthorizer.create(config, journal);
            } catch (ConfigException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            journal.replay(clusterIdReader, topicRegistry, partitions, producerIds, offsets, transactions, scram, authorizer);
            groups.recover();
            for (ScramUser user : scramUsers) {
                ScramCredential existing = scram.get(user.name(), user.mechanism());
                if (existing == null || !user.matches(existing)) {
                    scram.put(user.name(), user.mechanism(), DECLARED_CREDENTIALS.computeIfAbsent(user,
                            u -> ScramCredential.fromPassword(u.mechanism(), u.password(), u.iterations())));
                }
            }
            if (clusterId[0] == null) {
                clusterId[0] = Uuid.randomUuid().toString();
                journal.clusterId(clusterId[0]);
            }
            for (Map.Entry<String, TopicSpec> topic : topics.entrySet()) {
                if (topicRegistry.get(topic.getKey()) == null) {
                    try {
                        topicRegistry.create(topic.getKey(), topic.getValue().partitions(), topic.getValue().configs());
                    } catch (RuntimeException e) {
                        throw new IllegalArgumentException("Cannot create topic '" + topic.getKey() + "': " + e.getMessage(), e);
                    }
                }
            }
            transactions.recover();
            return new BrokerState(config, clusterId[0], timer, topicRegistry, partitions, producerIds, groups,
                    transactions, scram, authorizer);
        }

        /** Chronicle if this JVM can run it; else the heap, unless the user asked for durable storage. */
        private boolean chooseStorage() {
            List<String> missing = ChronicleRuntime.missingJvmFlags();
            if (missing.isEmpty()) {
                ChronicleRuntime.configure();
                return true;
            }
            String flags = String.join(" ", ChronicleRuntime.JVM_FLAGS);
            if (dataDirectory != null) {
                throw new IllegalStateException("A data directory needs Chronicle Queue, which needs JVM flags this JVM "
                        + "was started without (" + String.join(" ", missing) + "). Add these to the JVM options, e.g. "
                        + "Maven Surefire's <argLine>: " + flags);
            }
            if (FALLBACK_WARNED.compareAndSet(false, true)) {
                LOG.warn("Kafkalite keeps records on the heap because this JVM lacks Chronicle Queue's flags ({}). "
                        + "Behaviour is the same; for memory-mapped storage add to the JVM options: {}",
                        String.join(" ", missing), flags);
            }
            return false;
        }

        private Path prepareDirectory() {
            try {
                if (dataDirectory == null) {
                    return Files.createTempDirectory("kafkalite-");
                }
                return Files.createDirectories(dataDirectory);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot use data directory " + dataDirectory + ": " + e.getMessage(), e);
            }
        }

        /** Loads Chronicle's classes off the caller's thread, once per JVM, so start() returns at once. */
        private static Thread startWarmUp(Path directory) {
            if (!CHRONICLE_WARMED.compareAndSet(false, true)) {
                return null;
            }
            Thread thread = new Thread(() -> ChronicleRuntime.warmUp(directory), "kafkalite-chronicle-warmup");
            thread.setDaemon(true);
            thread.start();
            return thread;
        }
    }

    private record TopicSpec(int partitions, Map<String, String> configs) {
    }

    /** The state the broker loop closes as its last act, on its own thread. */
    private static final class OwnedByLoop {
        MetadataJournal journal;
        PartitionRegistry partitions;

        void close() {
            if (partitions != null) {
                partitions.close();
            }
            if (journal != null) {
                journal.close();
            }
        }
    }

    /** A SCRAM credential declared to the builder. */
    private record ScramUser(ScramMechanism mechanism, String name, String password, int iterations) {
        /** Whether {@code stored} already is this password (a restart on the same data directory keeps it). */
        boolean matches(ScramCredential stored) {
            return stored.iterations() == iterations && java.util.Arrays.equals(stored.storedKey(),
                    ScramCredential.fromSaltedPassword(mechanism, stored.salt(),
                            ScramCredential.saltedPassword(mechanism, password, stored.salt(), iterations), iterations).storedKey());
        }
    }
}
