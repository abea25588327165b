package io.kafkalite.bench;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

import io.kafkalite.KafkaLite;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Measurements of a broker and its client in one fresh JVM, as a test JVM holds them:
 * {@code Probes cold-start|warm-start|warm-start-tls|embedded-reset kafkalite|kafka}. Prints {@code result key=value...}.
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
            case "warm-start" -> warmStart(broker::target, Target::bootstrapServers, Map.of());
            case "warm-start-tls" -> warmStart(() -> broker.target(null, Map.of("listeners", "SSL://127.0.0.1:0")),
                    target -> target.bootstrapServers("SSL"), Map.of("security.protocol", "SSL"));
            case "embedded-reset" -> embeddedReset();
            default -> throw new IllegalArgumentException("unknown probe " + args[0]);
        };
        System.out.println(ClientMain.resultLine(results));
        System.out.flush();
        System.exit(0);
    }

    /**
     * Fresh JVM: how long start() takes, main() to first acknowledged produce, close time. start() is timed on its
     * own, as a test calls it: what the probe's own classes cost before it is no broker's.
     */
    private static Map<String, Double> coldStart(Broker broker, long t0) throws Exception {
        Target target = broker.target();
        long beforeStart = System.nanoTime();
        target.start();
        long started = System.nanoTime();
        produceOne(target.bootstrapServers());
        long produced = System.nanoTime();
        target.close();
        long closed = System.nanoTime();
        return Map.of("startMs", (started - beforeStart) / 1e6, "firstProduceMs", (produced - t0) / 1e6,
                "closeMs", (closed - produced) / 1e6);
    }

    /**
     * One broker and producer to load the classes, then further brokers in this JVM: medians of 10 starts. The
     * producer connects to {@code listener}'s address with {@code clientConfigs} and whatever the broker generated for
     * its clients to trust (a TLS listener's CA).
     */
    private static Map<String, Double> warmStart(Supplier<Target> targets, Function<Target, String> listener,
                                                 Map<String, Object> clientConfigs) throws Exception {
        try (Target first = targets.get()) {
            first.start();
            produceOne(first, listener, clientConfigs);
        }
        Samples start = new Samples();
        Samples toProduce = new Samples();
        for (int i = 0; i < 10; i++) {
            long t0 = System.nanoTime();
            try (Target target = targets.get()) {
                target.start();
                start.add((System.nanoTime() - t0) / 1e6);
                produceOne(target, listener, clientConfigs);
                toProduce.add((System.nanoTime() - t0) / 1e6);
            }
        }
        return Map.of("startMs", start.median(), "toProduceMs", toProduce.median());
    }

    /**
     * The JUnit extension's reset on its embedded broker (one step on the broker loop, {@code KafkaLite.reset}),
     * between "tests" that write a record to each partition of 5 declared topics x 6 partitions and commit an offset.
     */
    private static Map<String, Double> embeddedReset() throws Exception {
        Map<String, KafkaLite.TopicSpec> declared = new LinkedHashMap<>();
        Clients.names("declared-", 5).forEach(name -> declared.put(name, new KafkaLite.TopicSpec(6, Map.of())));
        try (KafkaLite broker = KafkaLite.builder().start();
             Admin admin = Clients.admin(broker.bootstrapServers());
             KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(),
                     Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false))) {
            broker.reset(declared);
            Samples reset = new Samples();
            for (int i = 0; i < 20; i++) {
                Workloads.writeOneEach(producer, List.copyOf(declared.keySet()), 6);
                admin.alterConsumerGroupOffsets("test-group", Map.of(new TopicPartition("declared-0", 0),
                        new OffsetAndMetadata(1))).all().get();
                long start = System.nanoTime();
                broker.reset(declared, topic -> false, group -> false);
                if (i >= 5) {
                    reset.add((System.nanoTime() - start) / 1e6);
                }
            }
            return Map.of("resetMs", reset.median());
        }
    }

    private static void produceOne(Target target, Function<Target, String> listener, Map<String, Object> clientConfigs)
            throws Exception {
        Map<String, Object> configs = new HashMap<>(clientConfigs);
        configs.putAll(target.generatedTrustSettings());
        produceOne(listener.apply(target), configs);
    }

    private static void produceOne(String bootstrap) throws Exception {
        produceOne(bootstrap, Map.of());
    }

    private static void produceOne(String bootstrap, Map<String, Object> configs) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, configs)) {
            producer.send(new ProducerRecord<>("probe-" + UUID.randomUUID(), new byte[10])).get();
        }
    }
}
