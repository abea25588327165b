package io.kafkalite.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import io.kafkalite.KafkaLite;
import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Transactions with every kafka-clients version in the matrix: 2.8 and 3.9 speak transaction version 1
 * (AddPartitionsToTxn, AddOffsetsToTxn), 4.x transaction version 2 (partitions join with the produce, the epoch
 * moves at every commit). The same programs must behave the same.
 */
class TransactionalRoundTripTest {

    static KafkaLite broker;

    @BeforeAll
    static void start() {
        broker = KafkaLite.builder().topic("tx-in", 1).topic("tx-out", 2).topic("tx-log", 1).start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static KafkaProducer<byte[], byte[]> transactional(String transactionalId) {
        return Clients.bytesProducer(broker.bootstrapServers(), Map.of("transactional.id", transactionalId));
    }

    private static List<String> readCommitted(TopicPartition partition, int count) {
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.bytesConsumer(broker.bootstrapServers(),
                Map.of("isolation.level", "read_committed"))) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            List<String> values = new ArrayList<>();
            Clients.poll(consumer, count).forEach(r -> values.add(text(r.value())));
            consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(text(r.value())));
            return values;
        }
    }

    @Test
    void committedAndAbortedTransactionsReadBackAsKafkaPromises() {
        TopicPartition log = new TopicPartition("tx-log", 0);
        try (KafkaProducer<byte[], byte[]> producer = transactional("log-writer")) {
            producer.initTransactions();
            for (String outcome : List.of("commit", "abort", "commit")) {
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("tx-log", 0, bytes("k"), bytes(outcome)));
                producer.flush();
                if (outcome.equals("commit")) {
                    producer.commitTransaction();
                } else {
                    producer.abortTransaction();
                }
            }
        }
        assertThat(readCommitted(log, 2)).containsExactly("commit", "commit");
        assertThat(Clients.read(broker.bootstrapServers(), log, 3)).hasSize(3);
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.bytesConsumer(broker.bootstrapServers(), Map.of())) {
            assertThat(consumer.endOffsets(List.of(log))).containsEntry(log, 6L); // three records, three markers
        }
    }

    @Test
    void consumeTransformProduceCommitsOutputAndOffsetsTogether() {
        try (KafkaProducer<byte[], byte[]> seed = Clients.bytesProducer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < 6; i++) {
                seed.send(new ProducerRecord<>("tx-in", 0, bytes("k" + i), bytes("word" + i)));
            }
            seed.flush();
        }
        TopicPartition in = new TopicPartition("tx-in", 0);
        try (KafkaProducer<byte[], byte[]> producer = transactional("transformer");
             KafkaConsumer<byte[], byte[]> consumer = Clients.bytesConsumer(broker.bootstrapServers(),
                     Map.of("group.id", "transformer", "isolation.level", "read_committed"))) {
            producer.initTransactions();
            consumer.subscribe(Collections.singletonList("tx-in"));
            List<ConsumerRecord<byte[], byte[]>> batch = Clients.poll(consumer, 6);
            assertThat(batch).hasSize(6);
            producer.beginTransaction();
            for (ConsumerRecord<byte[], byte[]> record : batch) {
                producer.send(new ProducerRecord<>("tx-out", record.offset() % 2 == 0 ? 0 : 1, record.key(),
                        bytes(text(record.value()).toUpperCase())));
            }
            producer.sendOffsetsToTransaction(Map.of(in, new OffsetAndMetadata(6)), consumer.groupMetadata());
            producer.commitTransaction();
            assertThat(consumer.committed(Collections.singleton(in)).get(in).offset()).isEqualTo(6);
        }
        List<String> output = new ArrayList<>(readCommitted(new TopicPartition("tx-out", 0), 3));
        output.addAll(readCommitted(new TopicPartition("tx-out", 1), 3));
        assertThat(output).containsExactlyInAnyOrder("WORD0", "WORD1", "WORD2", "WORD3", "WORD4", "WORD5");
    }

    @Test
    void aSecondProducerWithTheSameTransactionalIdFencesTheFirst() {
        try (KafkaProducer<byte[], byte[]> zombie = transactional("fenced-writer");
             KafkaProducer<byte[], byte[]> successor = transactional("fenced-writer")) {
            zombie.initTransactions();
            zombie.beginTransaction();
            zombie.send(new ProducerRecord<>("tx-log", 0, bytes("z"), bytes("zombie")));
            zombie.flush();
            successor.initTransactions();
            assertThatThrownBy(zombie::commitTransaction).isInstanceOf(ProducerFencedException.class);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
