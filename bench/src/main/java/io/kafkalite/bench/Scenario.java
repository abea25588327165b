package io.kafkalite.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One benchmark: how a repetition runs against one broker, how many repetitions, and which figures its results
 * feed. {@link BenchmarkMain} opens a {@link Trial} per broker and interleaves their repetitions.
 *
 * <p>Most scenarios are a client workload ({@link #client}): both brokers run, each in a JVM of its own, and
 * every repetition is a fresh client JVM; one unmeasured repetition per broker warms both equally.
 */
final class Scenario {

    /** What a scenario runs against one broker; closing it stops every JVM it started. */
    interface Trial extends AutoCloseable {
        /** One measured repetition: results by name. */
        Map<String, Double> repetition() throws Exception;

        @Override
        void close();
    }

    /** Opens a scenario's trial for one broker (starting and warming what it needs). */
    @FunctionalInterface
    interface TrialFactory {
        Trial open(Broker broker, Harness harness) throws Exception;
    }

    private final String group;
    private final String title;
    private final int repetitions;
    private final Set<Broker> brokers;
    private final List<Figure> figures;
    private final TrialFactory trials;

    Scenario(String group, String title, int repetitions, Set<Broker> brokers, List<Figure> figures,
             TrialFactory trials) {
        this.group = group;
        this.title = title;
        this.repetitions = repetitions;
        this.brokers = brokers;
        this.figures = List.copyOf(figures);
        this.trials = trials;
    }

    /** Name for {@code --only}. */
    String group() {
        return group;
    }

    String title() {
        return title;
    }

    int repetitions() {
        return repetitions;
    }

    Set<Broker> brokers() {
        return brokers;
    }

    List<Figure> figures() {
        return figures;
    }

    Trial open(Broker broker, Harness harness) throws Exception {
        return trials.open(broker, harness);
    }

    static ClientBuilder client(String group, String title, ClientWorkload workload) {
        return new ClientBuilder(group, title, workload);
    }

    /** A client workload scenario, built fluently. */
    static final class ClientBuilder {
        private final String group;
        private final String title;
        private final ClientWorkload workload;
        private final Map<String, Object> params = new LinkedHashMap<>();
        private final List<Figure> figures = new ArrayList<>();
        private int repetitions = 5;
        private Set<Broker> brokers = Set.of(Broker.KAFKALITE, Broker.KAFKA);
        private boolean freshBroker;
        private boolean warmup = true;
        private boolean brokerStats;
        private int fileLimit;
        private boolean secure;
        private Duration timeout = Duration.ofMinutes(5);

        private ClientBuilder(String group, String title, ClientWorkload workload) {
            this.group = group;
            this.title = title;
            this.workload = workload;
        }

        ClientBuilder param(String name, Object value) {
            params.put(name, value);
            return this;
        }

        ClientBuilder repetitions(int count) {
            repetitions = count;
            return this;
        }

        ClientBuilder figure(Figure figure) {
            figures.add(figure);
            return this;
        }

        /** A new broker JVM for every repetition, not warmed (for workloads that change a broker for good). */
        ClientBuilder freshBroker() {
            freshBroker = true;
            return this;
        }

        /** No unmeasured first repetition, for workloads long enough to warm both brokers by themselves. */
        ClientBuilder withoutWarmup() {
            warmup = false;
            return this;
        }

        /**
         * The broker's heap after GC, threads, RSS and open files before and after each repetition, as results
         * {@code before.*}, {@code after.*} and {@code grown.*}.
         */
        ClientBuilder brokerStats() {
            brokerStats = true;
            return this;
        }

        /** Runs the broker JVM under {@code ulimit -n limit}. */
        ClientBuilder fileLimit(int limit) {
            fileLimit = limit;
            return this;
        }

        /**
         * The broker gets the {@link SecureListener} (SASL_SSL, SCRAM-SHA-512, the bench's keystore) beside its
         * plaintext one, and the workload's clients connect there with its settings.
         */
        ClientBuilder secure() {
            secure = true;
            return this;
        }

        ClientBuilder timeout(Duration limit) {
            timeout = limit;
            return this;
        }

        Scenario build() {
            Map<String, Object> fixed = Map.copyOf(params);
            return new Scenario(group, title, repetitions, brokers, figures, (broker, harness) -> {
                BrokerProcess.Spec spec = BrokerProcess.Spec.of(broker).withFileLimit(fileLimit);
                if (secure) {
                    spec = spec.withSecureListener(harness.secureListener());
                }
                return freshBroker ? new FreshBrokerTrial(harness, spec, fixed)
                        : new SharedBrokerTrial(harness, spec, fixed);
            });
        }

        private Map<String, Double> measure(Harness harness, BrokerProcess process, Map<String, Object> fixed)
                throws Exception {
            if (!brokerStats) {
                return harness.runClient(workload, process, fixed, timeout);
            }
            Map<String, Double> before = process.stats();
            Map<String, Double> results = new LinkedHashMap<>(harness.runClient(workload, process, fixed, timeout));
            Map<String, Double> after = process.stats();
            before.forEach((k, v) -> {
                results.put("before." + k, v);
                results.put("after." + k, after.get(k));
                results.put("grown." + k, after.get(k) - v);
            });
            return results;
        }

        /** One broker for all repetitions, warmed by one unmeasured repetition (unless told otherwise). */
        private final class SharedBrokerTrial implements Trial {
            private final Harness harness;
            private final Map<String, Object> fixed;
            private final BrokerProcess process;

            SharedBrokerTrial(Harness harness, BrokerProcess.Spec spec, Map<String, Object> fixed) throws Exception {
                this.harness = harness;
                this.fixed = fixed;
                this.process = harness.startBroker(spec);
                try {
                    if (warmup) {
                        harness.runClient(workload, process, fixed, timeout);
                    }
                } catch (Exception e) {
                    process.close();
                    throw new IllegalStateException("warm-up failed: " + e.getMessage(), e);
                }
            }

            @Override
            public Map<String, Double> repetition() throws Exception {
                return measure(harness, process, fixed);
            }

            @Override
            public void close() {
                process.close();
            }
        }

        /** A new broker JVM per repetition. */
        private final class FreshBrokerTrial implements Trial {
            private final Harness harness;
            private final BrokerProcess.Spec spec;
            private final Map<String, Object> fixed;

            FreshBrokerTrial(Harness harness, BrokerProcess.Spec spec, Map<String, Object> fixed) {
                this.harness = harness;
                this.spec = spec;
                this.fixed = fixed;
            }

            @Override
            public Map<String, Double> repetition() throws Exception {
                try (BrokerProcess process = harness.startBroker(spec)) {
                    return measure(harness, process, fixed);
                }
            }

            @Override
            public void close() {
                // each repetition closed its own broker
            }
        }
    }
}
