package io.kafkalite.junit;

import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;

/** Creates the Kafka clients a test asks for as parameters; each is closed when its test (or class) ends. */
final class InjectedClients {

    private static final Set<Class<?>> PRODUCERS = Set.of(Producer.class, KafkaProducer.class);
    private static final Set<Class<?>> CONSUMERS = Set.of(Consumer.class, KafkaConsumer.class);
    private static final Set<Class<?>> ADMINS = Set.of(Admin.class, AdminClient.class);

    private InjectedClients() {
    }

    static boolean supports(Class<?> type) {
        return PRODUCERS.contains(type) || CONSUMERS.contains(type) || ADMINS.contains(type);
    }

    /**
     * @param groupId the group id a consumer gets unless {@link ClientProperties} names one
     */
    static Object create(ParameterContext parameterContext, ClusterResource cluster, String groupId,
                         ExtensionContext.Store store) {
        Parameter parameter = parameterContext.getParameter();
        Class<?> type = parameter.getType();
        Map<String, Object> config = parameterContext.findAnnotation(KafkaUser.class)
                .map(user -> cluster.clientConfig(user.value())).orElseGet(cluster::clientConfig);
        AutoCloseable client;
        if (ADMINS.contains(type)) {
            config.putAll(properties(parameterContext));
            client = Admin.create(config);
        } else {
            Class<?>[] keyAndValue = keyAndValueTypes(parameterContext);
            if (PRODUCERS.contains(type)) {
                config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, Serdes.serializer(keyAndValue[0]));
                config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, Serdes.serializer(keyAndValue[1]));
                config.putAll(properties(parameterContext));
                client = new KafkaProducer<>(config);
            } else {
                config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, Serdes.deserializerClass(keyAndValue[0]));
                config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, Serdes.deserializerClass(keyAndValue[1]));
                config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
                config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
                config.putAll(properties(parameterContext));
                client = new KafkaConsumer<>(config);
            }
        }
        store.put(new Object(), new ClosingResource(client));
        return client;
    }

    private static Map<String, String> properties(ParameterContext parameterContext) {
        return parameterContext.findAnnotation(ClientProperties.class)
                .map(p -> Settings.parse(p.value(), "@ClientProperties on " + describe(parameterContext)))
                .orElse(Map.of());
    }

    private static Class<?>[] keyAndValueTypes(ParameterContext parameterContext) {
        Type type = parameterContext.getParameter().getParameterizedType();
        String name = parameterContext.getParameter().getType().getSimpleName();
        if (!(type instanceof ParameterizedType parameterized)) {
            throw new ParameterResolutionException(describe(parameterContext) + " needs key and value types, e.g. "
                    + name + "<String, String>; supported types: " + Serdes.SUPPORTED);
        }
        Type[] arguments = parameterized.getActualTypeArguments();
        Class<?>[] classes = new Class<?>[2];
        for (int i = 0; i < 2; i++) {
            if (!(arguments[i] instanceof Class<?> c) || !Serdes.supports(c)) {
                throw new ParameterResolutionException(describe(parameterContext) + " has " + (i == 0 ? "key" : "value")
                        + " type " + arguments[i].getTypeName() + ", which Kafkalite cannot (de)serialise for you; "
                        + "use one of " + Serdes.SUPPORTED + ", or create the client yourself from KafkaCluster.clientConfig()");
            }
            classes[i] = c;
        }
        return classes;
    }

    static String describe(ParameterContext parameterContext) {
        Parameter parameter = parameterContext.getParameter();
        return "parameter " + parameterContext.getIndex() + " (" + parameter.getParameterizedType().getTypeName()
                + ") of " + parameterContext.getDeclaringExecutable().getName();
    }

    /** Closes an injected client when JUnit closes the store it lives in. */
    private static final class ClosingResource implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        private final AutoCloseable client;
        private boolean closed;

        ClosingResource(AutoCloseable client) {
            this.client = client;
        }

        @Override
        public synchronized void close() throws Exception {
            if (closed) {
                return;
            }
            closed = true;
            if (client instanceof KafkaConsumer<?, ?> consumer) {
                consumer.close(Duration.ofSeconds(5));
            } else if (client instanceof KafkaProducer<?, ?> producer) {
                producer.close(Duration.ofSeconds(5));
            } else {
                client.close();
            }
        }
    }
}
