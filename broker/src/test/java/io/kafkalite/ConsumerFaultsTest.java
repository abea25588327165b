package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Group consumers against injected coordinator faults, with real kafka-clients: they ride through. */
class ConsumerFaultsTest {

    private static final String TOPIC = "events";
    private static final String GROUP = "riders";

    private final KafkaLite broker = KafkaLite.builder().topic(TOPIC, 2).start();

    @AfterEach
    void close() {
        broker.close();
    }

    /** Polls, committing after each poll as an at-least-once application does, until every value was seen. */
    private static void consumeAll(KafkaConsumer<String, String> consumer, Set<String> seen, int expected) {
        GroupConsumers.pollUntil(List.of(consumer), (c, record) -> seen.add(record.value()), () -> {
            try {
                consumer.commitSync();
            } catch (RebalanceInProgressException | CommitFailedException e) {
                // the group is rebalancing: the records since the last commit come again, as Kafka promises
            }
            return seen.size() >= expected;
        }, expected + " records arrived");
    }

    /** Polls and commits until the group's committed offsets reach the end of both partitions. */
    private static void commitToTheEnd(KafkaConsumer<String, String> consumer) {
        List<TopicPartition> partitions = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));
        GroupConsumers.pollUntil(List.of(consumer), () -> {
            try {
                consumer.commitSync();
            } catch (RebalanceInProgressException | CommitFailedException e) {
                return false; // a rejoin is still under way: poll on
            }
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            return partitions.stream().allMatch(p -> committed.get(p) != null
                    && committed.get(p).offset() == end.get(p));
        }, "the committed offsets reached the end");
    }

    /** Sends v{from} to v{to - 1}, alternating between the two partitions. */
    private static void produce(KafkaLite broker, int from, int to) throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % 2, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    private static Set<String> expected(int from, int to) {
        Set<String> values = new HashSet<>();
        for (int i = from; i < to; i++) {
            values.add("v" + i);
        }
        return values;
    }

    @Test
    void aClassicConsumerRidesThroughCoordinatorNotAvailableAndRebalanceInProgress() throws Exception {
        Faults faults = broker.faults();
        FaultRule findCoordinator = faults.on("FindCoordinator").group(GROUP).times(2)
                .respondWith("COORDINATOR_NOT_AVAILABLE");
        FaultRule sync = faults.on("SyncGroup").group(GROUP).times(1).respondWith("REBALANCE_IN_PROGRESS");
        FaultRule commit = faults.on("OffsetCommit").group(GROUP).times(1).respondWith("COORDINATOR_NOT_AVAILABLE");
        produce(broker, 0, 20);

        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = GroupConsumers.consumer(broker.bootstrapServers(), GROUP,
                Map.of())) {
            consumer.subscribe(List.of(TOPIC));
            consumeAll(consumer, seen, 20);

            // a heartbeat saying the group rebalances makes the member rejoin in the middle of its work
            FaultRule heartbeat = faults.on("Heartbeat").group(GROUP).times(1).respondWith("REBALANCE_IN_PROGRESS");
            heartbeat.awaitFired(1, GroupConsumers.DEADLINE);
            produce(broker, 20, 40);
            consumeAll(consumer, seen, 40);
            commitToTheEnd(consumer);
            assertThat(heartbeat.timesFired()).isEqualTo(1);
        }
        assertThat(seen).isEqualTo(expected(0, 40));
        assertThat(List.of(findCoordinator, sync, commit)).allSatisfy(r -> assertThat(r.isActive()).isFalse());
    }

    @Test
    void aKip848ConsumerRidesThroughCoordinatorNotAvailableOnItsHeartbeat() throws Exception {
        FaultRule heartbeat = broker.faults().on("ConsumerGroupHeartbeat").group(GROUP).times(3)
                .respondWith("COORDINATOR_NOT_AVAILABLE");
        produce(broker, 0, 20);
        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(),
                Map.of(ConsumerConfig.GROUP_ID_CONFIG, GROUP, ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer"))) {
            consumer.subscribe(List.of(TOPIC));
            consumeAll(consumer, seen, 20);
            commitToTheEnd(consumer);
        }
        assertThat(seen).isEqualTo(expected(0, 20));
        assertThat(heartbeat.timesFired()).isEqualTo(3);
    }

    @Test
    void aFetchErrorOnOnePartitionIsRetriedWhileTheOtherKeepsFlowing() throws Exception {
        FaultRule fetch = broker.faults().on("Fetch").topic(TOPIC).partition(1).times(3)
                .respondWith("NOT_LEADER_OR_FOLLOWER");
        produce(broker, 0, 20);
        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
            List<ConsumerRecord<String, String>> records = Clients.readAll(consumer,
                    List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1)), 20);
            records.forEach(r -> seen.add(r.value()));
        }
        assertThat(seen).isEqualTo(expected(0, 20));
        assertThat(fetch.timesFired()).isEqualTo(3);
    }

    @Test
    void aDelayedOffsetFetchOnAManualClockHoldsTheConsumerUntilTheClockMoves() throws Exception {
        try (KafkaLite manual = KafkaLite.builder().manualClock().topic(TOPIC, 1).start()) {
            try (KafkaProducer<String, String> producer = Clients.producer(manual.bootstrapServers(), Map.of())) {
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, "v" + i)).get();
                }
            }
            FaultRule slowCoordinator = manual.faults().on("OffsetFetch").group(GROUP).times(1)
                    .delayResponse(Duration.ofSeconds(20));
            Set<String> seen = new HashSet<>();
            try (KafkaConsumer<String, String> consumer = GroupConsumers.consumer(manual.bootstrapServers(), GROUP,
                    Map.of())) {
                consumer.subscribe(List.of(TOPIC));
                while (slowCoordinator.timesFired() == 0) {
                    consumer.poll(Duration.ofMillis(50));
                }
                assertThat(consumer.poll(Duration.ofMillis(50))).isEmpty(); // no position before the offsets came
                manual.advanceClock(Duration.ofSeconds(20));
                GroupConsumers.pollUntil(List.of(consumer), (c, r) -> seen.add(r.value()), () -> seen.size() == 5,
                        "the records arrived after the delayed OffsetFetch");
            }
            assertThat(seen).isEqualTo(expected(0, 5));
        }
    }
}
