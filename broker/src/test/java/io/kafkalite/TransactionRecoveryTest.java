package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transactions across failures: a broker restarted on the same data directory in the middle of a transaction (it
 * can still be committed, aborted, or time out; pending offsets and producer epochs come back), and a producer
 * killed mid-transaction in a JVM of its own (its transaction ends at the successor's initTransactions() or by
 * timeout, and read_committed readers never see it).
 */
class TransactionRecoveryTest {

    private static final TopicPartition ORDERS = new TopicPartition("orders", 0);
    private static final TopicPartition INPUT = new TopicPartition("input", 0);

    @TempDir
    Path dataDirectory;

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private KafkaLite broker(int port, boolean manualClock) {
        KafkaLite.Builder builder = KafkaLite.builder().dataDirectory(dataDirectory).port(port)
                .topic("orders", 1).topic("input", 1);
        return (manualClock ? builder.manualClock() : builder).start();
    }

    private static KafkaProducer<String, String> producer(KafkaLite broker, String transactionalId) {
        return Clients.producer(broker.bootstrapServers(), Map.of("transactional.id", transactionalId,
                "transaction.timeout.ms", 60_000));
    }

    private static List<String> committedValues(KafkaLite broker, int expected) {
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(),
                Map.of("isolation.level", "read_committed"))) {
            List<String> values = Clients.readAll(consumer, List.of(ORDERS), expected).stream()
                    .map(ConsumerRecord::value).toList();
            assertThat(consumer.poll(Duration.ofMillis(200))).isEmpty();
            return values;
        }
    }

    /** Opens a transaction with two records and an offset commit of group "processor", then restarts the broker. */
    private KafkaLite restartInTheMiddleOfATransaction(KafkaProducer<String, String>[] producer, boolean manualClock)
            throws Exception {
        int port = freePort();
        KafkaLite first = broker(port, manualClock);
        producer[0] = producer(first, "order-writer");
        producer[0].initTransactions();
        producer[0].beginTransaction();
        producer[0].send(new ProducerRecord<>("orders", 0, "o1", "first"));
        producer[0].send(new ProducerRecord<>("orders", 0, "o2", "second"));
        try (KafkaConsumer<String, String> processor = Clients.consumer(first.bootstrapServers(),
                Map.of("group.id", "processor"))) {
            producer[0].sendOffsetsToTransaction(Map.of(INPUT, new OffsetAndMetadata(42)), processor.groupMetadata());
        }
        producer[0].flush();
        first.close();
        return broker(port, manualClock);
    }

    @SuppressWarnings("unchecked")
    @Test
    void anOpenTransactionCanBeCommittedAfterARestartWithItsOffsets() throws Exception {
        KafkaProducer<String, String>[] producer = new KafkaProducer[1];
        try (KafkaLite restarted = restartInTheMiddleOfATransaction(producer, false)) {
            producer[0].commitTransaction();
            producer[0].close();

            assertThat(committedValues(restarted, 2)).containsExactly("first", "second");
            try (KafkaConsumer<String, String> group = Clients.consumer(restarted.bootstrapServers(),
                    Map.of("group.id", "processor"))) {
                assertThat(group.committed(Set.of(INPUT)).get(INPUT).offset()).isEqualTo(42);
            }
        } finally {
            if (producer[0] != null) {
                producer[0].close(Duration.ZERO);
            }
        }
    }

    @SuppressWarnings("unchecked")
    @Test
    void anOpenTransactionCanBeAbortedAfterARestart() throws Exception {
        KafkaProducer<String, String>[] producer = new KafkaProducer[1];
        try (KafkaLite restarted = restartInTheMiddleOfATransaction(producer, false)) {
            producer[0].abortTransaction();
            producer[0].close();

            assertThat(committedValues(restarted, 0)).isEmpty();
            try (KafkaConsumer<String, String> group = Clients.consumer(restarted.bootstrapServers(),
                    Map.of("group.id", "processor"))) {
                assertThat(group.committed(Set.of(INPUT)).get(INPUT)).isNull();
            }
        } finally {
            if (producer[0] != null) {
                producer[0].close(Duration.ZERO);
            }
        }
    }

    @SuppressWarnings("unchecked")
    @Test
    void anOpenTransactionStillTimesOutAfterARestartAndTheNextIncarnationCarriesOn() throws Exception {
        KafkaProducer<String, String>[] producer = new KafkaProducer[1];
        try (KafkaLite restarted = restartInTheMiddleOfATransaction(producer, true)) {
            producer[0].close(Duration.ZERO);
            restarted.advanceClock(Duration.ofSeconds(61));

            assertThat(committedValues(restarted, 0)).isEmpty();
            try (KafkaProducer<String, String> successor = producer(restarted, "order-writer")) {
                successor.initTransactions();
                successor.beginTransaction();
                successor.send(new ProducerRecord<>("orders", 0, "o3", "third"));
                successor.commitTransaction();
            }
            assertThat(committedValues(restarted, 1)).containsExactly("third");
        }
    }

    @Test
    void aProducerKilledMidTransactionIsAbortedByItsSuccessor() throws Exception {
        try (KafkaLite broker = KafkaLite.builder().topic("orders", 1).start()) {
            killMidTransaction(broker);
            try (KafkaProducer<String, String> successor = producer(broker, "order-writer")) {
                successor.initTransactions();
            }
            assertThat(committedValues(broker, 0)).isEmpty();
            try (KafkaConsumer<String, String> committed = Clients.consumer(broker.bootstrapServers(),
                    Map.of("isolation.level", "read_committed"))) {
                assertThat(committed.endOffsets(List.of(ORDERS))).containsEntry(ORDERS, 2L); // the record and its ABORT
            }
        }
    }

    @Test
    void aProducerKilledMidTransactionIsAbortedByTheTimeout() throws Exception {
        try (KafkaLite broker = KafkaLite.builder().manualClock().topic("orders", 1).start()) {
            killMidTransaction(broker);
            try (KafkaConsumer<String, String> committed = Clients.consumer(broker.bootstrapServers(),
                    Map.of("isolation.level", "read_committed"))) {
                assertThat(committed.endOffsets(List.of(ORDERS))).as("held back by the open transaction")
                        .containsEntry(ORDERS, 0L);
                broker.advanceClock(Duration.ofSeconds(61));
                assertThat(committed.endOffsets(List.of(ORDERS))).containsEntry(ORDERS, 2L);
            }
            assertThat(committedValues(broker, 0)).isEmpty();
        }
    }

    private static void killMidTransaction(KafkaLite broker) throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TransactionalProducerProcess.class.getName(),
                broker.bootstrapServers(), "order-writer", "orders").redirectErrorStream(true).start();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = output.readLine()) != null && !line.equals(TransactionalProducerProcess.IN_TRANSACTION)) {
                seen.append(line).append('\n');
            }
            assertThat(line).as("the producer process said it is in a transaction; it printed:%n%s", seen)
                    .isEqualTo(TransactionalProducerProcess.IN_TRANSACTION);
        } finally {
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
