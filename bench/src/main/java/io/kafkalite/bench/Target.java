package io.kafkalite.bench;

import java.util.Map;

/** A broker started and stopped inside the current JVM, the same way for Kafkalite and the real Kafka broker. */
interface Target extends AutoCloseable {

    /** Starts the broker; returns when it accepts connections. */
    void start();

    /** {@code host:port} of the broker's default (plaintext) listener. */
    String bootstrapServers();

    /** {@code host:port} of the listener of this name, e.g. {@code SASL_SSL}. */
    String bootstrapServers(String listenerName);

    /** Settings a client needs to trust certificates the broker generated itself; empty when it generated none. */
    Map<String, String> generatedTrustSettings();

    @Override
    void close();
}
