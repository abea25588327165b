package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.junit.jupiter.api.Test;

/**
 * The broker restarts while a producer and a consumer group member are busy: no acknowledged record is lost or
 * stored twice, and the consumer resumes from its committed offsets (it runs with auto.offset.reset=none, so offsets
 * lost in the restart would fail it).
 */
class RestartUnderTrafficTest {

    private static final String TOPIC = "orders";
    private static final String GROUP = "billing";
    private static final List<TopicPartition> PARTITIONS = List.of(new TopicPartition(TOPIC, 0),
            new TopicPartition(TOPIC, 1), new TopicPartition(TOPIC, 2));

    /** What the client threads did; they notify on every change, the test thread waits on it. */
    private static final class Progress {
        final List<String> acked = new ArrayList<>();
        final List<Received> received = new ArrayList<>();
        /** Offsets the consumer committed successfully, by partition, and how many assignments it had then. */
        final Map<TopicPartition, Long> committed = new HashMap<>();
        /** The commits confirmed when each assignment began, by assignment number. */
        final Map<Integer, Map<TopicPartition, Long>> committedAtAssignment = new HashMap<>();
        int assignments;
        Throwable failure;

        synchronized void await(BooleanSupplier condition, String what) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!condition.getAsBoolean()) {
                if (failure != null) {
                    throw new AssertionError("A client thread failed while waiting until " + what, failure);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("Timed out waiting until " + what + "; acked " + acked.size()
                            + ", received " + received.size());
                }
                wait(Math.max(1, left / 1_000_000));
            }
        }

        synchronized void update(Runnable change) {
            change.run();
            notifyAll();
        }
    }

    private record Received(TopicPartition partition, long offset, String value, int assignment) {
    }

    @Test
    void aRestartInTheMiddleOfTrafficLosesNothingAckedAndTheConsumerResumesFromItsCommit() throws Exception {
        try (KafkaLite broker = KafkaLite.builder().topic(TOPIC, 3).start()) {
            try (Admin admin = Clients.admin(broker.bootstrapServers())) {
                Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
                PARTITIONS.forEach(p -> start.put(p, new OffsetAndMetadata(0)));
                admin.alterConsumerGroupOffsets(GROUP, start).all().get();
            }
            Progress progress = new Progress();
            Thread producer = new Thread(() -> produce(broker, progress), "test-producer");
            KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of(
                    ConsumerConfig.GROUP_ID_CONFIG, GROUP, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none",
                    ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 100));
            Thread consumerThread = new Thread(() -> consume(consumer, progress), "test-consumer");
            producer.start();
            consumerThread.start();
            try {
                progress.await(() -> progress.received.size() >= 100, "100 records were consumed");
                int ackedBefore;
                synchronized (progress) {
                    ackedBefore = progress.acked.size();
                }

                broker.restart();

                progress.await(() -> progress.acked.size() >= ackedBefore + 100, "100 more records were acked");
            } finally {
                producer.interrupt();
                producer.join();
            }
            Set<String> acked;
            synchronized (progress) {
                acked = new HashSet<>(progress.acked);
            }
            progress.await(() -> progress.received.stream().map(Received::value).toList().containsAll(acked),
                    "the consumer saw every acked record");
            consumer.wakeup();
            consumerThread.join();

            assertThat(stored(broker)).as("every acked record stored exactly once")
                    .containsAll(acked).doesNotHaveDuplicates();
            assertResumedFromCommittedOffsets(progress);
        }
    }

    /** Sends records one at a time until interrupted; the restart makes some sends wait for a retry. */
    private static void produce(KafkaLite broker, Progress progress) {
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                String value = "order-" + i;
                producer.send(new ProducerRecord<>(TOPIC, i % 3, null, value)).get();
                progress.update(() -> progress.acked.add(value));
            }
        } catch (InterruptedException e) {
            // done
        } catch (Exception e) {
            progress.update(() -> progress.failure = e);
        }
    }

    /** Polls and commits after each poll, as an at-least-once application does, until woken up. */
    private static void consume(KafkaConsumer<String, String> consumer, Progress progress) {
        try (consumer) {
            consumer.subscribe(List.of(TOPIC), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    progress.update(() -> progress.committedAtAssignment.put(++progress.assignments,
                            new HashMap<>(progress.committed)));
                }
            });
            while (true) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    progress.update(() -> progress.received.add(new Received(
                            new TopicPartition(r.topic(), r.partition()), r.offset(), r.value(), progress.assignments)));
                }
                try {
                    Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
                    consumer.assignment().forEach(p -> positions.put(p, new OffsetAndMetadata(consumer.position(p))));
                    consumer.commitSync(positions);
                    progress.update(() -> positions.forEach((p, o) -> progress.committed.put(p, o.offset())));
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException e) {
                    // the broker went away or the group is rebalancing: the next commit covers these records
                }
            }
        } catch (WakeupException e) {
            // done
        } catch (RuntimeException e) {
            progress.update(() -> progress.failure = e);
        }
    }

    private static List<String> stored(KafkaLite broker) {
        try (KafkaConsumer<String, String> reader = Clients.consumer(broker.bootstrapServers(), Map.of())) {
            long total = reader.endOffsets(PARTITIONS).values().stream().mapToLong(Long::longValue).sum();
            return Clients.readAll(reader, PARTITIONS, (int) total).stream().map(ConsumerRecord::value).toList();
        }
    }

    /**
     * After each new assignment the consumer reads every partition on from what it had committed: not from further
     * back than its last confirmed commit (the commits survived the restart), never skipping ahead (no offset of a
     * partition is missing).
     */
    private static void assertResumedFromCommittedOffsets(Progress progress) {
        synchronized (progress) {
            assertThat(progress.assignments).as("the consumer rejoined after the restart").isGreaterThan(1);
            for (TopicPartition partition : PARTITIONS) {
                List<Received> ofPartition = progress.received.stream().filter(r -> r.partition().equals(partition))
                        .toList();
                TreeSet<Long> offsets = new TreeSet<>();
                ofPartition.forEach(r -> offsets.add(r.offset()));
                assertThat(offsets.last() - offsets.first() + 1).as("no offset of %s skipped", partition)
                        .isEqualTo(offsets.size());
                for (int i = 1; i < ofPartition.size(); i++) {
                    Received previous = ofPartition.get(i - 1);
                    Received next = ofPartition.get(i);
                    if (next.assignment() != previous.assignment()) {
                        Long confirmed = progress.committedAtAssignment.get(next.assignment()).get(partition);
                        assertThat(next.offset()).as("%s resumed at its committed offset", partition)
                                .isGreaterThanOrEqualTo(confirmed == null ? 0 : confirmed);
                    } else {
                        assertThat(next.offset()).as("%s read in order within one assignment", partition)
                                .isEqualTo(previous.offset() + 1);
                    }
                }
            }
        }
    }
}
