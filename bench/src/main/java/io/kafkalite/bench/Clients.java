package io.kafkalite.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Default-configured kafka-clients, as a test suite would create them. */
final class Clients {

    private Clients() {
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap, Map<String, Object> extra) {
        return io.kafkalite.testsupport.Clients.bytesProducer(bootstrap, extra);
    }

    /**
     * Auto-commit as in a default-configured consumer: on in a group (the shared helper turns it off), off without
     * one (kafka-clients refuses {@code enable.auto.commit=true} without a group id).
     */
    static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, Map<String, Object> extra) {
        // a group's consumer commits as an application's would; one without a group cannot
        Map<String, Object> config = new HashMap<>(Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                extra.containsKey(ConsumerConfig.GROUP_ID_CONFIG)));
        config.putAll(extra);
        return io.kafkalite.testsupport.Clients.bytesConsumer(bootstrap, config);
    }

    static Admin admin(String bootstrap) {
        return io.kafkalite.testsupport.Clients.admin(bootstrap);
    }

    /** An Admin client with extra settings (a secure listener's). */
    static Admin admin(String bootstrap, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(extra);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(config);
    }

    static void createTopic(Admin admin, String name, int partitions) {
        createTopics(admin, List.of(new NewTopic(name, partitions, (short) 1)));
    }

    /**
     * Creates topics and waits until every partition has a leader: the real broker acknowledges creation before
     * its partitions can take writes, and an idempotent producer that starts too early can get stuck on
     * OUT_OF_ORDER_SEQUENCE_NUMBER retries. Test suites wait the same way (spring-kafka-test does).
     */
    static void createTopics(Admin admin, List<NewTopic> topics) {
        try {
            admin.createTopics(topics).all().get();
            List<String> names = topics.stream().map(NewTopic::name).toList();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!allLed(admin, names)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("partitions of " + names + " have no leader after 60 s");
                }
                Thread.sleep(10);
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("topic creation failed", e);
        }
    }

    /**
     * Writes one empty record to each partition with a plain (non-idempotent) producer, retrying until it lands.
     * The real broker can report a leader before its replica manager takes writes; an idempotent producer that
     * hits that window may never recover (OUT_OF_ORDER_SEQUENCE_NUMBER loop), which would wreck a measurement.
     */
    static void awaitWritable(String bootstrap, String topic, int partitions) {
        awaitWritable(bootstrap, topic, partitions, Map.of());
    }

    /** {@link #awaitWritable(String, String, int)} with extra producer settings (a secure listener's). */
    static void awaitWritable(String bootstrap, String topic, int partitions, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(extra);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        config.put(ProducerConfig.ACKS_CONFIG, "1");
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, config)) {
            for (int p = 0; p < partitions; p++) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, p, null, new byte[0])).get();
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("topic " + topic + " does not take writes", e);
        }
    }

    private static boolean allLed(Admin admin, List<String> names) throws InterruptedException {
        try {
            return admin.describeTopics(names).allTopicNames().get().values().stream()
                    .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        } catch (ExecutionException e) {
            return false; // not visible yet
        }
    }

    /** Polls until {@code count} records arrived or the deadline passed; returns how many arrived. */
    static long drain(KafkaConsumer<byte[], byte[]> consumer, long count, Duration timeout) {
        long received = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received < count && System.nanoTime() < deadline) {
            received += consumer.poll(Duration.ofMillis(100)).count();
        }
        return received;
    }

    static List<String> names(String prefix, int count) {
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add(prefix + i);
        }
        return names;
    }
}
