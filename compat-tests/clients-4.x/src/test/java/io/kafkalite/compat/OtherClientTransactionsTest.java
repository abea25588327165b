package io.kafkalite.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Transactions with a client that shares no code with kafka-clients, against the standalone jar in a process of its
 * own (as a project in another language runs it): the client's transactions read back by Java consumers, its
 * read_committed group consumer reading a Java producer's transactions, and consume-transform-produce with the
 * offsets committed in the transaction and an aborted first attempt. A subclass runs one scenario of its client
 * program per call of {@link #client}; each scenario prints one JSON line.
 */
abstract class OtherClientTransactionsTest {

    /** What the exactly-once scenario prints: 20 processed, one transaction aborted, and how many records it held. */
    private static final Pattern EXACTLY_ONCE_RESULT =
            Pattern.compile("\\{\"processed\":20,\"transactions\":\\d+,\"aborts\":1,\"abortedRecords\":(\\d+)}");

    static StandaloneJar broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = StandaloneJar.start();
    }

    @AfterAll
    static void stopBroker() throws InterruptedException {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    /** Runs {@code scenario} of the client program with the broker's address first; returns its JSON line. */
    abstract String client(String scenario, String... args) throws Exception;

    /** A name unique to this client, for topics, groups and transactional ids. */
    abstract String name();

    @Test
    void theClientsTransactionsAreReadByJavaConsumersAsCommittedAndAborted() throws Exception {
        String topic = name() + "-transactions";
        createTopic(topic);
        assertThat(client("transactions", topic, name() + "-transactional-id")).isEqualTo("{\"sent\":5}");

        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> committed = Clients.consumer(broker.bootstrapServers(),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            assertThat(values(Clients.readAll(committed, List.of(partition), 3)))
                    .containsExactly("committed-0", "committed-1", "committed-2");
            // two records and a marker, three records and a marker: the aborted transaction keeps its offsets
            assertThat(committed.endOffsets(List.of(partition))).containsEntry(partition, 7L);
        }
        try (KafkaConsumer<String, String> uncommitted = Clients.consumer(broker.bootstrapServers(), Map.of())) {
            assertThat(values(Clients.readAll(uncommitted, List.of(partition), 5)))
                    .containsExactly("aborted-0", "aborted-1", "committed-0", "committed-1", "committed-2");
        }
    }

    @Test
    void theClientsReadCommittedGroupSkipsWhatAJavaTransactionalProducerAborted() throws Exception {
        String topic = name() + "-read-committed";
        createTopic(topic);
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(),
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "java-for-" + name()))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "a", "aborted"));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "committed-" + i));
            }
            producer.commitTransaction();
        }

        String group = name() + "-group";
        assertThat(client("read-committed", topic, group, "3"))
                .isEqualTo("{\"values\":[\"committed-0\",\"committed-1\",\"committed-2\"]}");
        try (Admin admin = Clients.admin(broker.bootstrapServers())) {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(topic, 0));
            // aborted record 0, its marker 1, committed records 2 to 4, their marker 5: a client commits the offset
            // after the last record it handed out, or the one past the marker it also fetched
            assertThat(offset).isNotNull();
            assertThat(offset.offset()).isBetween(5L, 6L);
        }
    }

    @Test
    void theClientsConsumeTransformProduceWritesEveryInputOnceAndCommitsItsOffsetsWithTheTransaction()
            throws Exception {
        String input = name() + "-eos-in";
        String output = name() + "-eos-out";
        createTopic(input);
        createTopic(output);
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>(input, "k" + i, "value-" + i));
            }
        }

        String group = name() + "-eos-group";
        String result = client("exactly-once", input, output, group, name() + "-eos-id", "20");
        Matcher summary = EXACTLY_ONCE_RESULT.matcher(result);
        assertThat(summary.matches()).as(result).isTrue();
        int aborted = Integer.parseInt(summary.group(1));

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add("VALUE-" + i);
        }
        TopicPartition out = new TopicPartition(output, 0);
        try (KafkaConsumer<String, String> committed = Clients.consumer(broker.bootstrapServers(),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            assertThat(values(Clients.readAll(committed, List.of(out), 20))).containsExactlyElementsOf(expected);
            assertThat(committed.poll(Duration.ofMillis(500))).as("records beyond the committed output").isEmpty();
        }
        try (KafkaConsumer<String, String> uncommitted = Clients.consumer(broker.bootstrapServers(), Map.of())) {
            // the aborted first attempt is in the log too, for read_uncommitted readers
            List<String> all = values(Clients.readAll(uncommitted, List.of(out), aborted + 20));
            assertThat(all).hasSize(aborted + 20);
            assertThat(all.subList(0, aborted)).containsExactlyElementsOf(expected.subList(0, aborted));
            assertThat(all.subList(aborted, all.size())).containsExactlyElementsOf(expected);
        }
        try (Admin admin = Clients.admin(broker.bootstrapServers())) {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(input, 0));
            assertThat(offset).isNotNull();
            assertThat(offset.offset()).isEqualTo(20L);
        }
    }

    static void createTopic(String topic) throws Exception {
        try (Admin admin = Clients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }
}
