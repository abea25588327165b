package io.kafkalite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;

import io.kafkalite.api.BrokerApis;
import io.kafkalite.api.BrokerLoop;
import io.kafkalite.api.BrokerState;
import io.kafkalite.api.RequestDispatcher;
import io.kafkalite.group.GroupCoordinator;
import io.kafkalite.group.GroupCoordinatorConfig;
import io.kafkalite.group.OffsetStore;
import io.kafkalite.log.ChronicleRuntime;
import io.kafkalite.log.ChronicleStorage;
import io.kafkalite.log.DataDirectory;
import io.kafkalite.log.MemoryStorage;
import io.kafkalite.log.PartitionLogs;
import io.kafkalite.log.Storage;
import io.kafkalite.metadata.BrokerConfig;
import io.kafkalite.metadata.GroupConfigs;
import io.kafkalite.metadata.Listener;
import io.kafkalite.metadata.MetadataJournal;
import io.kafkalite.metadata.RandomIds;
import io.kafkalite.metadata.Topic;
import io.kafkalite.metadata.TopicRegistry;
import io.kafkalite.network.SocketServer;
import io.kafkalite.partition.Partition;
import io.kafkalite.partition.PartitionRegistry;
import io.kafkalite.share.SharePartitions;
import io.kafkalite.security.AclAuthorizer;
import io.kafkalite.security.BrokerSecurity;
import io.kafkalite.security.GeneratedCertificates;
import io.kafkalite.security.ScramCredential;
import io.kafkalite.security.ScramCredentials;
import io.kafkalite.time.BrokerClock;
import io.kafkalite.time.BrokerTimer;
import io.kafkalite.txn.ProducerIdAllocator;
import io.kafkalite.txn.TransactionCoordinator;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.protocol.Errors;
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
 *
 * <p>Test control: {@link #faults()} makes requests fail, hang or lose their answers; {@link #advanceClock} moves a
 * {@link Builder#manualClock() manual clock} so that session timeouts and retention happen at once;
 * {@link #restart()}, {@link #stop()}, {@link #pause()} and {@link #resume()} take the broker away and bring it back
 * on the same port with the same data; {@link #groups()} shows and steers consumer groups.
 */
public final class KafkaLite implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaLite.class);
    private static final AtomicBoolean CHRONICLE_WARMED = new AtomicBoolean();
    private static final AtomicBoolean FALLBACK_WARNED = new AtomicBoolean();
    private static final Object JOURNAL_SNAPSHOT_TIMER = "journal-snapshot";

    /**
     * Credentials of users declared to builders, by user: a test suite declares the same users for broker after
     * broker, and deriving a SCRAM key (4096 PBKDF2 rounds, Kafka's minimum) costs milliseconds each time.
     */
    private static final Map<ScramUser, ScramCredential> DECLARED_CREDENTIALS = new java.util.concurrent.ConcurrentHashMap<>();

    /** The listeners as bound at start; a restart binds the same ports again. */
    private final List<Listener> listeners;
    private final BrokerSecurity security;
    private final List<ScramUser> scramUsers;
    private final Path dataDirectory;
    /** The lock on a data directory given to the builder (null for a temporary one), held until close(). */
    private final DataDirectory claim;
    private final boolean temporaryDirectory;
    private final boolean durable;
    private final BrokerConfig config;
    private final BrokerClock clock;
    /**
     * Heap entries that outlive a {@link #restart()}: every partition when Chronicle cannot run, and the metadata
     * journal of a broker in a temporary directory (a durable directory keeps its own). Released by close().
     */
    private final MemoryStorage retained = new MemoryStorage();
    private final Faults faults;
    private final Groups groups;
    private final Object lifecycle = new Object();
    /** The broker serving now; null while stopped. */
    private volatile Incarnation running;
    private Thread warmUp;
    private final AtomicBoolean closed = new AtomicBoolean();

    private KafkaLite(List<Listener> listeners, BrokerSecurity security, List<ScramUser> scramUsers, Path dataDirectory,
                      DataDirectory claim, boolean temporaryDirectory, boolean durable, BrokerConfig config,
                      BrokerClock clock) {
        this.listeners = listeners;
        this.security = security;
        this.scramUsers = List.copyOf(scramUsers);
        this.dataDirectory = dataDirectory;
        this.claim = claim;
        this.temporaryDirectory = temporaryDirectory;
        this.durable = durable;
        this.config = config;
        this.clock = clock;
        this.faults = new Faults(this::releaseHeldBy);
        this.groups = new Groups(this::onLoop);
    }

    /**
     * A builder with test-friendly defaults: 127.0.0.1, a free port, a temporary data directory.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a broker with every default.
     *
     * @return the running broker
     */
    public static KafkaLite start() {
        return builder().start();
    }

    /**
     * {@code host:port} of the first listener (by default the only one, PLAINTEXT), for the clients'
     * {@code bootstrap.servers}.
     *
     * @return {@code host:port}
     */
    public String bootstrapServers() {
        return listeners.get(0).advertisedAddress();
    }

    /**
     * {@code host:port} that the listener of this name advertises, e.g. {@code bootstrapServers("SASL_SSL")}.
     *
     * @param listenerName a listener's name, e.g. {@code PLAINTEXT}
     * @return {@code host:port}
     * @throws IllegalArgumentException naming the listeners there are when none has this name
     */
    public String bootstrapServers(String listenerName) {
        return listener(listenerName).advertisedAddress();
    }

    /**
     * The port the listener of this name is bound to, which differs from what it advertises when
     * {@code advertised.listeners} names another port (e.g. one mapped into a container).
     *
     * @param listenerName a listener's name
     * @return the bound port
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
     * @return the generated CA and certificates
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

    /**
     * Whether some TLS listener uses certificates this broker generated (see {@link #certificates()}).
     *
     * @return true if {@link #certificates()} has something to give
     */
    public boolean hasGeneratedCertificates() {
        return security.generatedCertificates() != null;
    }

    /**
     * The listener names in configuration order (the first is the one {@link #bootstrapServers()} names).
     *
     * @return the names
     */
    public List<String> listenerNames() {
        return listeners.stream().map(l -> l.name().value()).toList();
    }

    /**
     * The host the first listener advertises.
     *
     * @return the host
     */
    public String host() {
        return listeners.get(0).advertisedHost();
    }

    /**
     * The port the first listener advertises (its bound port unless advertised.listeners says otherwise).
     *
     * @return the port
     */
    public int port() {
        return listeners.get(0).advertisedPort();
    }

    /**
     * Where partitions live; deleted on close unless it was given to the builder.
     *
     * @return the data directory
     */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /**
     * Whether records live in Chronicle Queue files or on the heap (the fallback without Chronicle's JVM flags).
     *
     * @return true for Chronicle Queue files
     */
    public boolean isChronicleBacked() {
        return durable;
    }

    /**
     * Moves the broker's manual clock forward and runs everything that became due: group session and rebalance
     * timeouts, share groups' acquisition locks, transaction timeouts, retention, delayed responses (a long poll's
     * max wait runs in real time).
     * Returns once those have run, so a test can assert on their effects right away. A stopped or paused broker's
     * clock moves too; what fell due runs when it is restarted or resumed.
     *
     * <p>A group member only survives a move past its session timeout if it heartbeats after the clock moved: to
     * fail over from a member that went silent, advance by less than the session timeout, wait for the others'
     * heartbeats ({@link Groups#awaitHeartbeat}), then advance past it.
     *
     * @param duration how far to move the clock
     * @throws IllegalStateException unless the broker was built with {@link Builder#manualClock()}
     * @throws IllegalArgumentException for a negative duration
     */
    public void advanceClock(Duration duration) {
        if (!clock.isManual()) {
            throw new IllegalStateException("The broker runs on the system clock; start it with "
                    + "KafkaLite.builder().manualClock() to move its time by hand");
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("The broker clock only moves forward, got " + duration);
        }
        synchronized (lifecycle) {
            Incarnation broker = running;
            if (broker == null) {
                clock.advance(duration);
                return;
            }
            await(broker.loop.call(() -> {
                clock.advance(duration);
                return broker.loop.runDueTimers();
            }));
        }
    }

    /**
     * Fault injection: rules that fail, delay, throttle, cut off or silence requests.
     *
     * @return the broker's fault rules
     */
    public Faults faults() {
        return faults;
    }

    /**
     * Consumer groups: members and assignments, removing a member, forcing a rebalance.
     *
     * @return the broker's consumer groups
     */
    public Groups groups() {
        return groups;
    }

    /**
     * Stops the broker as a crash would, keeping its port and data for {@link #restart()}: connections drop and
     * clients retry. Acknowledged records, topics and committed offsets stay; group membership, parked requests and
     * delayed responses go. Does nothing when already stopped.
     */
    public void stop() {
        synchronized (lifecycle) {
            Incarnation broker = running;
            if (broker == null) {
                return;
            }
            running = null;
            broker.server.close();
            broker.loop.close();
            LOG.info("Kafkalite at {} stopped; restart() brings it back with its data", bootstrapServers());
        }
    }

    /**
     * Starts the broker again on the same port and data (stopping it first if it runs), as after a crash: it
     * replays its metadata, reopens its partitions and rebuilds producer state; clients reconnect on their own and
     * consumers rejoin their groups. Fault rules stay installed; a paused broker comes back unpaused.
     *
     * @throws IllegalStateException after {@link #close()}
     * @throws UncheckedIOException when another process took the port meanwhile
     */
    public void restart() {
        synchronized (lifecycle) {
            if (closed.get()) {
                throw new IllegalStateException("The broker is closed; start a new one with KafkaLite.builder()");
            }
            stop();
            launch(SocketServer.bind(listeners, config.socketRequestMaxBytes(), security), Map.of());
            LOG.info("Kafkalite restarted at {}", bootstrapServers());
        }
    }

    /**
     * Whether the broker serves requests (false after {@link #stop()} and {@link #close()}; true while paused).
     *
     * @return whether the broker answers requests (not stopped)
     */
    public boolean isRunning() {
        return running != null;
    }

    /**
     * Pauses the broker: it keeps accepting connections and reading requests but answers nothing and runs no timer,
     * as a broker frozen by a long GC pause would. {@link #resume()} serves what waited, in order.
     *
     * @throws IllegalStateException when the broker is stopped
     */
    public void pause() {
        Incarnation broker = runningOrFail();
        await(broker.loop.call(() -> {
            broker.loop.pause();
            return null;
        }));
        LOG.info("Kafkalite at {} paused: requests wait until resume()", bootstrapServers());
    }

    /**
     * Resumes a paused broker: requests that waited are served in arrival order, then timers run again.
     *
     * @throws IllegalStateException when the broker is stopped
     */
    public void resume() {
        Incarnation broker = runningOrFail();
        await(broker.loop.call(() -> {
            broker.loop.resume();
            return null;
        }));
        LOG.info("Kafkalite at {} resumed", bootstrapServers());
    }

    /**
     * Whether the broker is paused.
     *
     * @return whether the broker is paused
     */
    public boolean isPaused() {
        Incarnation broker = running;
        return broker != null && await(broker.loop.call(broker.loop::isPaused));
    }

    private Incarnation runningOrFail() {
        Incarnation broker = running;
        if (broker == null) {
            throw new IllegalStateException("The broker at " + bootstrapServers() + " is "
                    + (closed.get() ? "closed" : "stopped; restart() it first"));
        }
        return broker;
    }

    /** After Chronicle's warm-up: opens the running broker's log file ahead of its first produce. */
    private void prepareRunningLog() {
        Incarnation broker = running;
        if (broker != null) {
            prepareLog(broker);
        }
    }

    /** Runs {@code task} on the running broker's loop with its state. */
    private <T> CompletableFuture<T> onLoop(Function<BrokerState, T> task) {
        Incarnation broker = runningOrFail();
        return broker.loop.call(() -> task.apply(broker.state));
    }

    /** A removed rule lets go of the requests it black-holed: their connections close. */
    private void releaseHeldBy(FaultRule rule) {
        Incarnation broker = running;
        if (broker != null) {
            broker.loop.execute(() -> {
                if (broker.injector != null) {
                    broker.injector.release(rule);
                }
            });
        }
    }

    /**
     * Runs retention and the log cleaner on every partition now and returns when they are done, so a test can
     * assert on their outcome without waiting for the background cleaner: records past {@code retention.ms} or
     * {@code retention.bytes} go (topics whose {@code cleanup.policy} includes {@code delete}), and every partition
     * of a compacted topic is compacted as Kafka's cleaner would, with its active segment rolled first so that
     * everything written so far can be cleaned ({@code min.compaction.lag.ms} still holds back younger records),
     * whatever its {@code min.cleanable.dirty.ratio}. Tombstones and transaction markers go once
     * {@code delete.retention.ms} has passed since the cleaning that first kept them. The disk space released is
     * given back before this returns. The broker serves no request meanwhile.
     *
     * @return how many partitions were compacted
     * @throws IllegalStateException when the broker is stopped
     */
    public int cleanLogs() {
        return await(onLoop(state -> state.partitions().cleanNow(state.clock().epochMillis())));
    }

    /**
     * Brings the broker back to a fresh state in one step, as the JUnit extension does between tests: every group
     * (consumer, share and streams) goes with its committed offsets, every other topic (but internal ones, named
     * {@code __...}) goes with its records, and each of {@code topics} is emptied: its records are deleted (offsets go
     * on from where they were, as after DeleteRecords), or it is created when missing and recreated when its
     * partition count is not the one asked for. The same as doing it through Admin (list and delete groups, list
     * and delete topics, DeleteRecords, create topics) without the round trips; deleting costs what the indexes
     * hold, and the disk space comes back in the background.
     *
     * @param topics the topics to keep, emptied, by name
     * @throws IllegalStateException when a group still has members (close its consumers first), topic deletion is
     *     disabled ({@code delete.topic.enable=false}) or the broker is stopped
     * @throws IllegalArgumentException when a topic cannot be created, naming it and why
     */
    public void reset(Map<String, TopicSpec> topics) {
        List<String> busyGroups = reset(topics, topic -> false, group -> false);
        if (!busyGroups.isEmpty()) {
            throw new IllegalStateException("Group(s) " + busyGroups + " cannot be deleted while they have members: "
                    + "close their consumers before the reset");
        }
    }

    /**
     * {@link #reset(Map)} for a test framework that shares the broker: topics and groups it must not touch are left
     * as they are, and groups that still have members are kept (and returned) rather than failing the reset.
     *
     * @param topics the topics to keep, emptied, by name
     * @param keepTopic topics other than {@code topics} to leave alone; called on the broker's thread
     * @param keepGroup groups to leave alone; called on the broker's thread
     * @return the groups that were kept because they still have members
     * @throws IllegalStateException when topic deletion is disabled ({@code delete.topic.enable=false}) or the
     *     broker is stopped
     * @throws IllegalArgumentException when a topic cannot be created, naming it and why
     */
    public List<String> reset(Map<String, TopicSpec> topics, Predicate<String> keepTopic,
                              Predicate<String> keepGroup) {
        return await(onLoop(state -> {
            GroupCoordinator coordinator = state.groups();
            List<String> groupIds = coordinator.listGroups(List.of(), List.of()).stream()
                    .map(ListGroupsResponseData.ListedGroup::groupId).filter(keepGroup.negate()).toList();
            List<String> busy = new ArrayList<>();
            for (DeleteGroupsResponseData.DeletableGroupResult result : coordinator.deleteGroups(groupIds)) {
                if (result.errorCode() == Errors.NON_EMPTY_GROUP.code()) {
                    busy.add(result.groupId());
                } else if (result.errorCode() != Errors.NONE.code()) {
                    throw new IllegalStateException("Group '" + result.groupId() + "' cannot be deleted: "
                            + Errors.forCode(result.errorCode()).message());
                }
            }
            if (!state.config().deleteTopicEnable()) {
                throw new IllegalStateException("Topics cannot be deleted: the broker runs with delete.topic.enable=false");
            }
            for (Topic topic : List.copyOf(state.topics().all())) {
                String name = topic.name();
                TopicSpec kept = topics.get(name);
                if (kept != null && kept.partitions() == topic.partitionCount()) {
                    for (int partition = 0; partition < topic.partitionCount(); partition++) {
                        Partition records = state.partition(topic, partition);
                        records.deleteRecordsBefore(records.highWatermark());
                    }
                } else if (kept != null || !(name.startsWith("__") || keepTopic.test(name))) {
                    state.deleteTopic(name);
                }
            }
            for (Map.Entry<String, TopicSpec> topic : topics.entrySet()) {
                if (state.topics().get(topic.getKey()) == null) {
                    try {
                        state.topics().create(topic.getKey(), topic.getValue().partitions(), topic.getValue().configs());
                    } catch (RuntimeException e) {
                        throw new IllegalArgumentException("Cannot create topic '" + topic.getKey() + "': "
                                + e.getMessage(), e);
                    }
                }
            }
            return busy;
        }));
    }

    /** The result of work on the broker loop; its exception rethrown as it is when unchecked. */
    static <T> T await(CompletableFuture<T> result) {
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
        synchronized (lifecycle) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            Incarnation broker = running;
            running = null;
            if (broker != null) {
                broker.server.close();
                broker.loop.close();
            }
        }
        retained.close();
        if (claim != null) {
            claim.close();
        }
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

    /**
     * Builds the broker's state on a new loop (replaying the metadata journal), installs the dispatch table behind
     * the fault injector and serves on {@code server}. On failure everything started here is closed again.
     */
    private void launch(SocketServer server, Map<String, TopicSpec> topics) {
        Storage storage = durable ? new ChronicleStorage(dataDirectory, config.logMinFreeBytes()) : new KeptOpen(retained);
        OwnedByLoop owned = new OwnedByLoop();
        BrokerTimer timer = new BrokerTimer(clock);
        BrokerLoop loop = new BrokerLoop("kafkalite-broker-" + port(), timer, owned::close);
        loop.start();
        BrokerState state;
        try {
            state = loop.call(() -> {
                // Chronicle objects belong to the thread that uses them: open the journal on the loop thread.
                // A temporary directory keeps its journal on the heap: it only has to outlive a restart.
                owned.journal = MetadataJournal.open(temporaryDirectory ? retained : storage);
                PartitionLogs logs = storage.openPartitionLogs(config.logFileBytes());
                owned.partitions = new PartitionRegistry(logs, owned.journal);
                return initialise(timer, owned.journal, owned.partitions, topics);
            }).get();
        } catch (ExecutionException | InterruptedException e) {
            server.close();
            loop.close();
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("Kafkalite failed to start: " + cause, cause);
        }
        Incarnation broker = new Incarnation(server, loop, state);
        loop.execute(() -> {
            RequestDispatcher dispatcher = BrokerApis.create(state);
            broker.injector = new FaultInjector(faults, state);
            loop.install(dispatcher.interceptWith(broker.injector));
        });
        server.start(loop, "kafkalite-network-" + port());
        running = broker;
        if (durable && CHRONICLE_WARMED.get() && (warmUp == null || !warmUp.isAlive())) {
            prepareLog(broker);
        }
    }

    /** Opens the file the shared log appends to now, so that the first produce does not wait for it. */
    private static void prepareLog(Incarnation broker) {
        broker.loop.execute(() -> broker.state.partitions().logs().prepare());
    }

    private BrokerState initialise(BrokerTimer timer, MetadataJournal journal, PartitionRegistry partitions,
                                   Map<String, TopicSpec> topics) {
        TopicRegistry topicRegistry = new TopicRegistry(config, journal);
        ProducerIdAllocator producerIds = new ProducerIdAllocator(journal);
        OffsetStore offsets = new OffsetStore(journal);
        GroupConfigs groupConfigs = new GroupConfigs(config, journal);
        SharePartitions shares = new SharePartitions(config, groupConfigs, topicRegistry, partitions, journal, timer);
        GroupCoordinator groups = new GroupCoordinator(GroupCoordinatorConfig.from(config), offsets, timer,
                groupConfigs);
        TransactionCoordinator transactions = new TransactionCoordinator(config, producerIds, topicRegistry,
                partitions, groups, journal, timer);
        String[] clusterId = new String[1];
        MetadataJournal.Participant clusterIdReader = new MetadataJournal.Participant() {
            @Override
            public void onClusterId(String id) {
                clusterId[0] = id;
            }

            @Override
            public void writeSnapshot(MetadataJournal snapshot) {
                snapshot.clusterId(clusterId[0]);
            }
        };
        ScramCredentials scram = new ScramCredentials(journal);
        AclAuthorizer authorizer;
        try {
            authorizer = AclAuthorizer.create(config, journal);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        journal.replay(clusterIdReader, topicRegistry, partitions, producerIds, offsets, transactions, scram, authorizer,
                groupConfigs, shares);
        partitions.recover(topicRegistry::get);
        groups.recover();
        groups.recoverShareGroups(shares.groups());
        for (ScramUser user : scramUsers) {
            ScramCredential existing = scram.get(user.name(), user.mechanism());
            if (existing == null || !user.matches(existing)) {
                scram.put(user.name(), user.mechanism(), DECLARED_CREDENTIALS.computeIfAbsent(user,
                        u -> ScramCredential.fromPassword(u.mechanism(), u.password(), u.iterations())));
            }
        }
        if (clusterId[0] == null) {
            clusterId[0] = RandomIds.uuid().toString();
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
        scheduleJournalSnapshots(timer, journal, config.retentionCheckIntervalMs());
        return new BrokerState(config, clusterId[0], timer, topicRegistry, partitions, producerIds, groups,
                transactions, scram, authorizer, groupConfigs, shares);
    }

    /**
     * Takes a journal snapshot on the broker timer, between requests, as soon as one is due (and checks every
     * {@code intervalMs}, in case one failed and must be tried again).
     */
    private static void scheduleJournalSnapshots(BrokerTimer timer, MetadataJournal journal, long intervalMs) {
        journal.onSnapshotDue(() -> timer.scheduleAfter(JOURNAL_SNAPSHOT_TIMER, 0,
                () -> snapshotIfDue(timer, journal, intervalMs)));
        timer.scheduleAfter(JOURNAL_SNAPSHOT_TIMER, TimeUnit.MILLISECONDS.toNanos(intervalMs),
                () -> snapshotIfDue(timer, journal, intervalMs));
    }

    private static void snapshotIfDue(BrokerTimer timer, MetadataJournal journal, long intervalMs) {
        if (journal.snapshotDue()) {
            try {
                journal.snapshot();
            } catch (RuntimeException e) {
                LOG.warn("Could not compact the metadata journal; will try again: {}", e.getMessage());
            }
        }
        timer.scheduleAfter(JOURNAL_SNAPSHOT_TIMER, TimeUnit.MILLISECONDS.toNanos(intervalMs),
                () -> snapshotIfDue(timer, journal, intervalMs));
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
         *
         * @param host a host name or IP address
         * @return this builder
         */
        public Builder host(String host) {
            this.host = host;
            hostOrPortSet = true;
            return this;
        }

        /**
         * Port of the one PLAINTEXT listener; default 0, a free port chosen by the OS. See {@link #host(String)}.
         *
         * @param port 0 to 65535
         * @return this builder
         */
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
         *
         * @param dataDirectory the directory
         * @return this builder
         */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
            return this;
        }

        /**
         * Runs the broker on a clock that stands still until {@link KafkaLite#advanceClock} moves it, so that
         * session timeouts, transaction timeouts and retention happen when the test says, not after real waits.
         * Record timestamps the broker assigns (LogAppendTime) follow the same clock.
         *
         * @return this builder
         */
        public Builder manualClock() {
            this.manualClock = true;
            return this;
        }

        /**
         * A broker setting by its Kafka name, e.g. {@code auto.create.topics.enable=false}; checked at start.
         *
         * @param name the config's Kafka name
         * @param value its value
         * @return this builder
         */
        public Builder brokerConfig(String name, String value) {
            brokerConfigs.put(name, value);
            return this;
        }

        /**
         * Several broker settings at once, as {@link #brokerConfig(String, String)} takes them.
         *
         * @param configs values by Kafka name
         * @return this builder
         */
        public Builder brokerConfigs(Map<String, String> configs) {
            brokerConfigs.putAll(configs);
            return this;
        }

        /**
         * A SASL user who can log in with PLAIN on every SASL listener and with SCRAM-SHA-256 and SCRAM-SHA-512 (their
         * SCRAM credentials are set at start, 4096 iterations). Kafka's own ways work too: {@code user_NAME} entries in
         * {@code listener.name.<listener>.plain.sasl.jaas.config}, and Admin's {@code alterUserScramCredentials}.
         *
         * @param name the user's name
         * @param password the user's password
         * @return this builder
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
         * @param name the user's name
         * @param password the user's password
         * @param iterations the SCRAM iteration count
         * @return this builder
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

        /**
         * A topic created at start (kept if it already exists in the data directory).
         *
         * @param name the topic's name
         * @param partitions its partition count
         * @return this builder
         */
        public Builder topic(String name, int partitions) {
            return topic(name, partitions, Map.of());
        }

        /**
         * A topic with topic configs by Kafka name, e.g. {@code cleanup.policy=compact}.
         *
         * @param name the topic's name
         * @param partitions its partition count
         * @param configs topic configs by Kafka name
         * @return this builder
         */
        public Builder topic(String name, int partitions, Map<String, String> configs) {
            topics.put(name, new TopicSpec(partitions, configs));
            return this;
        }

        /**
         * Starts the broker; it accepts connections when this returns.
         *
         * @return the running broker; close it to stop it
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
            Path directory;
            DataDirectory claim;
            try {
                directory = prepareDirectory();
                claim = temporary ? null : DataDirectory.claim(directory);
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            KafkaLite broker = new KafkaLite(server.listeners(), security, scramUsers, directory, claim, temporary,
                    chronicle, config, manualClock ? BrokerClock.manual() : BrokerClock.system());
            try {
                broker.launch(server, new LinkedHashMap<>(topics));
            } catch (RuntimeException e) {
                broker.retained.close();
                if (claim != null) {
                    claim.close();
                }
                if (temporary) {
                    deleteRecursively(directory);
                }
                throw e;
            }
            // started last so that it does not compete with start() itself; it is done long before a client
            // has loaded its own classes and sends its first produce
            broker.warmUp = chronicle ? startWarmUp(directory, broker::prepareRunningLog) : null;
            LOG.info("Kafkalite started at {} (data in {}, {})", broker.listeners.size() == 1 ? broker.bootstrapServers()
                    : broker.listeners, directory, chronicle ? "Chronicle Queue" : "heap: Chronicle's JVM flags are missing");
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
                    return DataDirectory.createTemporary(Path.of(System.getProperty("java.io.tmpdir")), "kafkalite-");
                }
                return Files.createDirectories(dataDirectory);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot use data directory " + dataDirectory + ": " + e.getMessage(), e);
            }
        }

        /**
         * Loads Chronicle's classes off the caller's thread, once per JVM, so start() returns at once; then runs
         * {@code afterwards}. Returns null (and runs nothing) when this JVM has already loaded them.
         */
        private static Thread startWarmUp(Path directory, Runnable afterwards) {
            if (!CHRONICLE_WARMED.compareAndSet(false, true)) {
                return null;
            }
            Thread thread = new Thread(() -> {
                ChronicleRuntime.warmUp(directory);
                afterwards.run();
            }, "kafkalite-chronicle-warmup");
            thread.setDaemon(true);
            thread.start();
            return thread;
        }
    }

    /**
     * A topic to create: its partition count and topic configs by Kafka name.
     *
     * @param partitions at least 1
     * @param configs e.g. {@code cleanup.policy=compact}; empty for the broker's defaults
     */
    public record TopicSpec(int partitions, Map<String, String> configs) {
        /**
         * Keeps its own copy of the configs.
         *
         * @param partitions at least 1
         * @param configs e.g. {@code cleanup.policy=compact}; empty for the broker's defaults
         */
        public TopicSpec {
            configs = Map.copyOf(configs);
        }
    }

    /** One run of the broker between start (or restart) and stop: its socket, loop and state. */
    private static final class Incarnation {
        final SocketServer server;
        final BrokerLoop loop;
        final BrokerState state;
        /** Set and used on the loop thread. */
        FaultInjector injector;

        Incarnation(SocketServer server, BrokerLoop loop, BrokerState state) {
            this.server = server;
            this.loop = loop;
            this.state = state;
        }
    }

    /** Heap storage handed to one run of the broker: closing it closes nothing, so the next run finds the entries. */
    private record KeptOpen(Storage storage) implements Storage {
        @Override
        public PartitionLogs openPartitionLogs(long segmentBytes) {
            return storage.openPartitionLogs(segmentBytes);
        }

        @Override
        public io.kafkalite.log.EntryStore open(String name) {
            return storage.open(name);
        }

        @Override
        public void delete(String name) {
            storage.delete(name);
        }

        @Override
        public String readMarker(String name) {
            return storage.readMarker(name);
        }

        @Override
        public void writeMarker(String name, String text) {
            storage.writeMarker(name, text);
        }

        @Override
        public void close() {
            // the entries belong to the KafkaLite, which releases them on close()
        }
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
