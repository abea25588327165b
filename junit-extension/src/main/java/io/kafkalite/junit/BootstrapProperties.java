package io.kafkalite.junit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Publishes the bootstrap address under the system properties frameworks read during a test class, and puts
 * the earlier values back when the class ends. One instance per test run lives in JUnit's root store, so
 * classes running in parallel each withdraw only their own address: the properties then name a cluster that is
 * still running (the newest), and the original values once no class is left. As system properties are
 * JVM-wide, parallel classes should read {@link KafkaCluster#bootstrapServers()} rather than these.
 */
final class BootstrapProperties implements ExtensionContext.Store.CloseableResource, AutoCloseable {

    static final List<String> NAMES = List.of(
            "spring.kafka.bootstrap-servers",
            "spring.embedded.kafka.brokers",
            "kafka.bootstrap.servers");

    private final Map<String, String> original = new HashMap<>();
    private final List<Publication> active = new ArrayList<>();

    private BootstrapProperties() {
        NAMES.forEach(name -> original.put(name, System.getProperty(name)));
    }

    /** Publishes {@code bootstrapServers} until the returned publication is closed (with its store). */
    static Publication publish(ExtensionContext context, String bootstrapServers) {
        BootstrapProperties properties = context.getRoot().getStore(ExtensionContext.Namespace.create(BootstrapProperties.class))
                .getOrComputeIfAbsent(BootstrapProperties.class, key -> new BootstrapProperties(), BootstrapProperties.class);
        return properties.add(bootstrapServers);
    }

    private synchronized Publication add(String bootstrapServers) {
        Publication publication = new Publication(bootstrapServers);
        active.add(publication);
        apply();
        return publication;
    }

    private synchronized void withdraw(Publication publication) {
        if (active.remove(publication)) {
            apply();
        }
    }

    private void apply() {
        for (String name : NAMES) {
            String value = active.isEmpty() ? original.get(name) : active.get(active.size() - 1).bootstrapServers;
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        }
    }

    @Override
    public synchronized void close() {
        active.clear();
        apply();
    }

    /** One class's address, withdrawn when JUnit closes the store holding it. */
    final class Publication implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        private final String bootstrapServers;

        private Publication(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
        }

        @Override
        public void close() {
            withdraw(this);
        }
    }
}
