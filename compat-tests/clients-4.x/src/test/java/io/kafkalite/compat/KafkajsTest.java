package io.kafkalite.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kafkajs, the pure JavaScript client with a protocol implementation of its own, as a Node.js service's tests drive
 * it: against the standalone jar in a process of its own (a Node.js project has no JVM to embed the broker in), admin,
 * transactions, a read_committed group consumer and consume-transform-produce with offsets committed in the
 * transaction. Each scenario is {@code src/test/kafkajs/client.js} run by {@code node}; Java clients check what it
 * wrote and read. kafkajs is installed from the npm registry into {@code target/kafkajs} by {@code npm ci}, at
 * the version {@code package-lock.json} pins.
 */
class KafkajsTest {

    private static final long NODE_TIMEOUT_SECONDS = 120;

    static StandaloneJar broker;
    static Path clientDirectory;

    @BeforeAll
    static void start() throws Exception {
        clientDirectory = installKafkajs();
        broker = StandaloneJar.start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void kafkajsAdminCreatesATopicThatJavaClientsSee() throws Exception {
        String result = kafkajs("admin", "kafkajs-admin");
        assertThat(result).isEqualTo("{\"listed\":true,\"partitions\":3}");
        try (Admin admin = Clients.admin(broker.bootstrapServers())) {
            assertThat(admin.describeTopics(List.of("kafkajs-admin")).allTopicNames().get().get("kafkajs-admin")
                    .partitions()).hasSize(3);
        }
    }

    @Test
    void kafkajsTransactionsAreReadByJavaConsumersAsCommittedAndAborted() throws Exception {
        String topic = "kafkajs-transactions";
        createTopic(topic);
        assertThat(kafkajs("transactions", topic, "kafkajs-transactions-id")).isEqualTo("{\"sent\":5}");

        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> committed = Clients.consumer(broker.bootstrapServers(),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            assertThat(values(Clients.readAll(committed, List.of(partition), 3)))
                    .containsExactly("committed-0", "committed-1", "committed-2");
            // two records and a marker per transaction: what the aborted one wrote keeps its offsets
            assertThat(committed.endOffsets(List.of(partition))).containsEntry(partition, 7L);
        }
        try (KafkaConsumer<String, String> uncommitted = Clients.consumer(broker.bootstrapServers(), Map.of())) {
            assertThat(values(Clients.readAll(uncommitted, List.of(partition), 5)))
                    .containsExactly("aborted-0", "aborted-1", "committed-0", "committed-1", "committed-2");
        }
    }

    @Test
    void kafkajsGroupConsumerSkipsWhatAJavaTransactionalProducerAborted() throws Exception {
        String topic = "kafkajs-read-committed";
        createTopic(topic);
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(),
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "java-for-kafkajs"))) {
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

        String group = "kafkajs-group";
        assertThat(kafkajs("read-committed", topic, group, "3"))
                .isEqualTo("{\"values\":[\"committed-0\",\"committed-1\",\"committed-2\"]}");
        try (Admin admin = Clients.admin(broker.bootstrapServers())) {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(topic, 0));
            // kafkajs commits the offset after the last record it handed out (5); the commit marker sits at 5
            assertThat(offset).isNotNull();
            assertThat(offset.offset()).isEqualTo(5L);
        }
    }

    @Test
    void kafkajsConsumeTransformProduceWritesEveryInputOnceAndCommitsItsOffsetsWithTheTransaction() throws Exception {
        String input = "kafkajs-eos-in";
        String output = "kafkajs-eos-out";
        createTopic(input);
        createTopic(output);
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>(input, "k" + i, "value-" + i));
            }
        }

        String group = "kafkajs-eos-group";
        String result = kafkajs("exactly-once", input, output, group, "kafkajs-eos-id", "20");
        assertThat(result).startsWith("{\"processed\":20,").endsWith("\"aborts\":1}");

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
            assertThat(values(Clients.readAll(uncommitted, List.of(out), 40))).hasSize(40);
        }
        try (Admin admin = Clients.admin(broker.bootstrapServers())) {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(input, 0));
            assertThat(offset).isNotNull();
            assertThat(offset.offset()).isEqualTo(20L);
        }
    }

    private static void createTopic(String topic) throws Exception {
        try (Admin admin = Clients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }

    /** Runs one scenario of client.js; returns the JSON line it printed last, failing the test when it failed. */
    private static String kafkajs(String scenario, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", "client.js", broker.bootstrapServers(), scenario));
        command.addAll(List.of(args));
        Result result = run(command, NODE_TIMEOUT_SECONDS);
        assertThat(result.exitCode).as("kafkajs %s:%n%s", scenario, result.output).isZero();
        List<String> lines = result.output.lines().filter(line -> line.startsWith("{")).toList();
        assertThat(lines).as("kafkajs %s printed no result:%n%s", scenario, result.output).isNotEmpty();
        return lines.get(lines.size() - 1);
    }

    /**
     * Copies the client and its lock file to {@code target/kafkajs} and installs kafkajs there once (again when the
     * lock file changed). Without node and npm the tests are skipped, on CI they fail: `bash scripts/test` installs
     * both.
     */
    private static Path installKafkajs() throws Exception {
        if (!works("node", "--version") || !works("npm", "--version")) {
            unavailable("Node.js and npm are not installed (apt-get install nodejs npm, or run `bash scripts/test`)");
        }
        Path sources = Path.of(System.getProperty("kafkajs.sources", "src/test/kafkajs"));
        Path directory = Path.of(System.getProperty("kafkajs.directory", "target/kafkajs"));
        Files.createDirectories(directory);
        Path lock = directory.resolve("package-lock.json");
        boolean lockChanged = !Files.exists(lock)
                || Files.mismatch(lock, sources.resolve("package-lock.json")) != -1;
        for (String file : List.of("package.json", "package-lock.json", "client.js")) {
            Files.copy(sources.resolve(file), directory.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (lockChanged || !Files.exists(directory.resolve("node_modules/kafkajs/package.json"))) {
            Result installed = run(List.of("npm", "ci", "--no-audit", "--no-fund", "--prefix", directory.toString()),
                    300, directory.getParent());
            if (installed.exitCode != 0) {
                unavailable("npm could not install kafkajs into " + directory + " (is the npm registry reachable?):\n"
                        + installed.output);
            }
        }
        return directory;
    }

    private static void unavailable(String reason) {
        if (System.getenv("CI") != null) {
            fail(reason);
        }
        Assumptions.abort(reason);
    }

    private static boolean works(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Result run(List<String> command, long timeoutSeconds) throws Exception {
        return run(command, timeoutSeconds, clientDirectory);
    }

    private static Result run(List<String> command, long timeoutSeconds, Path workingDirectory) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile())
                .redirectErrorStream(true);
        builder.environment().put("KAFKAJS_NO_PARTITIONER_WARNING", "1");
        Process process = builder.start();
        process.getOutputStream().close();
        byte[][] output = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                output[0] = process.getInputStream().readAllBytes();
            } catch (IOException e) {
                output[0] = ("(output lost: " + e.getMessage() + ")").getBytes(StandardCharsets.UTF_8);
            }
        });
        reader.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            reader.join(TimeUnit.SECONDS.toMillis(10));
            fail(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s:\n"
                    + new String(output[0] == null ? new byte[0] : output[0], StandardCharsets.UTF_8));
        }
        reader.join();
        return new Result(process.exitValue(), new String(output[0], StandardCharsets.UTF_8));
    }

    private record Result(int exitCode, String output) {
    }
}
