package io.kafkalite.bench;

import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Measurements of a broker and its client in one fresh JVM, as a test JVM holds them:
 * {@code Probes cold-start|warm-start kafkalite|kafka}. Prints {@code result key=value...}.
 */
public final class Probes {

    private Probes() {
    }

    public static void main(String[] args) throws Exception {
        long mainStart = System.nanoTime();
        ChildJvm.exitWithParent();
        Broker broker = Broker.of(args[1]);
        Map<String, Double> results = switch (args[0]) {
            case "cold-start" -> coldStart(broker, mainStart);
            case "warm-start" -> warmStart(broker);
            default -> throw new IllegalArgumentException("unknown probe " + args[0]);
        };
        System.out.println(ClientMain.resultLine(results));
        System.out.flush();
        System.exit(0);
    }

    /** Fresh JVM: start() time, start to first acknowledged produce, close time. */
    private static Map<String, Double> coldStart(Broker broker, long t0) throws Exception {
        Target target = broker.target();
        target.start();
        long started = System.nanoTime();
        produceOne(target.bootstrapServers());
        long produced = System.nanoTime();
        target.close();
        long closed = System.nanoTime();
        return Map.of("startMs", (started - t0) / 1e6, "firstProduceMs", (produced - t0) / 1e6,
                "closeMs", (closed - produced) / 1e6);
    }

    /** One broker and producer to load the classes, then further brokers in this JVM: medians of 10 starts. */
    private static Map<String, Double> warmStart(Broker broker) throws Exception {
        try (Target first = broker.target()) {
            first.start();
            produceOne(first.bootstrapServers());
        }
        Samples start = new Samples();
        Samples toProduce = new Samples();
        for (int i = 0; i < 10; i++) {
            long t0 = System.nanoTime();
            try (Target target = broker.target()) {
                target.start();
                start.add((System.nanoTime() - t0) / 1e6);
                produceOne(target.bootstrapServers());
                toProduce.add((System.nanoTime() - t0) / 1e6);
            }
        }
        return Map.of("startMs", start.median(), "toProduceMs", toProduce.median());
    }

    private static void produceOne(String bootstrap) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            producer.send(new ProducerRecord<>("probe-" + UUID.randomUUID(), new byte[10])).get();
        }
    }
}
