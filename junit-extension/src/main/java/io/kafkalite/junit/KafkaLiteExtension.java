package io.kafkalite.junit;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.kafkalite.KafkaLite;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.platform.commons.support.AnnotationSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JUnit Jupiter extension behind {@link KafkaLiteTest}; also usable programmatically:
 *
 * <pre>{@code
 * @RegisterExtension
 * static KafkaLiteExtension kafka = KafkaLiteExtension.builder().topic("orders", 3).build();
 * }</pre>
 *
 * A static field gives one broker per class, an instance field one per test, as JUnit's own conventions go.
 * State lives in JUnit's extension store, so classes running in parallel each have their own broker and port.
 *
 * <p>Setting the system property {@value #EXTERNAL_BOOTSTRAP_PROPERTY} (or the environment variable
 * {@value #EXTERNAL_BOOTSTRAP_ENV}) to a bootstrap address runs the same tests against that Kafka cluster instead
 * of an embedded broker.
 */
public final class KafkaLiteExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        ParameterResolver, TestExecutionExceptionHandler {

    /** System property naming an external cluster to test against instead of the embedded broker. */
    public static final String EXTERNAL_BOOTSTRAP_PROPERTY = "kafkalite.external.bootstrap.servers";
    /** Environment variable with the same meaning as {@link #EXTERNAL_BOOTSTRAP_PROPERTY}. */
    public static final String EXTERNAL_BOOTSTRAP_ENV = "KAFKALITE_EXTERNAL_BOOTSTRAP_SERVERS";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaLiteExtension.class);
    private static final Namespace NAMESPACE = Namespace.create(KafkaLiteExtension.class);
    private static final String CLASS_STATE = "class-state";

    /**
     * The cluster of each test class while it runs, for integrations that build test infrastructure outside
     * JUnit's store (kafkalite-spring's context customizer). Keyed by class, so parallel classes do not meet.
     */
    private static final Map<Class<?>, ClusterResource> RUNNING_CLASSES = new ConcurrentHashMap<>();

    /** Set when registered through the builder; null when registered by {@link KafkaLiteTest}. */
    private final Configuration programmatic;

    /** Used by {@link KafkaLiteTest}; prefer {@link #builder()} for programmatic registration. */
    public KafkaLiteExtension() {
        this(null);
    }

    private KafkaLiteExtension(Configuration programmatic) {
        this.programmatic = programmatic;
    }

    /**
     * Starts a programmatic configuration.
     *
     * @return a builder for a {@code @RegisterExtension} field
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The cluster the tests of {@code testClass} (or of a class it is nested in) use, while that class runs. For
     * framework integrations that set up test infrastructure outside JUnit's extension store, such as
     * kafkalite-spring; tests themselves ask for a {@link KafkaCluster} parameter instead.
     *
     * @param testClass a test class using this extension
     * @return the running cluster, or empty if the class is not running (or does not use the extension)
     */
    public static Optional<KafkaCluster> clusterOf(Class<?> testClass) {
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            ClusterResource cluster = RUNNING_CLASSES.get(c);
            if (cluster != null) {
                return Optional.of(cluster);
            }
        }
        return Optional.empty();
    }

    /**
     * Which cluster the tests of {@code testClass} use, as a value that is equal for classes sharing one cluster:
     * the external cluster's address, a shared broker's configuration, or else the (top-level) class itself, whose
     * broker no other class uses. Known before the class starts, so integrations can key caches with it
     * (kafkalite-spring keys Spring's test-context cache with it, so that no class is handed a context that points
     * at another class's broker).
     *
     * @param testClass a test class
     * @return the cluster's identity, or empty if the class does not use this extension
     */
    public static Optional<Object> clusterIdentity(Class<?> testClass) {
        Class<?> topLevel = testClass;
        while (topLevel.getEnclosingClass() != null) {
            topLevel = topLevel.getEnclosingClass();
        }
        Optional<Configuration> configuration = declaredConfiguration(topLevel);
        if (configuration.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> external = externalBootstrap();
        if (external.isPresent()) {
            return Optional.of(externalKey(external.get()));
        }
        return Optional.of(configuration.get().shared() ? sharedKey(configuration.get()) : topLevel);
    }

    /** The configuration of a class that uses the extension through its annotation or a static field. */
    private static Optional<Configuration> declaredConfiguration(Class<?> testClass) {
        if (AnnotationSupport.findAnnotation(testClass, KafkaLiteTest.class).isPresent()) {
            return Optional.of(annotationConfiguration(testClass));
        }
        for (Field field : AnnotationSupport.findAnnotatedFields(testClass, RegisterExtension.class)) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == KafkaLiteExtension.class) {
                try {
                    field.setAccessible(true);
                    KafkaLiteExtension extension = (KafkaLiteExtension) field.get(null);
                    if (extension != null && extension.programmatic != null) {
                        return Optional.of(extension.programmatic);
                    }
                } catch (ReflectiveOperationException | RuntimeException e) {
                    LOG.debug("Cannot read {} of {}", field.getName(), testClass.getName(), e);
                }
            }
        }
        return Optional.empty();
    }

    private static String externalKey(String bootstrap) {
        return "external " + bootstrap;
    }

    private static String sharedKey(Configuration configuration) {
        return "shared-broker " + new TreeMap<>(configuration.brokerConfig()) + " " + configuration.security()
                + (configuration.manualClock() ? " manual clock" : "");
    }

    /**
     * Starts (or finds) the class's cluster and creates its declared topics.
     *
     * @param context the test class's context
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        boolean nested = context.getParent()
                .map(parent -> parent.getStore(NAMESPACE).get(CLASS_STATE, ClassState.class) != null).orElse(false);
        if (nested) {
            return; // a @Nested class shares its enclosing class's cluster and declared topics
        }
        context.getStore(NAMESPACE).put(CLASS_STATE, start(context, configuration(context)));
    }

    /**
     * Resets the cluster to the declared state (unless the class turned that off) and marks the test as running.
     *
     * @param context the test's context
     */
    @Override
    public void beforeEach(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        ClassState state = store.get(CLASS_STATE, ClassState.class);
        if (state == null) {
            // registered on an instance field: a broker for this test alone
            state = start(context, configuration(context));
            store.put(CLASS_STATE, state);
        }
        String testOwner = "test " + context.getUniqueId();
        // put first, so that JUnit closes it last: the test counts as running until its clients and topics are gone
        store.put("test-lease", new TestLease(state.reset, testOwner));
        store.put("test-owner", testOwner);
        state.reset.beforeTest(testOwner, state.resetBeforeEachTest);
    }

    /**
     * Removes the test's fault rules and brings a paused or stopped broker back, before its clients close.
     *
     * @param context the test's context
     */
    @Override
    public void afterEach(ExtensionContext context) {
        ClassState state = context.getStore(NAMESPACE).get(CLASS_STATE, ClassState.class);
        if (state != null) {
            state.cluster.embeddedBroker().ifPresent(TestControl::restore);
        }
    }

    private Configuration configuration(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        Optional<KafkaLiteTest> annotation = AnnotationSupport.findAnnotation(testClass, KafkaLiteTest.class);
        if (programmatic != null) {
            if (annotation.isPresent()) {
                throw new ExtensionConfigurationException(testClass.getName()
                        + " uses both @KafkaLiteTest and a @RegisterExtension KafkaLiteExtension; keep one of them");
            }
            return programmatic;
        }
        if (annotation.isEmpty()) {
            throw new ExtensionConfigurationException("KafkaLiteExtension was registered with @ExtendWith but without "
                    + "@KafkaLiteTest; annotate the class with @KafkaLiteTest or register "
                    + "KafkaLiteExtension.builder()...build() with @RegisterExtension");
        }
        return annotationConfiguration(testClass);
    }

    private static Configuration annotationConfiguration(Class<?> testClass) {
        KafkaLiteTest test = AnnotationSupport.findAnnotation(testClass, KafkaLiteTest.class).orElseThrow();
        String origin = "@KafkaLiteTest on " + testClass.getSimpleName();
        List<TopicSpec> topics = new ArrayList<>();
        for (String spec : test.topics()) {
            topics.add(TopicSpec.parse(spec, origin));
        }
        for (Topic topic : AnnotationSupport.findRepeatableAnnotations(testClass, Topic.class)) {
            topics.add(TopicSpec.of(topic, testClass.getSimpleName()));
        }
        Map<String, String> brokerConfig = new LinkedHashMap<>(Settings.parse(test.brokerConfig(), origin));
        for (BrokerConfig config : AnnotationSupport.findRepeatableAnnotations(testClass, BrokerConfig.class)) {
            brokerConfig.put(config.name().trim(), config.value());
        }
        ClusterSecurity security = ClusterSecurity.of(test.sasl(), test.tls(), List.of(test.users()), List.of(test.acls()),
                origin);
        return new Configuration(topics, Map.copyOf(brokerConfig), test.resetBetweenTests(), test.shared(), security,
                test.manualClock());
    }

    private static ClassState start(ExtensionContext context, Configuration configuration) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        ExtensionContext.Store root = context.getRoot().getStore(NAMESPACE);
        Optional<String> external = externalBootstrap();
        ClusterResource cluster;
        if (external.isPresent()) {
            // one per run: what the cluster held before the run is remembered once, for every class
            cluster = root.getOrComputeIfAbsent(externalKey(external.get()),
                    key -> ClusterResource.external(external.get()), ClusterResource.class);
            if (!configuration.brokerConfig().isEmpty()) {
                LOG.warn("{}: broker configs {} are ignored, the tests run against {}, which keeps its own",
                        context.getDisplayName(), configuration.brokerConfig().keySet(), cluster);
            }
        } else if (configuration.shared()) {
            cluster = root.getOrComputeIfAbsent(sharedKey(configuration),
                    key -> startBroker(configuration), ClusterResource.class);
        } else {
            cluster = store.getOrComputeIfAbsent("broker", key -> startBroker(configuration), ClusterResource.class);
        }
        store.put("bootstrap-properties", BootstrapProperties.publish(context, cluster.bootstrapServers()));
        String classOwner = "class " + context.getUniqueId();
        StateReset reset = StateReset.prepare(cluster, classOwner, configuration.topics());
        return new ClassState(cluster, reset, classOwner, configuration.reset(), context.getRequiredTestClass());
    }

    private static ClusterResource startBroker(Configuration configuration) {
        try {
            KafkaLite.Builder builder = KafkaLite.builder();
            ClusterSecurity security = configuration.security();
            if (security == null) {
                builder.brokerConfigs(configuration.brokerConfig());
            } else {
                security.configure(builder, configuration.brokerConfig());
            }
            if (configuration.manualClock()) {
                builder.manualClock();
            }
            return ClusterResource.embedded(builder.start(), security);
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("Bad broker config: " + e.getMessage(), e);
        }
    }

    private static Optional<String> externalBootstrap() {
        String value = System.getProperty(EXTERNAL_BOOTSTRAP_PROPERTY, System.getenv(EXTERNAL_BOOTSTRAP_ENV));
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static ClassState state(ExtensionContext context) {
        ClassState state = context.getStore(NAMESPACE).get(CLASS_STATE, ClassState.class);
        if (state == null) {
            throw new ParameterResolutionException("No Kafka cluster is running for " + context.getDisplayName()
                    + ": KafkaLiteExtension starts one before all tests (static @RegisterExtension field or "
                    + "@KafkaLiteTest) or before each test (instance field)");
        }
        return state;
    }

    /**
     * Whether this extension injects the parameter: {@link KafkaCluster}, {@code KafkaLite}, {@link TestTopic},
     * {@code Admin}, {@code AdminClient}, {@code Producer}, {@code KafkaProducer}, {@code Consumer} or
     * {@code KafkaConsumer}.
     *
     * @param parameterContext the parameter
     * @param extensionContext the test's (or class's) context
     * @return true for the types above
     */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        boolean supported = type == KafkaCluster.class || type == KafkaLite.class || type == TestTopic.class
                || InjectedClients.supports(type);
        if (!supported && parameterContext.isAnnotated(ClientProperties.class)) {
            throw new ParameterResolutionException("@ClientProperties on " + InjectedClients.describe(parameterContext)
                    + ": it applies to Producer, KafkaProducer, Consumer, KafkaConsumer, Admin and AdminClient parameters");
        }
        if (type != TestTopic.class && (parameterContext.isAnnotated(TopicPartitions.class)
                || parameterContext.isAnnotated(TopicConfig.class) || parameterContext.isAnnotated(TopicConfigs.class))) {
            throw new ParameterResolutionException("@TopicPartitions and @TopicConfig on "
                    + InjectedClients.describe(parameterContext) + ": they apply to TestTopic parameters; "
                    + "for a declared topic use @Topic(name = ..., configs = @TopicConfig(...)) on the class");
        }
        return supported;
    }

    /**
     * Creates (or finds) the parameter's value; clients and topics are closed or deleted when their test ends.
     *
     * @param parameterContext the parameter
     * @param extensionContext the test's (or class's) context
     * @return the value to inject
     */
    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        ClassState state = state(extensionContext);
        Class<?> type = parameterContext.getParameter().getType();
        if (type == KafkaCluster.class) {
            return state.cluster;
        }
        if (type == KafkaLite.class) {
            if (!state.cluster.isEmbedded()) {
                throw new ParameterResolutionException(InjectedClients.describe(parameterContext) + " asks for the "
                        + "embedded broker, but the tests run against the external cluster " + state.cluster
                        + "; ask for KafkaCluster to run on both");
            }
            return state.cluster.broker();
        }
        if (type == TestTopic.class) {
            String owner = extensionContext.getTestMethod().isPresent()
                    ? extensionContext.getStore(NAMESPACE).get("test-owner", String.class)
                    : state.classOwner;
            return OwnTopic.resolve(parameterContext, extensionContext, state.reset, owner);
        }
        // unique per invocation, so that parallel or repeated runs of one method never share a group
        String groupId = extensionContext.getRequiredTestClass().getSimpleName() + "."
                + parameterContext.getDeclaringExecutable().getName() + "-" + parameterContext.getIndex() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        return InjectedClients.create(parameterContext, state.cluster, groupId, extensionContext.getStore(NAMESPACE));
    }

    /**
     * Attaches what the cluster held (as far as this run declared or created it) to a test's failure.
     *
     * @param context the failed test's context
     * @param throwable its failure, rethrown
     * @throws Throwable always {@code throwable}
     */
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        ClassState state = context.getStore(NAMESPACE).get(CLASS_STATE, ClassState.class);
        if (state != null) {
            // the snapshot's own clients must get through: report the faults, then lift them and any pause
            state.cluster.embeddedBroker().ifPresent(broker -> throwable.addSuppressed(TestControl.reportAndRestore(broker)));
            throwable.addSuppressed(BrokerSnapshot.of(state.cluster));
        }
        throw throwable;
    }

    /** What a test class asked for. */
    private record Configuration(List<TopicSpec> topics, Map<String, String> brokerConfig, boolean reset,
                                 boolean shared, ClusterSecurity security, boolean manualClock) {
    }

    /** The cluster of a class and how its tests reset it; closing it (with the class's store) ends the class. */
    private static final class ClassState implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        private final ClusterResource cluster;
        private final StateReset reset;
        private final String classOwner;
        private final boolean resetBeforeEachTest;
        private final Class<?> testClass;

        ClassState(ClusterResource cluster, StateReset reset, String classOwner, boolean resetBeforeEachTest,
                   Class<?> testClass) {
            this.cluster = cluster;
            this.reset = reset;
            this.classOwner = classOwner;
            this.resetBeforeEachTest = resetBeforeEachTest;
            this.testClass = testClass;
            RUNNING_CLASSES.put(testClass, cluster);
        }

        @Override
        public void close() {
            RUNNING_CLASSES.remove(testClass, cluster);
            reset.classEnded();
        }
    }

    /** A running test; closed (last of the test's resources) when the test is over. */
    private record TestLease(StateReset reset, String testOwner)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            reset.afterTest(testOwner);
        }
    }

    /** Programmatic configuration for {@code @RegisterExtension}. */
    public static final class Builder {
        private final List<TopicSpec> topics = new ArrayList<>();
        private final Map<String, String> brokerConfig = new LinkedHashMap<>();
        private boolean resetBetweenTests = true;
        private boolean shared;
        private String sasl = "";
        private boolean tls;
        private final List<String> users = new ArrayList<>();
        private final List<String> acls = new ArrayList<>();
        private boolean manualClock;

        private Builder() {
        }

        /**
         * A SASL mechanism the broker requires; see {@link KafkaLiteTest#sasl()}.
         *
         * @param mechanism e.g. {@code PLAIN} or {@code SCRAM-SHA-256}
         * @return this builder
         */
        public Builder sasl(String mechanism) {
            this.sasl = mechanism;
            return this;
        }

        /**
         * TLS with a generated certificate; see {@link KafkaLiteTest#tls()}.
         *
         * @param tls true for TLS
         * @return this builder
         */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /**
         * A user who can log in (see {@link KafkaUser}); the password may be empty over TLS alone or OAUTHBEARER.
         *
         * @param name the user's name
         * @param password the user's password
         * @return this builder
         */
        public Builder user(String name, String password) {
            users.add(name + ":" + password);
            return this;
        }

        /**
         * An ACL in {@link KafkaLiteTest#acls()} notation, e.g. {@code "ALLOW User:alice READ TOPIC orders"}.
         *
         * @param acl the ACL
         * @return this builder
         */
        public Builder acl(String acl) {
            acls.add(acl);
            return this;
        }

        /**
         * Runs the broker on a clock that only moves when the test calls {@link KafkaCluster#advanceClock}, so
         * session timeouts, retention and delayed responses happen at once instead of after real waits.
         *
         * @return this builder
         */
        public Builder manualClock() {
            this.manualClock = true;
            return this;
        }

        /**
         * Declares a topic: created before the first test and emptied before each test.
         *
         * @param name the topic's name
         * @param partitions its partition count
         * @return this builder
         */
        public Builder topic(String name, int partitions) {
            return topic(name, partitions, Map.of());
        }

        /**
         * Declares a topic with topic configs (values are taken as they are, commas included).
         *
         * @param name the topic's name
         * @param partitions its partition count
         * @param configs topic configs by Kafka name
         * @return this builder
         */
        public Builder topic(String name, int partitions, Map<String, String> configs) {
            topics.add(TopicSpec.parse(name + ":" + partitions, "KafkaLiteExtension.builder()")
                    .withConfigs(configs));
            return this;
        }

        /**
         * Declares topics in {@link KafkaLiteTest#topics()} notation, e.g. {@code "orders:3:cleanup.policy=compact"}.
         *
         * @param specs the topics
         * @return this builder
         */
        public Builder topics(String... specs) {
            Arrays.stream(specs).forEach(s -> topics.add(TopicSpec.parse(s, "KafkaLiteExtension.builder()")));
            return this;
        }

        /**
         * Sets a config of the embedded broker (ignored, with a warning, on an external cluster).
         *
         * @param name the config's Kafka name
         * @param value its value
         * @return this builder
         */
        public Builder brokerConfig(String name, String value) {
            brokerConfig.put(name, value);
            return this;
        }

        /**
         * Whether each test starts from the declared state, see {@link KafkaLiteTest#resetBetweenTests()}.
         *
         * @param reset false to keep records, topics and groups from test to test
         * @return this builder
         */
        public Builder resetBetweenTests(boolean reset) {
            this.resetBetweenTests = reset;
            return this;
        }

        /**
         * Whether to share one broker with other shared classes, see {@link KafkaLiteTest#shared()}.
         *
         * @param shared true to share
         * @return this builder
         */
        public Builder shared(boolean shared) {
            this.shared = shared;
            return this;
        }

        /**
         * Builds the extension.
         *
         * @return the extension, for a {@code @RegisterExtension} field
         */
        public KafkaLiteExtension build() {
            return new KafkaLiteExtension(new Configuration(List.copyOf(topics), Map.copyOf(brokerConfig),
                    resetBetweenTests, shared, ClusterSecurity.of(sasl, tls, users, acls, "KafkaLiteExtension.builder()"),
                    manualClock));
        }
    }
}
