package io.kafkalite.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** The client workloads, each run the same way against either broker. */
final class Workloads {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private Workloads() {
    }

    /** The loop a test suite runs per test: topic, producer, consumer in a group, one record, close. */
    static double perTestMillis(String bootstrap, Admin admin) {
        String id = UUID.randomUUID().toString();
        long start = System.nanoTime();
        Clients.createTopic(admin, "per-test-" + id, 1);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of());
             KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap,
                     Map.of(ConsumerConfig.GROUP_ID_CONFIG, "per-test-" + id))) {
            consumer.subscribe(List.of("per-test-" + id));
            producer.send(new ProducerRecord<>("per-test-" + id, new byte[10])).get();
            require(Clients.drain(consumer, 1, TIMEOUT) == 1, "per-test record not received");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return (System.nanoTime() - start) / 1e6;
    }

    /** Produces {@code count} records of {@code size} bytes to a 6-partition topic; returns records/s. */
    static double produceRate(String bootstrap, Admin admin, String topic, int count, int size) {
        Clients.createTopic(admin, topic, 6);
        Clients.awaitWritable(bootstrap, topic, 6);
        byte[] value = new byte[size];
        CountDownLatch acked = new CountDownLatch(count);
        AtomicReference<Exception> failure = new AtomicReference<>();
        KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of());
        try {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, value), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                    acked.countDown();
                });
            }
            // a stuck producer (seen with the real broker under load) fails the figure instead of the whole run
            if (!acked.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(acked.getCount() + " of " + count + " records not acknowledged within "
                        + TIMEOUT);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            require(failure.get() == null, "produce failed: " + failure.get());
            return count / seconds;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        } finally {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** Reads a topic's 6 partitions from the beginning with an assign-mode consumer; returns records/s. */
    static double consumeRate(String bootstrap, String topic, int count) {
        List<TopicPartition> partitions = IntStream.range(0, 6).mapToObj(p -> new TopicPartition(topic, p)).toList();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, Map.of())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long start = System.nanoTime();
            long expected = count + 6; // awaitWritable's empty record in each partition
            long received = Clients.drain(consumer, expected, TIMEOUT);
            double seconds = (System.nanoTime() - start) / 1e9;
            require(received == expected, "consumed " + received + " of " + expected);
            return count / seconds;
        }
    }

    /** Records sent one at a time; each waits for its receipt by a polling consumer. Returns ms per record. */
    static Samples latencies(String bootstrap, Admin admin, int count) {
        String topic = "latency-" + UUID.randomUUID();
        Clients.createTopic(admin, topic, 1);
        Clients.awaitWritable(bootstrap, topic, 1);
        TopicPartition partition = new TopicPartition(topic, 0);
        Samples samples = new Samples();
        AtomicLong received = new AtomicLong();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of(ProducerConfig.LINGER_MS_CONFIG, 0));
             KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, Map.of())) {
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            consumer.position(partition);
            for (int i = 0; i < count; i++) {
                long sent = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, ByteBuffer.allocate(8).putLong(sent).array()));
                long deadline = sent + TIMEOUT.toNanos();
                boolean got = false;
                while (!got && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        long stamp = ByteBuffer.wrap(record.value()).getLong();
                        samples.add((System.nanoTime() - stamp) / 1e6);
                        received.incrementAndGet();
                        got = true;
                    }
                }
                require(got, "latency record " + i + " not received");
            }
        }
        return samples;
    }

    /** A new group subscribes to a topic holding one record: ms until that record arrives. */
    static double groupJoinMillis(String bootstrap, String topic) {
        long start = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap,
                Map.of(ConsumerConfig.GROUP_ID_CONFIG, "join-" + UUID.randomUUID()))) {
            consumer.subscribe(List.of(topic));
            require(Clients.drain(consumer, 1, TIMEOUT) >= 1, "group join record not received");
            return (System.nanoTime() - start) / 1e6;
        }
    }

    /** Creates {@code topics} topics of {@code partitions} partitions in batches of 100; returns seconds. */
    static double createPartitions(Admin admin, int topics, int partitions) {
        long start = System.nanoTime();
        List<NewTopic> batch = new ArrayList<>();
        for (String name : Clients.names("scale-" + UUID.randomUUID().toString().substring(0, 8) + "-", topics)) {
            batch.add(new NewTopic(name, partitions, (short) 1));
            if (batch.size() == 100) {
                Clients.createTopics(admin, batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            Clients.createTopics(admin, batch);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}
