package io.kafkalite.bench;

import io.kafkalite.KafkaLite;

/** Kafkalite embedded, with its defaults. */
final class KafkaliteTarget implements Target {

    static final String NAME = "kafkalite";

    private KafkaLite broker;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start() {
        broker = KafkaLite.start();
    }

    @Override
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    @Override
    public void close() {
        broker.close();
    }
}
