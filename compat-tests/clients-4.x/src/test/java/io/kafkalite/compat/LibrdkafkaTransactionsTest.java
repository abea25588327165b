package io.kafkalite.compat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;

/**
 * librdkafka's transactional producer and read_committed consumer, which kcat cannot drive, through its Python
 * binding (Debian's {@code python3-confluent-kafka}, the binding Confluent's Go, .NET and Python clients share the
 * C library with): each scenario is one run of {@code src/test/librdkafka/client.py}.
 */
class LibrdkafkaTransactionsTest extends OtherClientTransactionsTest {

    /** Debian's interpreter, the one its python3-confluent-kafka package installs for. */
    private static final String DEBIAN_PYTHON = "/usr/bin/python3";

    private static String python;
    private static Path script;

    @BeforeAll
    static void findBinding() {
        python = Files.isExecutable(Path.of(DEBIAN_PYTHON)) ? DEBIAN_PYTHON : "python3";
        if (!ClientProcess.works(python, "-c", "import confluent_kafka")) {
            ClientProcess.unavailable("librdkafka's Python binding is not installed (apt-get install"
                    + " python3-confluent-kafka, or run `bash scripts/test`)");
        }
        script = Path.of(System.getProperty("librdkafka.sources", "src/test/librdkafka")).resolve("client.py")
                .toAbsolutePath();
    }

    @Override
    String client(String scenario, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(python, script.toString(), broker.bootstrapServers(), scenario));
        command.addAll(List.of(args));
        return ClientProcess.resultLine("librdkafka " + scenario,
                ClientProcess.run(command, script.getParent(), Map.of(), 120));
    }

    @Override
    String name() {
        return "librdkafka";
    }
}
