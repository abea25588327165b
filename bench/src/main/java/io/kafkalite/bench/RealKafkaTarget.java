package io.kafkalite.bench;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.network.ListenerName;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** Apache Kafka's own broker (KRaft, combined mode) in this JVM, as spring-kafka-test's users run it. */
final class RealKafkaTarget implements Target {

    private final Map<String, String> configs;
    private EmbeddedKafkaKraftBroker broker;

    RealKafkaTarget(Map<String, String> configs) {
        this.configs = configs;
    }

    @Override
    public void start() {
        Map<String, String> properties = new HashMap<>();
        properties.put("group.initial.rebalance.delay.ms", "0");
        // one node: the transaction state topic must fit on it, as spring-kafka's docs tell transactional tests
        properties.put("transaction.state.log.replication.factor", "1");
        properties.put("transaction.state.log.min.isr", "1");
        properties.putAll(configs);
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        // one node: the share coordinator's state topic must fit on it too (share groups, KIP-932)
        properties.putIfAbsent("share.coordinator.state.topic.replication.factor", "1");
        properties.putIfAbsent("share.coordinator.state.topic.min.isr", "1");
        broker.brokerProperties(properties);
        broker.afterPropertiesSet();
    }

    @Override
    public String bootstrapServers() {
        return broker.getBrokersAsString();
    }

    @Override
    public String bootstrapServers(String listenerName) {
        // the test kit advertises localhost on every listener; port 0 listeners are bound at start
        return "localhost:" + broker.getCluster().brokers().values().iterator().next()
                .boundPort(ListenerName.normalised(listenerName));
    }

    @Override
    public Map<String, String> generatedTrustSettings() {
        return Map.of(); // Kafka's broker needs a keystore of its own
    }

    @Override
    public void close() {
        broker.destroy();
    }
}
