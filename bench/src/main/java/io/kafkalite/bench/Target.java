package io.kafkalite.bench;

/** A broker started and stopped inside the current JVM, the same way for Kafkalite and the real Kafka broker. */
interface Target extends AutoCloseable {

    /** Starts the broker; returns when it accepts connections. */
    void start();

    String bootstrapServers();

    @Override
    void close();
}
