package io.kafkalite.junit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Publishes the bootstrap address under the system properties frameworks read during a test class, and puts
 * the previous values back afterwards. System properties are JVM-wide: with test classes running in parallel
 * the last class to start wins, so parallel tests should read {@link KafkaCluster#bootstrapServers()} instead.
 */
final class BootstrapProperties implements ExtensionContext.Store.CloseableResource, AutoCloseable {

    static final List<String> NAMES = List.of(
            "spring.kafka.bootstrap-servers",
            "spring.embedded.kafka.brokers",
            "kafka.bootstrap.servers");

    private final Map<String, String> previous = new HashMap<>();
    private boolean closed;

    BootstrapProperties(String bootstrapServers) {
        for (String name : NAMES) {
            previous.put(name, System.getProperty(name));
            System.setProperty(name, bootstrapServers);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        previous.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
    }
}
