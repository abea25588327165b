package io.kafkalite.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kafkajs, the pure JavaScript client with a protocol implementation of its own, as a Node.js service's tests drive
 * it: each scenario is one {@code node} run of {@code src/test/kafkajs/client.js}. kafkajs is installed from the npm
 * registry into {@code target/kafkajs} by {@code npm ci}, at the version {@code package-lock.json} pins.
 */
class KafkajsTest extends OtherClientTransactionsTest {

    private static Path clientDirectory;

    /**
     * Copies the client and its lock file to {@code target/kafkajs} and installs kafkajs there once (again when the
     * lock file changed). Without node and npm the tests are skipped; on CI they fail.
     */
    @BeforeAll
    static void installKafkajs() throws Exception {
        if (!ClientProcess.works("node", "--version") || !ClientProcess.works("npm", "--version")) {
            ClientProcess.unavailable(
                    "Node.js and npm are not installed (apt-get install nodejs npm, or run `bash scripts/test`)");
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
            ClientProcess.Result installed = ClientProcess.run(
                    List.of("npm", "ci", "--no-audit", "--no-fund", "--prefix", directory.toString()),
                    directory.getParent(), Map.of(), 300);
            if (installed.exitCode() != 0) {
                ClientProcess.unavailable("npm could not install kafkajs into " + directory
                        + " (is the npm registry reachable?):\n" + installed.output());
            }
        }
        clientDirectory = directory;
    }

    @Override
    String client(String scenario, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", "client.js", broker.bootstrapServers(), scenario));
        command.addAll(List.of(args));
        return ClientProcess.resultLine("kafkajs " + scenario, ClientProcess.run(command, clientDirectory,
                Map.of("KAFKAJS_NO_PARTITIONER_WARNING", "1"), 120));
    }

    @Override
    String name() {
        return "kafkajs";
    }

    @Test
    void kafkajsAdminCreatesATopicThatJavaClientsSee() throws Exception {
        assertThat(client("admin", "kafkajs-admin")).isEqualTo("{\"listed\":true,\"partitions\":3}");
        try (Admin admin = Clients.admin(broker.bootstrapServers())) {
            assertThat(admin.describeTopics(List.of("kafkajs-admin")).allTopicNames().get().get("kafkajs-admin")
                    .partitions()).hasSize(3);
        }
    }
}
