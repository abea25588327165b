package io.kafkalite.bench.storage;

import java.util.Map;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Apache Kafka's broker (KRaft, combined mode, through spring-kafka-test) as a process of its own, for
 * {@link BrokerProcess}: prints {@value #READY} and its bootstrap address, and runs until it is stopped (SIGTERM)
 * or killed.
 */
public final class KafkaBrokerMain {

    static final String READY = "Kafka ready at ";

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(Map.of("group.initial.rebalance.delay.ms", "0"));
        broker.afterPropertiesSet();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy));
        System.out.println(READY + broker.getBrokersAsString());
        System.out.flush();
        Thread.currentThread().join();
    }
}
