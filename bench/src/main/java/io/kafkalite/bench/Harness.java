package io.kafkalite.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts the JVMs a scenario needs: brokers ({@link BrokerProcess}), one client JVM per repetition
 * ({@link ClientMain}) and fresh JVMs that hold a broker and its client together ({@link Probes}).
 */
final class Harness {

    /** Clients retrying against a failing broker would log a warning per partition and attempt. */
    private static final List<String> CLIENT_LOGGING = List.of("-Dorg.slf4j.simpleLogger.log.org.apache.kafka=error");

    private final String benchClasspath;
    private final String kafkaliteClasspath;
    private final boolean quick;
    private SecureListener secureListener;

    private Harness(String benchClasspath, String kafkaliteClasspath, boolean quick) {
        this.benchClasspath = benchClasspath;
        this.kafkaliteClasspath = kafkaliteClasspath;
        this.quick = quick;
    }

    /**
     * Kafkalite's broker JVM runs from the standalone jar (system property {@code bench.kafkalite.jar}) plus the
     * bench's own classes for {@link BrokerHost}; everything else runs on the bench's class path (Kafka 4.2.1's
     * broker and clients).
     */
    static Harness create(boolean quick) throws IOException {
        String jar = System.getProperty("bench.kafkalite.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IOException("Kafkalite's standalone jar not found at '" + jar + "': run the bench as "
                    + "mvn -B -Pbench -DskipTests verify -pl bench -am (it builds broker/target/kafkalite.jar)");
        }
        Path benchClasses;
        try {
            benchClasses = Path.of(Harness.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        return new Harness(System.getProperty("java.class.path"),
                benchClasses + java.io.File.pathSeparator + jar, quick);
    }

    boolean quick() {
        return quick;
    }

    String brokerClasspath(Broker broker) {
        return broker == Broker.KAFKALITE ? kafkaliteClasspath : benchClasspath;
    }

    BrokerProcess startBroker(BrokerProcess.Spec spec) throws Exception {
        return BrokerProcess.start(spec, this);
    }

    /** The SASL_SSL listener both brokers get in the security scenarios: its keystore is generated on first use. */
    synchronized SecureListener secureListener() throws IOException, InterruptedException {
        if (secureListener == null) {
            secureListener = SecureListener.create();
        }
        return secureListener;
    }

    /**
     * Runs a client workload in a fresh JVM against {@code broker} (on its secure listener, with the client settings
     * file as parameter {@code clientConfig}, if it has one for clients); its results, or an exception on failure.
     */
    Map<String, Double> runClient(ClientWorkload workload, BrokerProcess broker, Map<String, Object> params,
                                  Duration timeout) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>();
        args.add(workload.name());
        args.add("bootstrap=" + broker.clientBootstrap());
        args.add("brokerPid=" + broker.pid());
        if (broker.clientConfigFile() != null) {
            args.add("clientConfig=" + broker.clientConfigFile());
        }
        params.forEach((k, v) -> args.add(k + "=" + v));
        return results(ChildJvm.start("client-" + workload.id() + "-" + broker.broker().label(), benchClasspath,
                ClientMain.class.getName(), args, 0, CLIENT_LOGGING), timeout);
    }

    /** Runs a {@link Probes} measurement (broker and client in one fresh JVM). */
    Map<String, Double> runProbe(String kind, Broker broker, Duration timeout) throws IOException, InterruptedException {
        return results(ChildJvm.start("probe-" + kind + "-" + broker.label(), benchClasspath, Probes.class.getName(),
                List.of(kind, broker.label()), 0, List.of()), timeout);
    }

    private static Map<String, Double> results(ChildJvm jvm, Duration timeout) throws IOException, InterruptedException {
        try (jvm) {
            Map<String, Double> results = new LinkedHashMap<>();
            jvm.await("result", timeout).forEach((k, v) -> results.put(k, Double.parseDouble(v)));
            jvm.awaitExit(Duration.ofSeconds(30));
            return results;
        }
    }
}
