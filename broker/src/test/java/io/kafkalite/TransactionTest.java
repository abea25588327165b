package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Transactions with kafka-clients 4.x, which use transaction version 2 against Kafkalite: commits and aborts as
 * read_committed and read_uncommitted consumers see them, consume-transform-produce with offsets in the
 * transaction, zombie fencing, the broker's transaction timeout, and Admin's transaction views.
 */
class TransactionTest {

    static KafkaLite broker;
    static Admin admin;

    @BeforeAll
    static void start() {
        broker = KafkaLite.builder().manualClock().start();
        admin = Clients.admin(broker.bootstrapServers());
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    private static TopicPartition topic(String name, int partitions) throws Exception {
        admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(name, partitions, (short) 1))).all().get();
        return new TopicPartition(name, 0);
    }

    private static KafkaProducer<String, String> transactional(String transactionalId, Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>(extra);
        props.put("transactional.id", transactionalId);
        return Clients.producer(broker.bootstrapServers(), props);
    }

    private static KafkaConsumer<String, String> reader(IsolationLevel isolation) {
        return Clients.consumer(broker.bootstrapServers(), Map.of("isolation.level", isolation.toString()));
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }

    @Test
    void readCommittedConsumersSeeCommittedTransactionsOnlyAndEndOffsetsCountTheMarkers() throws Exception {
        TopicPartition tp = topic("orders", 1);
        try (KafkaProducer<String, String> producer = transactional("orders-writer", Map.of())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("orders", 0, "o1", "committed-1"));
            producer.send(new ProducerRecord<>("orders", 0, "o2", "committed-2"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("orders", 0, "o3", "aborted"));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("orders", 0, "o4", "committed-3"));
            producer.commitTransaction();
        }

        try (KafkaConsumer<String, String> committed = reader(IsolationLevel.READ_COMMITTED);
             KafkaConsumer<String, String> uncommitted = reader(IsolationLevel.READ_UNCOMMITTED)) {
            // 4 records and 3 markers, each taking an offset
            assertThat(committed.endOffsets(List.of(tp))).containsEntry(tp, 7L);
            assertThat(values(Clients.readAll(committed, List.of(tp), 3)))
                    .containsExactly("committed-1", "committed-2", "committed-3");
            assertThat(values(Clients.readAll(uncommitted, List.of(tp), 4)))
                    .containsExactly("committed-1", "committed-2", "aborted", "committed-3");
        }
    }

    @Test
    void anOpenTransactionHoldsBackReadCommittedReadersUntilItsCommitWakesThem() throws Exception {
        TopicPartition tp = topic("payments", 1);
        KafkaConsumer<String, String> committed = Clients.consumer(broker.bootstrapServers(),
                Map.of("isolation.level", "read_committed", "fetch.max.wait.ms", 60_000));
        try (KafkaProducer<String, String> producer = transactional("payments-writer", Map.of())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("payments", 0, "p1", "pending"));
            producer.flush();

            Map<TopicPartition, Long> latest = Map.of(tp, 1L);
            assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.latest()),
                    new org.apache.kafka.clients.admin.ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .partitionResult(tp).get().offset()).as("latest under read_committed is the LSO").isZero();
            assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset())
                    .isEqualTo(latest.get(tp));

            committed.assign(List.of(tp));
            committed.seekToBeginning(List.of(tp));
            assertThat(committed.poll(Duration.ofMillis(300))).isEmpty();
            // The long poll parks at the LSO for up to a minute: only the marker can answer it in time.
            CompletableFuture<ConsumerRecords<String, String>> polled =
                    CompletableFuture.supplyAsync(() -> committed.poll(Duration.ofSeconds(30)));
            producer.commitTransaction();

            assertThat(values(new ArrayList<>(polled.get(30, TimeUnit.SECONDS).records(tp)))).containsExactly("pending");
        } finally {
            // its next long poll is parked for a minute, and close() would wait for it
            committed.close(Duration.ZERO);
        }
    }

    @Test
    void consumeTransformProduceIsExactlyOnceWhenTheFirstAttemptAborts() throws Exception {
        topic("words-in", 1);
        TopicPartition out = topic("words-out", 1);
        TopicPartition in = new TopicPartition("words-in", 0);
        GroupConsumers.produce(broker.bootstrapServers(), "words-in", 1, 10);

        try (KafkaProducer<String, String> producer = transactional("upper-caser", Map.of());
             KafkaConsumer<String, String> consumer = GroupConsumers.consumer(broker.bootstrapServers(), "upper-caser",
                     Map.of("isolation.level", "read_committed"))) {
            producer.initTransactions();
            consumer.subscribe(List.of("words-in"));
            for (boolean commit : new boolean[] {false, true}) {
                List<ConsumerRecord<String, String>> batch = new ArrayList<>();
                GroupConsumers.pollUntil(List.of(consumer), (c, r) -> batch.add(r), () -> batch.size() >= 10,
                        "10 input records");
                producer.beginTransaction();
                for (ConsumerRecord<String, String> record : batch) {
                    producer.send(new ProducerRecord<>("words-out", 0, record.key(), record.value().toUpperCase()));
                }
                producer.sendOffsetsToTransaction(Map.of(in, new OffsetAndMetadata(batch.get(batch.size() - 1).offset() + 1)),
                        consumer.groupMetadata());
                if (commit) {
                    producer.commitTransaction();
                } else {
                    producer.flush();
                    producer.abortTransaction();
                    // re-process from the last committed position, as an EOS application does after an abort
                    OffsetAndMetadata committed = consumer.committed(Set.of(in)).get(in);
                    assertThat(committed).as("the aborted attempt committed no offset").isNull();
                    consumer.seekToBeginning(List.of(in));
                }
            }
            assertThat(consumer.committed(Set.of(in)).get(in).offset()).isEqualTo(10);
        }

        try (KafkaConsumer<String, String> committed = reader(IsolationLevel.READ_COMMITTED)) {
            List<String> output = values(Clients.readAll(committed, List.of(out), 10));
            assertThat(output).hasSize(10).containsExactlyElementsOf(
                    java.util.stream.IntStream.range(0, 10).mapToObj(i -> "V" + i).toList());
            assertThat(committed.poll(Duration.ofMillis(200))).as("nothing of the aborted attempt").isEmpty();
        }
    }

    @Test
    void aZombieWithTheSameTransactionalIdIsFencedAndItsOpenTransactionAborted() throws Exception {
        TopicPartition tp = topic("ledger", 1);
        try (KafkaProducer<String, String> zombie = transactional("ledger-writer", Map.of());
             KafkaProducer<String, String> successor = transactional("ledger-writer", Map.of())) {
            zombie.initTransactions();
            zombie.beginTransaction();
            zombie.send(new ProducerRecord<>("ledger", 0, "z", "from the zombie"));
            zombie.flush();

            successor.initTransactions();
            successor.beginTransaction();
            successor.send(new ProducerRecord<>("ledger", 0, "s", "from the successor"));
            successor.commitTransaction();

            assertThatThrownBy(zombie::commitTransaction).isInstanceOf(ProducerFencedException.class);
        }
        try (KafkaConsumer<String, String> committed = reader(IsolationLevel.READ_COMMITTED)) {
            assertThat(values(Clients.readAll(committed, List.of(tp), 1))).containsExactly("from the successor");
            assertThat(committed.poll(Duration.ofMillis(200))).isEmpty();
        }
    }

    @Test
    void aTransactionOpenLongerThanItsTimeoutIsAbortedByTheBroker() throws Exception {
        TopicPartition tp = topic("slow", 1);
        try (KafkaProducer<String, String> producer = transactional("slow-writer", Map.of("transaction.timeout.ms", 10_000))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("slow", 0, "k", "too late"));
            producer.flush();
            broker.advanceClock(Duration.ofSeconds(9));
            assertThat(listTransactions("slow-writer")).extracting(TransactionListing::state)
                    .containsExactly(org.apache.kafka.clients.admin.TransactionState.ONGOING);

            broker.advanceClock(Duration.ofSeconds(2));

            assertThat(listTransactions("slow-writer")).extracting(TransactionListing::state)
                    .containsExactly(org.apache.kafka.clients.admin.TransactionState.COMPLETE_ABORT);
            try (KafkaConsumer<String, String> committed = reader(IsolationLevel.READ_COMMITTED)) {
                assertThat(committed.endOffsets(List.of(tp))).containsEntry(tp, 2L); // the record and the ABORT marker
                committed.assign(List.of(tp));
                committed.seekToBeginning(List.of(tp));
                assertThat(committed.poll(Duration.ofMillis(300))).isEmpty();
            }
            assertThatThrownBy(producer::commitTransaction).isInstanceOf(KafkaException.class);
        }
    }

    @Test
    void aTimeoutAboveTheBrokersMaximumIsRefusedAtInit() {
        try (KafkaProducer<String, String> producer = transactional("greedy", Map.of("transaction.timeout.ms", 3_600_000))) {
            // the client wraps INVALID_TRANSACTION_TIMEOUT, with Kafka's message for it
            assertThatThrownBy(producer::initTransactions).isInstanceOf(KafkaException.class)
                    .hasMessageContaining("transaction.max.timeout.ms");
        }
    }

    @Test
    void adminSeesOpenTransactionsAndCanAbortAHangingOne() throws Exception {
        TopicPartition tp = topic("inventory", 2);
        try (KafkaProducer<String, String> producer = transactional("inventory-writer", Map.of())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("inventory", 0, "sku", "reserved"));
            producer.flush();

            TransactionDescription described = admin.describeTransactions(List.of("inventory-writer"))
                    .description("inventory-writer").get();
            assertThat(described.state()).isEqualTo(org.apache.kafka.clients.admin.TransactionState.ONGOING);
            assertThat(described.topicPartitions()).containsExactly(tp);
            assertThat(listTransactions("inventory-writer")).hasSize(1);

            List<ProducerState> producers = admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers();
            assertThat(producers).hasSize(1);
            ProducerState open = producers.get(0);
            assertThat(open.currentTransactionStartOffset()).hasValue(0);

            // what kafka-transactions.sh abort does for a hanging transaction: write the ABORT marker itself
            admin.abortTransaction(new AbortTransactionSpec(tp, open.producerId(), (short) open.producerEpoch(),
                    open.coordinatorEpoch().orElse(0))).all().get();

            assertThat(admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers().get(0)
                    .currentTransactionStartOffset()).isEmpty();
            try (KafkaConsumer<String, String> committed = reader(IsolationLevel.READ_COMMITTED)) {
                assertThat(committed.endOffsets(List.of(tp))).containsEntry(tp, 2L);
            }
        }
    }

    private static List<TransactionListing> listTransactions(String transactionalId) throws Exception {
        return admin.listTransactions(new ListTransactionsOptions()).all().get().stream()
                .filter(t -> t.transactionalId().equals(transactionalId)).toList();
    }
}
