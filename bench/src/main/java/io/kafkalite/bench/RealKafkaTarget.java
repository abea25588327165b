package io.kafkalite.bench;

import java.util.Map;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** Apache Kafka's own broker (KRaft, combined mode) in this JVM, as spring-kafka-test's users run it. */
final class RealKafkaTarget implements Target {

    static final String NAME = "kafka";

    private EmbeddedKafkaKraftBroker broker;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start() {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        // one node: the share coordinator's state topic must be able to have a single replica
        broker.brokerProperties(Map.of("group.initial.rebalance.delay.ms", "0",
                "share.coordinator.state.topic.replication.factor", "1",
                "share.coordinator.state.topic.min.isr", "1"));
        broker.afterPropertiesSet();
    }

    @Override
    public String bootstrapServers() {
        return broker.getBrokersAsString();
    }

    @Override
    public void close() {
        broker.destroy();
    }
}
