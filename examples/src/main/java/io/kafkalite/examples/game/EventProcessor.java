package io.kafkalite.examples.game;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One event-processing instance: a member of the {@value #GROUP} consumer group reading game events, flagging
 * suspicious trades to the alerts topic. Run several for load sharing; if one dies, the group gives its players
 * to the others, which continue from the last committed offset. {@code clientConfig} holds the connection
 * settings and any overrides (e.g. a shorter {@code max.poll.interval.ms}).
 */
public final class EventProcessor implements Runnable, AutoCloseable {

    public static final String EVENTS = "game-events";
    public static final String ALERTS = "alerts";
    public static final String GROUP = "fraud-detection";

    private final KafkaConsumer<String, String> consumer;
    private final KafkaProducer<String, String> producer;
    private final FraudDetector detector = new FraudDetector();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean hung = new AtomicBoolean();

    public EventProcessor(Map<String, Object> clientConfig, String instanceName) {
        Map<String, Object> consumerConfig = new HashMap<>(clientConfig);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, instanceName);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        this.consumer = new KafkaConsumer<>(consumerConfig);
        Map<String, Object> producerConfig = new HashMap<>(clientConfig);
        producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        this.producer = new KafkaProducer<>(producerConfig);
    }

    @Override
    public void run() {
        consumer.subscribe(List.of(EVENTS));
        try {
            while (running.get() && !hung.get()) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    Optional<String> reason = detector.onEvent(record.key(), GameEvent.decode(record.value()));
                    reason.ifPresent(r -> producer.send(new ProducerRecord<>(ALERTS, record.key(),
                            record.value() + " flagged: " + r)));
                }
                producer.flush();
                commit();
            }
        } finally {
            if (!hung.get()) {
                closeClients();
            }
        }
    }

    /**
     * At least once: alerts are out before the offsets move. A commit refused because the group moved on (this
     * instance was expelled, or a rebalance is under way) is not fatal: the next poll rejoins, and the records since
     * the last commit are processed again by whoever owns them now.
     */
    private void commit() {
        try {
            consumer.commitSync();
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // the group rebalanced under us; see above
        }
    }

    /**
     * Simulates a hung instance: it stops polling without leaving the group, so the group only moves its
     * partitions once {@code max.poll.interval.ms} passes. Call {@link #close()} after its thread ended.
     */
    public void hang() {
        hung.set(true);
    }

    /** Stops the loop; for a hung instance (whose thread has ended) releases its clients. */
    @Override
    public void close() {
        running.set(false);
        if (hung.get()) {
            closeClients();
        }
    }

    private void closeClients() {
        consumer.close(Duration.ofSeconds(5));
        producer.close(Duration.ofSeconds(5));
    }
}
