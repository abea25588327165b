package io.kafkalite.realkafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * The second JVM's entry point: formats a KRaft log directory and runs one combined broker and controller, as
 * {@code kafka-storage.sh format} and {@code kafka-server-start.sh} would, until its standard input closes (the
 * test JVM closed it, or died).
 *
 * <p>Arguments: the work directory, then broker configs as {@code name=value} that override the test defaults.
 * Once clients can connect, the bootstrap address is written to {@value #READY_FILE} in the work directory.
 */
public final class RealKafkaMain {

    static final String READY_FILE = "bootstrap-servers";

    private RealKafkaMain() {
    }

    public static void main(String[] args) throws Exception {
        Path workDirectory = Path.of(args[0]);
        int brokerPort = freePort();
        int controllerPort = freePort();
        Properties config = testConfig(workDirectory.resolve("data"), brokerPort, controllerPort);
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            config.setProperty(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        Path configFile = workDirectory.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(configFile)) {
            config.store(out, "written by " + RealKafkaMain.class.getName());
        }

        int formatted = StorageTool.execute(new String[] {"format", "--cluster-id", Uuid.randomUuid().toString(),
                "--config", configFile.toString()}, new PrintStream(System.out, true, StandardCharsets.UTF_8));
        if (formatted != 0) {
            System.exit(formatted);
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
        server.startup();

        Path ready = workDirectory.resolve(READY_FILE);
        Path partial = workDirectory.resolve(READY_FILE + ".tmp");
        Files.writeString(partial, "127.0.0.1:" + brokerPort);
        Files.move(partial, ready, StandardCopyOption.ATOMIC_MOVE);

        while (System.in.read() != -1) {
            // the test JVM never writes; end of input means it is done with us
        }
        server.shutdown();
        server.awaitShutdown();
        System.exit(0); // Kafka leaves non-daemon threads behind
    }

    /**
     * A single-node cluster configured for tests: internal topics with one replica and one partition (a first
     * consumer group then costs one partition, not fifty), no delay before the first rebalance.
     */
    private static Properties testConfig(Path dataDirectory, int brokerPort, int controllerPort) {
        Properties config = new Properties();
        config.setProperty("process.roles", "broker,controller");
        config.setProperty("node.id", "1");
        config.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        config.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        config.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        config.setProperty("controller.listener.names", "CONTROLLER");
        config.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.setProperty("inter.broker.listener.name", "PLAINTEXT");
        config.setProperty("log.dirs", dataDirectory.toString());
        config.setProperty("offsets.topic.replication.factor", "1");
        config.setProperty("offsets.topic.num.partitions", "1");
        config.setProperty("transaction.state.log.replication.factor", "1");
        config.setProperty("transaction.state.log.min.isr", "1");
        config.setProperty("transaction.state.log.num.partitions", "1");
        config.setProperty("share.coordinator.state.topic.replication.factor", "1");
        config.setProperty("share.coordinator.state.topic.min.isr", "1");
        config.setProperty("group.initial.rebalance.delay.ms", "0");
        return config;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
