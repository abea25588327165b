package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** A closed broker leaves nothing behind: no thread, no temporary directory, no file under the user's home. */
class LifecycleTest {

    private static Set<Thread> threads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
    }

    /** Broker threads are named kafkalite-*; Chronicle names its own with '~' or "chronicle". */
    private static boolean brokerOwned(Thread thread) {
        String name = thread.getName().toLowerCase();
        return name.startsWith("kafkalite-") || name.contains("chronicle") || name.contains("~");
    }

    @Test
    void closeStopsEveryThreadTheBrokerStartedAndDeletesItsTemporaryDirectory() throws Exception {
        Set<Thread> before = threads();
        KafkaLite broker = KafkaLite.builder().topic("work", 2).start();
        Path dataDirectory = broker.dataDirectory();
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("work", i % 2, "k", "v" + i)).get();
            }
        }
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
            assertThat(Clients.readAll(consumer, List.of(new TopicPartition("work", 0), new TopicPartition("work", 1)), 10))
                    .hasSize(10);
        }
        assertThat(threads().stream().filter(t -> !before.contains(t)).filter(LifecycleTest::brokerOwned))
                .as("the broker runs its own threads while open").isNotEmpty();

        broker.close();
        broker.close(); // idempotent

        // kafka-clients' own threads end asynchronously after close(); the broker's are joined by close()
        List<Thread> left = threads().stream().filter(t -> !before.contains(t)).filter(LifecycleTest::brokerOwned).toList();
        assertThat(left).as("threads left after close: %s", left).isEmpty();
        assertThat(dataDirectory).doesNotExist();
    }

    @Test
    void aStartThatFailsLeavesNoThreadPortOrDirectoryBehind() throws Exception {
        Set<Thread> before = threads();
        Set<Path> dirsBefore = temporaryDirectories();
        assertThatThrownBy(() -> KafkaLite.builder().topic("not a valid name!", 1).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a valid name!");
        assertThat(threads().stream().filter(t -> !before.contains(t)).filter(LifecycleTest::brokerOwned).toList()).isEmpty();
        assertThat(temporaryDirectories()).isEqualTo(dirsBefore);
    }

    private static Set<Path> temporaryDirectories() throws Exception {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.filter(p -> p.getFileName().toString().startsWith("kafkalite-")).collect(Collectors.toSet());
        }
    }

    @Test
    void nothingIsWrittenUnderTheUsersHome() throws Exception {
        Path home = Path.of(System.getProperty("user.home"));
        try (KafkaLite broker = KafkaLite.builder().topic("home-check", 1).start();
             KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            producer.send(new ProducerRecord<>("home-check", "k", "v")).get();
        }
        if (Files.exists(home)) {
            try (Stream<Path> files = Files.walk(home)) {
                assertThat(files.filter(Files::isRegularFile).toList())
                        .as("files under user.home=%s", home).isEmpty();
            }
        }
    }

    @Test
    void aGivenDataDirectoryIsKeptOnClose(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        try (KafkaLite broker = KafkaLite.builder().dataDirectory(data).topic("kept", 1).start();
             KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            producer.send(new ProducerRecord<>("kept", "k", "v")).get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(data).isDirectory();
        try (Stream<Path> files = Files.list(data)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).contains("log", "metadata");
        }
    }
}
