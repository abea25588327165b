package io.kafkalite.bench;

/** A broker under test: Kafkalite or the real Kafka broker, started and stopped the same way. */
interface Target extends AutoCloseable {

    /** Name for the results table. */
    String name();

    /** Starts the broker; returns when it accepts connections. */
    void start();

    String bootstrapServers();

    @Override
    void close();

    static Target create(String name) {
        return switch (name) {
            case KafkaliteTarget.NAME -> new KafkaliteTarget();
            case RealKafkaTarget.NAME -> new RealKafkaTarget();
            default -> throw new IllegalArgumentException("unknown broker '" + name + "'");
        };
    }
}
