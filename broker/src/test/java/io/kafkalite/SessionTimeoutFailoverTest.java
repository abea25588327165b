package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A group member goes silent; once its session timeout passes on the broker's manual clock, the other member takes
 * over its partitions from their committed offsets. Kafka's default session timeouts (45 s), no real waiting.
 */
class SessionTimeoutFailoverTest {

    private static final Logger LOG = LoggerFactory.getLogger(SessionTimeoutFailoverTest.class);
    private static final String TOPIC = "work";
    private static final String GROUP = "workers";
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(45);

    @Test
    void aClassicGroupFailsOverWhenASilentMembersSessionTimesOut() throws Exception {
        try (KafkaLite broker = KafkaLite.builder().manualClock().topic(TOPIC, 4).start()) {
            failOver(broker, Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic",
                    ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis(),
                    ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 100), "classic");
        }
    }

    @Test
    void aKip848GroupFailsOverWhenASilentMembersSessionTimesOut() throws Exception {
        try (KafkaLite broker = KafkaLite.builder().manualClock().topic(TOPIC, 4)
                .brokerConfig("group.consumer.heartbeat.interval.ms", "100").start()) {
            failOver(broker, Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer"), "consumer");
        }
    }

    private static void failOver(KafkaLite broker, Map<String, Object> protocol, String expectedType) throws Exception {
        produce(broker, 0, 8);
        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<String, String> a = member(broker, "member-a", protocol);
             KafkaConsumer<String, String> b = member(broker, "member-b", protocol)) {
            a.subscribe(List.of(TOPIC));
            b.subscribe(List.of(TOPIC));
            GroupConsumers.pollUntil(List.of(a, b), (c, r) -> seen.add(r.value()), () -> {
                commit(a);
                commit(b);
                return seen.size() == 8 && twoMembersShareFourPartitions(broker);
            }, "both members own two partitions and consumed the first records");
            assertThat(broker.groups().describe(GROUP).orElseThrow().protocol()).isEqualTo(expectedType);

            long wallStart = System.nanoTime();
            FaultRule silence = broker.faults().onAnyApi().clientId("member-a").blackHole(); // a hangs
            broker.advanceClock(SESSION_TIMEOUT.minusSeconds(15));
            broker.groups().awaitHeartbeat(GROUP, "member-b", GroupConsumers.DEADLINE); // b lives at the new time
            broker.advanceClock(Duration.ofSeconds(16)); // a's session is over, b's runs on

            produce(broker, 8, 16);
            Set<TopicPartition> fromPartitions = new HashSet<>();
            GroupConsumers.pollUntil(List.of(b), (c, r) -> {
                seen.add(r.value());
                fromPartitions.add(new TopicPartition(r.topic(), r.partition()));
            }, () -> {
                commit(b);
                return seen.size() == 16;
            }, "member-b consumed every partition's new records");
            LOG.info("{} failover took {} ms of wall time", expectedType, (System.nanoTime() - wallStart) / 1_000_000);

            assertThat(fromPartitions).hasSize(4);
            Groups.Description group = broker.groups().describe(GROUP).orElseThrow();
            assertThat(group.members()).singleElement().satisfies(m -> {
                assertThat(m.clientId()).isEqualTo("member-b");
                assertThat(m.assignment()).containsEntry(TOPIC, List.of(0, 1, 2, 3));
            });
            silence.remove();
        }
    }

    /** Commits what was consumed; a commit refused because the group is rebalancing is retried after the next poll. */
    private static void commit(KafkaConsumer<String, String> consumer) {
        try {
            consumer.commitSync();
        } catch (RebalanceInProgressException | CommitFailedException e) {
            // the records since the last commit come again after the rebalance, as Kafka promises
        }
    }

    private static boolean twoMembersShareFourPartitions(KafkaLite broker) {
        return broker.groups().describe(GROUP)
                .filter(g -> g.members().size() == 2 && g.members().stream().allMatch(m -> m.partitionCount() == 2))
                .isPresent();
    }

    private static KafkaConsumer<String, String> member(KafkaLite broker, String clientId, Map<String, Object> protocol) {
        Map<String, Object> config = new HashMap<>(protocol);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return Clients.consumer(broker.bootstrapServers(), config);
    }

    private static void produce(KafkaLite broker, int from, int to) throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % 4, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }
}
