package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Producers against injected faults, with real kafka-clients: retries land every record once. */
class ProducerFaultsTest {

    private static final String TOPIC = "orders";

    private final KafkaLite broker = KafkaLite.builder().topic(TOPIC, 3).start();

    @AfterEach
    void close() {
        broker.close();
    }

    private List<String> stored() {
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1),
                    new TopicPartition(TOPIC, 2));
            long total = consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
            return Clients.readAll(consumer, partitions, (int) total).stream().map(ConsumerRecord::value).toList();
        }
    }

    private static List<String> values(int count) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add("order-" + i);
        }
        return values;
    }

    @Test
    void anIdempotentProducerRetriesNotLeaderOrFollowerAndEveryRecordLandsOnce() throws Exception {
        FaultRule notLeader = broker.faults().on("Produce").topic(TOPIC).partition(1).times(3)
                .respondWith("NOT_LEADER_OR_FOLLOWER");
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (String value : values(30)) {
                sent.add(producer.send(new ProducerRecord<>(TOPIC, sent.size() % 3, null, value)));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(notLeader.timesFired()).isEqualTo(3);
        assertThat(stored()).containsExactlyInAnyOrderElementsOf(values(30));
    }

    @Test
    void batchesInFlightBehindARefusedOneAreRetriedInOrderAndNothingIsLostOrDoubled() throws Exception {
        // small batches and no linger: the producer pipelines up to five requests to the partition
        FaultRule notLeader = broker.faults().on("Produce").topic(TOPIC).partition(0).times(2)
                .respondWith("NOT_LEADER_OR_FOLLOWER");
        List<String> values = values(300);
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of(
                ProducerConfig.BATCH_SIZE_CONFIG, 64, ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10))) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (String value : values) {
                sent.add(producer.send(new ProducerRecord<>(TOPIC, 0, null, value)));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(notLeader.timesFired()).isEqualTo(2);
        assertThat(stored()).containsExactlyElementsOf(values);
    }

    @Test
    void aResponseLostAfterTheAppendIsRetriedWithoutADuplicate() throws Exception {
        FaultRule lostResponse = broker.faults().on("Produce").times(1).closeConnectionAfterApplying();
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (String value : values(10)) {
                producer.send(new ProducerRecord<>(TOPIC, 0, null, value)).get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(lostResponse.timesFired()).isEqualTo(1);
        assertThat(stored()).containsExactlyElementsOf(values(10));
    }

    @Test
    void withoutIdempotenceTheSameLostResponseMakesADuplicate() throws Exception {
        broker.faults().on("Produce").times(1).closeConnectionAfterApplying();
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(),
                Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.ACKS_CONFIG, "1"))) {
            producer.send(new ProducerRecord<>(TOPIC, 0, null, "order-0")).get(30, TimeUnit.SECONDS);
        }
        assertThat(stored()).containsExactly("order-0", "order-0");
    }

    @Test
    void aConnectionClosedBeforeTheAppendIsRetried() throws Exception {
        FaultRule cut = broker.faults().on("Produce").times(2).closeConnectionBeforeApplying();
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (String value : values(5)) {
                producer.send(new ProducerRecord<>(TOPIC, 2, null, value)).get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(cut.timesFired()).isEqualTo(2);
        assertThat(stored()).containsExactlyElementsOf(values(5));
    }

    @Test
    void oneFailingPartitionOfAMultiPartitionProduceLeavesTheOthersAppended() throws Exception {
        FaultRule partial = broker.faults().on("Produce").topic(TOPIC).partition(1).times(1)
                .respondWith("NOT_ENOUGH_REPLICAS");
        Map<String, Object> noRetries = Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.RETRIES_CONFIG, 0, ProducerConfig.LINGER_MS_CONFIG, 60_000);
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), noRetries)) {
            producer.partitionsFor(TOPIC); // metadata first, so the three batches wait for one flush
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int p = 0; p < 3; p++) {
                sent.add(producer.send(new ProducerRecord<>(TOPIC, p, null, "to-" + p)));
            }
            producer.flush(); // one Produce request with all three partitions

            assertThat(sent.get(0).get().offset()).isZero();
            assertThat(sent.get(2).get().offset()).isZero();
            assertThatThrownBy(() -> sent.get(1).get()).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(NotEnoughReplicasException.class)
                    .hasMessageContaining("Kafkalite fault rule #" + partial.id());
        }
        assertThat(stored()).containsExactlyInAnyOrder("to-0", "to-2");
        assertThat(broker.faults().firings()).singleElement()
                .satisfies(f -> assertThat(f.request()).startsWith("PRODUCE"));
    }

    @Test
    void aThrottledResponseMakesTheProducerHoldBack() throws Exception {
        FaultRule throttle = broker.faults().on("Produce").times(1).throttle(Duration.ofMillis(50));
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            producer.send(new ProducerRecord<>(TOPIC, 0, null, "order-0")).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(TOPIC, 0, null, "order-1")).get(30, TimeUnit.SECONDS);
            Metric throttleMax = producer.metrics().entrySet().stream()
                    .filter(e -> e.getKey().name().equals("produce-throttle-time-max")).findFirst().orElseThrow()
                    .getValue();
            assertThat((Double) throttleMax.metricValue()).isEqualTo(50.0);
        }
        assertThat(throttle.timesFired()).isEqualTo(1);
    }

    @Test
    void aDelayedResponseLeavesWhenTheManualClockReachesIt() throws Exception {
        try (KafkaLite manual = KafkaLite.builder().manualClock().topic(TOPIC, 1).start();
             KafkaProducer<String, String> producer = Clients.producer(manual.bootstrapServers(), Map.of())) {
            producer.partitionsFor(TOPIC);
            FaultRule delay = manual.faults().on("Produce").times(1).delayResponse(Duration.ofMinutes(5));
            Future<RecordMetadata> sent = producer.send(new ProducerRecord<>(TOPIC, "held"));
            delay.awaitFired(1, Duration.ofSeconds(30));

            manual.advanceClock(Duration.ofMinutes(4));
            assertThat(sent.isDone()).isFalse(); // the response waits on the broker timer
            manual.advanceClock(Duration.ofMinutes(1));
            assertThat(sent.get(30, TimeUnit.SECONDS).offset()).isZero();
        }
    }

    @Test
    void aBlackHoledClientWaitsUntilTheRuleIsRemovedThenReconnects() throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(),
                Map.of(ProducerConfig.CLIENT_ID_CONFIG, "stuck"))) {
            producer.send(new ProducerRecord<>(TOPIC, 0, null, "before")).get(30, TimeUnit.SECONDS);
            FaultRule silence = broker.faults().onAnyApi().clientId("stuck").blackHole();
            Future<RecordMetadata> held = producer.send(new ProducerRecord<>(TOPIC, 0, null, "during"));
            silence.awaitFired(1, Duration.ofSeconds(30));
            assertThat(held.isDone()).isFalse();

            silence.remove(); // closes the silent connection: the producer reconnects and retries at once
            assertThat(held.get(30, TimeUnit.SECONDS).offset()).isEqualTo(1);
        }
        assertThat(stored()).containsExactly("before", "during");
    }

    @Test
    void metadataSayingLeaderNotAvailableForATopicMakesTheProducerWaitAndRetry() throws Exception {
        FaultRule noLeader = broker.faults().on("Metadata").topic(TOPIC).times(2).respondWith("LEADER_NOT_AVAILABLE");
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            assertThat(producer.send(new ProducerRecord<>(TOPIC, 0, null, "order-0")).get(30, TimeUnit.SECONDS)
                    .offset()).isZero();
        }
        assertThat(noLeader.timesFired()).isEqualTo(2);
    }

    @Test
    void listOffsetsFailingForOnePartitionIsRetriedByTheConsumer() throws Exception {
        FaultRule notLeader = broker.faults().on("ListOffsets").topic(TOPIC).partition(2).times(2)
                .respondWith("NOT_LEADER_OR_FOLLOWER");
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            producer.send(new ProducerRecord<>(TOPIC, 2, null, "order-0")).get(30, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
            Map<TopicPartition, Long> end = consumer.endOffsets(List.of(new TopicPartition(TOPIC, 1),
                    new TopicPartition(TOPIC, 2)));
            assertThat(end).containsEntry(new TopicPartition(TOPIC, 1), 0L).containsEntry(new TopicPartition(TOPIC, 2), 1L);
        }
        assertThat(notLeader.timesFired()).isEqualTo(2);
    }
}
