package io.kafkalite;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Helpers for tests of consumer groups: group consumers with short timeouts, polling several in turn. */
final class GroupConsumers {

    static final Duration DEADLINE = Duration.ofSeconds(30);

    private GroupConsumers() {
    }

    /** A classic-protocol group consumer with timeouts short enough for tests. */
    static KafkaConsumer<String, String> consumer(String bootstrap, String group, Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 100);
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1000);
        props.putAll(extra);
        return Clients.consumer(bootstrap, props);
    }

    /** Polls every consumer in turn (each for a moment) until {@code done} holds; fails after {@link #DEADLINE}. */
    static void pollUntil(List<? extends KafkaConsumer<String, String>> consumers, BooleanSupplier done, String what) {
        pollUntil(consumers, (c, r) -> { }, done, what);
    }

    static void pollUntil(List<? extends KafkaConsumer<String, String>> consumers, RecordSink sink, BooleanSupplier done,
                          String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting until " + what);
            }
            for (KafkaConsumer<String, String> consumer : consumers) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(50))) {
                    sink.accept(consumer, record);
                }
            }
        }
    }

    static void produce(String bootstrap, String topic, int partitions, int count) throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(bootstrap, Map.of())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, i % partitions, "k" + i, "v" + i)));
            }
            for (java.util.concurrent.Future<?> f : sent) {
                f.get();
            }
        }
    }

    @FunctionalInterface
    interface RecordSink {
        void accept(KafkaConsumer<String, String> consumer, ConsumerRecord<String, String> record);
    }
}
