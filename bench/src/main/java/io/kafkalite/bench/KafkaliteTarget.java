package io.kafkalite.bench;

import java.nio.file.Path;
import java.util.Map;

import io.kafkalite.KafkaLite;

/** Kafkalite embedded, with its defaults unless configs say otherwise. */
final class KafkaliteTarget implements Target {

    private final Path dataDirectory;
    private final Map<String, String> configs;
    private KafkaLite broker;

    KafkaliteTarget(Path dataDirectory, Map<String, String> configs) {
        this.dataDirectory = dataDirectory;
        this.configs = configs;
    }

    @Override
    public void start() {
        KafkaLite.Builder builder = KafkaLite.builder().brokerConfigs(configs);
        if (dataDirectory != null) {
            builder.dataDirectory(dataDirectory);
        }
        broker = builder.start();
    }

    @Override
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    @Override
    public String bootstrapServers(String listenerName) {
        return broker.bootstrapServers(listenerName);
    }

    @Override
    public Map<String, String> generatedTrustSettings() {
        return broker.hasGeneratedCertificates() ? broker.certificates().clientTrustSettings() : Map.of();
    }

    @Override
    public void close() {
        broker.close();
    }
}
