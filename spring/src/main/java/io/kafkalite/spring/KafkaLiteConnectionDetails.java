package io.kafkalite.spring;

import java.util.Arrays;
import java.util.List;

import org.springframework.boot.autoconfigure.kafka.KafkaConnectionDetails;

/**
 * Spring Boot 3.1+'s connection details for a Kafkalite cluster, as {@code @ServiceConnection} provides them for
 * a container: Boot's Kafka auto-configuration (KafkaTemplate, listener containers, Admin, Kafka Streams) then
 * connects there, whatever the properties say. Loaded only when Boot is on the classpath.
 */
final class KafkaLiteConnectionDetails implements KafkaConnectionDetails {

    private final List<String> bootstrapServers;

    KafkaLiteConnectionDetails(String bootstrapServers) {
        this.bootstrapServers = List.copyOf(Arrays.asList(bootstrapServers.split(",")));
    }

    @Override
    public List<String> getBootstrapServers() {
        return bootstrapServers;
    }
}
