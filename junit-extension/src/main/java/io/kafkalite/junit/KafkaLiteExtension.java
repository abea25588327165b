package io.kafkalite.junit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

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
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.platform.commons.support.AnnotationSupport;

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

    private static final Namespace NAMESPACE = Namespace.create(KafkaLiteExtension.class);
    private static final String CLASS_STATE = "class-state";

    /** Set when registered through the builder; null when registered by {@link KafkaLiteTest}. */
    private final Configuration programmatic;

    /** Used by {@link KafkaLiteTest}; prefer {@link #builder()} for programmatic registration. */
    public KafkaLiteExtension() {
        this(null);
    }

    private KafkaLiteExtension(Configuration programmatic) {
        this.programmatic = programmatic;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put(CLASS_STATE, start(context, configuration(context)));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        TestState state = context.getStore(NAMESPACE).get(CLASS_STATE, TestState.class);
        if (state == null) {
            // registered on an instance field: a broker for this test alone
            context.getStore(NAMESPACE).put(CLASS_STATE, start(context, configuration(context)));
            return;
        }
        state.beforeTest();
    }

    /** Removes the test's fault rules and brings a paused or stopped broker back, before its clients close. */
    @Override
    public void afterEach(ExtensionContext context) {
        TestState state = context.getStore(NAMESPACE).get(CLASS_STATE, TestState.class);
        if (state != null) {
            state.cluster.embeddedBroker().ifPresent(TestControl::restore);
        }
    }

    private Configuration configuration(ExtensionContext context) {
        Optional<KafkaLiteTest> annotation = context.getTestClass()
                .flatMap(c -> AnnotationSupport.findAnnotation(c, KafkaLiteTest.class));
        if (programmatic != null) {
            if (annotation.isPresent()) {
                throw new ExtensionConfigurationException(context.getRequiredTestClass().getName()
                        + " uses both @KafkaLiteTest and a @RegisterExtension KafkaLiteExtension; keep one of them");
            }
            return programmatic;
        }
        KafkaLiteTest test = annotation.orElseThrow(() -> new ExtensionConfigurationException(
                "KafkaLiteExtension was registered with @ExtendWith but without @KafkaLiteTest; annotate the class "
                        + "with @KafkaLiteTest or register KafkaLiteExtension.builder()...build() with @RegisterExtension"));
        String origin = "@KafkaLiteTest on " + context.getRequiredTestClass().getSimpleName();
        List<TopicSpec> topics = new ArrayList<>();
        for (String spec : test.topics()) {
            topics.add(TopicSpec.parse(spec, origin));
        }
        ClusterSecurity security = ClusterSecurity.of(test.sasl(), test.tls(), List.of(test.users()), List.of(test.acls()),
                origin);
        return new Configuration(topics, Settings.parse(test.brokerConfig(), origin), test.resetBetweenTests(),
                test.shared(), security, test.manualClock());
    }

    private static TestState start(ExtensionContext context, Configuration configuration) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        ClusterResource cluster = externalBootstrap()
                .map(ClusterResource::external)
                .orElse(null);
        if (cluster == null) {
            cluster = configuration.shared()
                    ? context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(
                            "shared-broker " + new TreeMap<>(configuration.brokerConfig()) + " " + configuration.security()
                                    + (configuration.manualClock() ? " manual clock" : ""),
                            key -> startBroker(configuration), ClusterResource.class)
                    : store.getOrComputeIfAbsent("broker", key -> startBroker(configuration), ClusterResource.class);
        } else {
            store.put("external", cluster);
        }
        store.put("bootstrap-properties", BootstrapProperties.publish(context, cluster.bootstrapServers()));
        return new TestState(cluster, StateReset.prepare(cluster, configuration.topics()), configuration.reset());
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

    private static TestState state(ExtensionContext context) {
        TestState state = context.getStore(NAMESPACE).get(CLASS_STATE, TestState.class);
        if (state == null) {
            throw new ParameterResolutionException("No Kafka cluster is running for " + context.getDisplayName()
                    + ": KafkaLiteExtension starts one before all tests (static @RegisterExtension field or "
                    + "@KafkaLiteTest) or before each test (instance field)");
        }
        return state;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        boolean supported = type == KafkaCluster.class || type == KafkaLite.class || InjectedClients.supports(type);
        if (!supported && parameterContext.isAnnotated(ClientProperties.class)) {
            throw new ParameterResolutionException("@ClientProperties on " + InjectedClients.describe(parameterContext)
                    + ": it applies to Producer, KafkaProducer, Consumer, KafkaConsumer, Admin and AdminClient parameters");
        }
        return supported;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        TestState state = state(extensionContext);
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
        String groupId = extensionContext.getRequiredTestClass().getSimpleName() + "."
                + parameterContext.getDeclaringExecutable().getName() + "-" + parameterContext.getIndex();
        return InjectedClients.create(parameterContext, state.cluster, groupId, extensionContext.getStore(NAMESPACE));
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        TestState state = context.getStore(NAMESPACE).get(CLASS_STATE, TestState.class);
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

    /** The cluster of a class and whether its next test needs a reset. */
    private static final class TestState {
        private final ClusterResource cluster;
        private final StateReset reset;
        private final boolean resetBetweenTests;
        private boolean used;

        TestState(ClusterResource cluster, StateReset reset, boolean resetBetweenTests) {
            this.cluster = cluster;
            this.reset = reset;
            this.resetBetweenTests = resetBetweenTests;
        }

        synchronized void beforeTest() {
            if (used && resetBetweenTests) {
                reset.reset();
            }
            used = true;
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

        /** A SASL mechanism the broker requires; see {@link KafkaLiteTest#sasl()}. */
        public Builder sasl(String mechanism) {
            this.sasl = mechanism;
            return this;
        }

        /** TLS with a generated certificate; see {@link KafkaLiteTest#tls()}. */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /** A user who can log in (see {@link KafkaUser}); the password may be empty over TLS alone or OAUTHBEARER. */
        public Builder user(String name, String password) {
            users.add(name + ":" + password);
            return this;
        }

        /** An ACL in {@link KafkaLiteTest#acls()} notation, e.g. {@code "ALLOW User:alice READ TOPIC orders"}. */
        public Builder acl(String acl) {
            acls.add(acl);
            return this;
        }

        /** A topic created before the first test and recreated empty before each test. */
        public Builder topic(String name, int partitions) {
            return topic(name, partitions, Map.of());
        }

        public Builder topic(String name, int partitions, Map<String, String> configs) {
            topics.add(TopicSpec.parse(name + ":" + partitions, "KafkaLiteExtension.builder()")
                    .withConfigs(configs));
            return this;
        }

        /** Topics in {@link KafkaLiteTest#topics()} notation, e.g. {@code "orders:3:cleanup.policy=compact"}. */
        public Builder topics(String... specs) {
            Arrays.stream(specs).forEach(s -> topics.add(TopicSpec.parse(s, "KafkaLiteExtension.builder()")));
            return this;
        }

        public Builder brokerConfig(String name, String value) {
            brokerConfig.put(name, value);
            return this;
        }

        public Builder resetBetweenTests(boolean reset) {
            this.resetBetweenTests = reset;
            return this;
        }

        public Builder shared(boolean shared) {
            this.shared = shared;
            return this;
        }

        /**
         * Runs the broker on a clock that only moves when the test calls {@link KafkaCluster#advanceClock}, so
         * session timeouts, retention and delayed responses happen at once instead of after real waits.
         */
        public Builder manualClock() {
            this.manualClock = true;
            return this;
        }

        public KafkaLiteExtension build() {
            return new KafkaLiteExtension(new Configuration(List.copyOf(topics), Map.copyOf(brokerConfig),
                    resetBetweenTests, shared, ClusterSecurity.of(sasl, tls, users, acls, "KafkaLiteExtension.builder()"),
                    manualClock));
        }
    }
}
