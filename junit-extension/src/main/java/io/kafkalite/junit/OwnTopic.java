package io.kafkalite.junit;

import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.util.Locale;
import java.util.UUID;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.commons.support.AnnotationSupport;

/** A {@link TestTopic}: created when first resolved, deleted when JUnit closes the store of its test (or class). */
final class OwnTopic implements TestTopic, ExtensionContext.Store.CloseableResource, AutoCloseable {

    /** Kafka allows 249 characters; leave room for the suffix. */
    private static final int MAX_PREFIX = 200;

    private final StateReset reset;
    private final String owner;
    private final TopicSpec spec;
    private final boolean annotated;
    private boolean deleted;

    private OwnTopic(StateReset reset, String owner, TopicSpec spec, boolean annotated) {
        this.reset = reset;
        this.owner = owner;
        this.spec = spec;
        this.annotated = annotated;
    }

    /**
     * The topic for a {@code TestTopic} parameter: the n-th such parameter of a test and of its lifecycle methods is
     * one topic, kept in the store of the test (or of the class, for constructor and {@code @BeforeAll} parameters).
     */
    static OwnTopic resolve(ParameterContext parameterContext, ExtensionContext context, StateReset reset,
                            String owner) {
        int ordinal = ordinal(parameterContext);
        boolean classLevel = context.getTestMethod().isEmpty();
        String key = (classLevel ? "class-topic-" : "test-topic-") + ordinal;
        TopicSpec wanted = spec(parameterContext, context, ordinal);
        boolean annotated = parameterContext.isAnnotated(TopicPartitions.class)
                || parameterContext.isAnnotated(TopicConfig.class) || parameterContext.isAnnotated(TopicConfigs.class);
        ExtensionContext.Store store = context.getStore(ExtensionContext.Namespace.create(OwnTopic.class,
                context.getUniqueId()));
        OwnTopic topic = store.getOrComputeIfAbsent(key, k -> {
            reset.createOwnTopic(owner, wanted);
            return new OwnTopic(reset, owner, wanted, annotated);
        }, OwnTopic.class);
        if (annotated && topic.annotated && !sameShape(topic.spec, wanted)) {
            throw new ParameterResolutionException(InjectedClients.describe(parameterContext) + " asks for "
                    + wanted.partitions() + " partition(s) and configs " + wanted.configs() + ", but TestTopic number "
                    + ordinal + " of this test was created already with " + topic.spec.partitions()
                    + " partition(s) and configs " + topic.spec.configs() + "; annotate it in one place only");
        }
        return topic;
    }

    private static boolean sameShape(TopicSpec a, TopicSpec b) {
        return a.partitions() == b.partitions() && a.configs().equals(b.configs());
    }

    private static int ordinal(ParameterContext parameterContext) {
        Parameter[] parameters = parameterContext.getDeclaringExecutable().getParameters();
        int ordinal = 0;
        for (int i = 0; i < parameterContext.getIndex(); i++) {
            if (parameters[i].getType() == TestTopic.class) {
                ordinal++;
            }
        }
        return ordinal;
    }

    private static TopicSpec spec(ParameterContext parameterContext, ExtensionContext context, int ordinal) {
        int partitions = parameterContext.findAnnotation(TopicPartitions.class).map(TopicPartitions::value).orElse(1);
        TopicConfig[] configs = AnnotationSupport.findRepeatableAnnotations(parameterContext.getParameter(),
                TopicConfig.class).toArray(TopicConfig[]::new);
        return TopicSpec.of(name(context, ordinal), partitions, configs, InjectedClients.describe(parameterContext));
    }

    /** {@code Class-method-ordinal-random}: legal in Kafka, and without '.' or '_', which Kafka treats as one. */
    private static String name(ExtensionContext context, int ordinal) {
        String test = context.getRequiredTestClass().getSimpleName()
                + context.getTestMethod().map(Executable::getName).map(m -> "-" + m).orElse("");
        String prefix = test.replaceAll("[^A-Za-z0-9-]", "-");
        if (prefix.length() > MAX_PREFIX) {
            prefix = prefix.substring(0, MAX_PREFIX);
        }
        return prefix + "-" + ordinal + "-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public int partitions() {
        return spec.partitions();
    }

    @Override
    public synchronized void close() {
        if (!deleted) {
            deleted = true;
            reset.deleteOwnTopic(owner, spec.name());
        }
    }

    @Override
    public String toString() {
        return spec.name();
    }
}
