package io.kafkalite.bench;

import java.nio.file.Path;
import java.util.Map;

/** The brokers compared: each knows how to start itself inside a JVM ({@link Target}). */
enum Broker {
    KAFKALITE("kafkalite"),
    KAFKA("kafka");

    private final String label;

    Broker(String label) {
        this.label = label;
    }

    /** Name in the table, the JSON and on command lines. */
    String label() {
        return label;
    }

    static Broker of(String label) {
        for (Broker broker : values()) {
            if (broker.label.equals(label)) {
                return broker;
            }
        }
        throw new IllegalArgumentException("unknown broker '" + label + "' (kafkalite or kafka)");
    }

    /** A broker of this kind in the current JVM; {@code dataDirectory} may be null (a temporary one). */
    Target target(Path dataDirectory, Map<String, String> configs) {
        return switch (this) {
            case KAFKALITE -> new KafkaliteTarget(dataDirectory, configs);
            case KAFKA -> {
                if (dataDirectory != null) {
                    throw new IllegalArgumentException("the Kafka target keeps its data in a directory of its own");
                }
                yield new RealKafkaTarget(configs);
            }
        };
    }

    /** A broker in the current JVM with its defaults. */
    Target target() {
        return target(null, Map.of());
    }
}
