package io.kafkalite.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kafkalite.KafkaLite;
import io.kafkalite.security.GeneratedCertificates;
import org.agrona.concurrent.ShutdownSignalBarrier;

/**
 * The standalone broker: {@code java -jar kafkalite.jar [--host H] [--port P] [--data-dir D] [--config k=v]...}.
 * Prints each listener and the generated TLS files (if any), then {@code Kafkalite ready at H:P} once it accepts
 * connections, and stops cleanly on SIGTERM or Ctrl-C.
 */
public final class Main {

    static final String USAGE = String.join(System.lineSeparator(),
            "Usage: java -jar kafkalite.jar [options]",
            "  --host HOST          address of the PLAINTEXT listener, bound and advertised (default 127.0.0.1)",
            "  --port PORT          its port (default 9092; 0 picks a free port)",
            "  --data-dir DIR       keep data in DIR across restarts (default: a temporary directory)",
            "  --config NAME=VALUE  a broker config by its Kafka name, e.g. num.partitions=3 (repeatable);",
            "                       listeners=PLAINTEXT://127.0.0.1:9092,SASL_SSL://0.0.0.0:9093 replaces --host/--port",
            "  --add-scram 'SCRAM-SHA-256=[name=alice,password=alice-secret]'",
            "                       a SCRAM credential, as kafka-storage format --add-scram takes it (repeatable;",
            "                       iterations=N optional, default 4096)",
            "  --help               print this help");

    private Main() {
    }

    public static void main(String[] args) {
        configureConsoleLogging();
        Options options;
        try {
            options = Options.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("kafkalite: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.println(USAGE);
            return;
        }
        KafkaLite broker;
        try {
            KafkaLite.Builder builder = KafkaLite.builder().brokerConfigs(options.configs);
            if (!options.configs.containsKey("listeners")) {
                builder.host(options.host).port(options.port);
            } else if (options.hostOrPortGiven) {
                throw new IllegalArgumentException("--host/--port and --config listeners=... both name the address; "
                        + "use only listeners (e.g. --config listeners=PLAINTEXT://" + options.host + ":" + options.port + ")");
            }
            if (options.dataDirectory != null) {
                builder.dataDirectory(options.dataDirectory);
            }
            for (ScramOption scram : options.scram) {
                builder.scramCredential(scram.mechanism(), scram.name(), scram.password(), scram.iterations());
            }
            broker = builder.start();
        } catch (RuntimeException e) {
            System.err.println("kafkalite: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
        PrintStream out = System.out;
        List<String> names = broker.listenerNames();
        if (names.size() > 1) {
            names.forEach(name -> out.println("  listener " + name + " at " + broker.bootstrapServers(name)));
        }
        if (broker.hasGeneratedCertificates()) {
            GeneratedCertificates certificates = broker.certificates();
            out.println("  TLS: the broker's test CA is " + certificates.caCertificateFile() + " (ssl.ca.location); "
                    + "Java clients: ssl.truststore.location=" + certificates.truststoreFile()
                    + " ssl.truststore.password=" + certificates.truststorePassword());
        }
        out.println("Kafkalite ready at " + broker.bootstrapServers());
        out.flush();
        barrier.await();
        broker.close();
    }

    /** The jar logs through slf4j-simple; quiet Chronicle, keep our own INFO lines short. */
    private static void configureConsoleLogging() {
        Map<String, String> defaults = Map.of(
                "org.slf4j.simpleLogger.defaultLogLevel", "info",
                "org.slf4j.simpleLogger.log.net.openhft", "warn",
                "org.slf4j.simpleLogger.showDateTime", "true",
                "org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS",
                "org.slf4j.simpleLogger.showThreadName", "false",
                "org.slf4j.simpleLogger.showShortLogName", "true");
        defaults.forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
    }

    /** Parsed command line. */
    static final class Options {
        String host = "127.0.0.1";
        int port = 9092;
        boolean hostOrPortGiven;
        Path dataDirectory;
        final Map<String, String> configs = new LinkedHashMap<>();
        final List<ScramOption> scram = new java.util.ArrayList<>();
        boolean help;

        static Options parse(List<String> args) {
            Options options = new Options();
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                switch (arg) {
                    case "--help", "-h" -> options.help = true;
                    case "--host" -> {
                        options.host = value(args, ++i, arg);
                        options.hostOrPortGiven = true;
                    }
                    case "--port" -> {
                        options.port = port(value(args, ++i, arg));
                        options.hostOrPortGiven = true;
                    }
                    case "--data-dir" -> options.dataDirectory = Path.of(value(args, ++i, arg));
                    case "--config" -> {
                        String setting = value(args, ++i, arg);
                        int eq = setting.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("--config takes NAME=VALUE, got '" + setting + "'");
                        }
                        options.configs.put(setting.substring(0, eq), setting.substring(eq + 1));
                    }
                    case "--add-scram" -> options.scram.add(ScramOption.parse(value(args, ++i, arg)));
                    default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
                }
            }
            return options;
        }

        private static String value(List<String> args, int index, String option) {
            if (index >= args.size()) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args.get(index);
        }

        private static int port(String text) {
            try {
                int port = Integer.parseInt(text);
                if (port >= 0 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("--port takes a number from 0 to 65535, got '" + text + "'");
        }
    }

    /** {@code MECHANISM=[name=N,password=P(,iterations=I)]}, the syntax of kafka-storage's --add-scram. */
    record ScramOption(String mechanism, String name, String password, int iterations) {
        static ScramOption parse(String text) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("([A-Z0-9-]+)=\\[(.*)]").matcher(text.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("--add-scram takes 'SCRAM-SHA-256=[name=alice,password=alice-secret]', got '"
                        + text + "'");
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (String field : m.group(2).split(",")) {
                int eq = field.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--add-scram field '" + field + "' is not key=value");
                }
                fields.put(field.substring(0, eq).trim(), field.substring(eq + 1).trim().replaceAll("^\"|\"$", ""));
            }
            if (!fields.containsKey("name") || !fields.containsKey("password")) {
                throw new IllegalArgumentException("--add-scram needs name= and password=, got '" + text + "'");
            }
            int iterations;
            try {
                iterations = Integer.parseInt(fields.getOrDefault("iterations", "4096"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--add-scram iterations must be a number, got '" + fields.get("iterations") + "'");
            }
            return new ScramOption(m.group(1), fields.get("name"), fields.get("password"), iterations);
        }
    }
}
