package io.kafkalite.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kafkalite.KafkaLite;
import io.kafkalite.realkafka.KafkaTool;
import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * {@code kafka-transactions.sh} (Kafka 4.4's {@code TransactionsCommand}, in a JVM of its own on Kafka's jars) on an
 * open transaction, as an operator looks for and ends a stuck one. Its answers were compared with Kafka 4.2.1's own
 * broker going through the same steps: the same states, epochs and offsets.
 */
class TransactionsToolTest {

    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);

    /** The broker of the running test, for the tool's {@code --bootstrap-server}. */
    private String bootstrap;

    @Test
    void theToolListsDescribesAbortsAndTerminatesAnOpenTransaction() throws Exception {
        String topic = "tool-transactions";
        String transactionalId = "tool-open";
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaLite broker = KafkaLite.builder().topic(topic, 1).start();
             KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(),
                     Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                             ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000))) {
            bootstrap = broker.bootstrapServers();
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "committed")).get();
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "left open")).get(); // offsets: 0 record, 1 marker, 2 open

            assertThat(table("list")).containsExactly(
                    row("TransactionalId", transactionalId, "Coordinator", "1", "ProducerId", "0",
                            "TransactionState", "Ongoing"));
            Map<String, String> described = single(table("describe", "--transactional-id", transactionalId));
            assertThat(described).containsEntry("TransactionState", "Ongoing")
                    .containsEntry("ProducerEpoch", "1") // transaction version 2: the commit bumped it
                    .containsEntry("TransactionTimeoutMs", "60000")
                    .containsEntry("TopicPartitions", topic + "-0");
            Map<String, String> producerState = single(producers(topic));
            assertThat(producerState).containsEntry("ProducerId", "0").containsEntry("ProducerEpoch", "1")
                    .containsEntry("LastSequence", "0").containsEntry("CurrentTransactionStartOffset", "2");
            // the transaction is live at its coordinator, so it is not hanging
            assertThat(table("find-hanging", "--topic", topic)).isEmpty();

            // what an operator does with a transaction stuck on a partition: write its ABORT marker there
            KafkaTool.Result aborted = tool("abort", "--topic", topic, "--partition", "0", "--start-offset", "2");
            assertThat(aborted.exitCode()).as(aborted.errors()).isZero();
            assertThat(single(producers(topic))).containsEntry("CurrentTransactionStartOffset", "None");
            try (KafkaConsumer<String, String> committed = Clients.consumer(bootstrap,
                    Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
                assertThat(committed.endOffsets(List.of(partition))).containsEntry(partition, 4L);
            }

            // KIP-939's forced end at the coordinator: the producer is fenced and the transactional id is free
            KafkaTool.Result terminated = tool("forceTerminateTransaction", "--transactionalId", transactionalId);
            assertThat(terminated.exitCode()).as(terminated.errors()).isZero();
            assertThat(single(table("describe", "--transactional-id", transactionalId)))
                    .containsEntry("TransactionState", "Empty")
                    .containsEntry("ProducerEpoch", "3")
                    .containsEntry("TopicPartitions", "");
            assertThatThrownBy(producer::commitTransaction).isInstanceOf(KafkaException.class);
        }
    }

    private List<Map<String, String>> producers(String topic) {
        return table("describe-producers", "--topic", topic, "--partition", "0");
    }

    private KafkaTool.Result tool(String... args) {
        List<String> command = new ArrayList<>(List.of("--bootstrap-server", bootstrap));
        command.addAll(Arrays.asList(args));
        return KafkaTool.run("org.apache.kafka.tools.TransactionsCommand", TOOL_TIMEOUT, command.toArray(String[]::new));
    }

    /** The tool's tab-separated table, a map from column to value per row. */
    private List<Map<String, String>> table(String... args) {
        KafkaTool.Result result = tool(args);
        assertThat(result.exitCode()).as("kafka-transactions.sh %s: %s", String.join(" ", args), result.errors())
                .isZero();
        List<String> lines = result.output().lines().filter(line -> !line.isBlank()).toList();
        assertThat(lines).as("kafka-transactions.sh %s printed no header", String.join(" ", args)).isNotEmpty();
        String[] header = cells(lines.get(0));
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] values = cells(line);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], i < values.length ? values[i] : "");
            }
            rows.add(row);
        }
        return rows;
    }

    private static String[] cells(String line) {
        // columns are padded with spaces and each ends with a tab, the last one too
        return Arrays.stream(line.split("\t")).map(String::trim).toArray(String[]::new);
    }

    private static Map<String, String> single(List<Map<String, String>> rows) {
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    private static Map<String, String> row(String... columnsAndValues) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            row.put(columnsAndValues[i], columnsAndValues[i + 1]);
        }
        return row;
    }
}
