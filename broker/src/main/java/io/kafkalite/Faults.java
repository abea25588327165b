package io.kafkalite;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.kafkalite.api.ApiRequest;
import io.kafkalite.api.KafkaApi;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault injection: rules that make the broker fail requests the way a struggling cluster does, on demand. Each rule
 * names the APIs it applies to (by Kafka's API names: {@code "Produce"}, {@code "FindCoordinator"}...), optional
 * filters, how many matching requests it acts on, and one action.
 *
 * <pre>{@code
 * broker.faults().on("Produce").topic("orders").partition(1).times(2).respondWith("NOT_LEADER_OR_FOLLOWER");
 * broker.faults().on("Produce").times(1).closeConnectionAfterApplying();   // appended, but the answer is lost
 * broker.faults().on("FindCoordinator").times(3).respondWith("COORDINATOR_NOT_AVAILABLE");
 * broker.faults().onAnyApi().clientId("payments-1").blackHole();           // never answered, socket kept open
 * }</pre>
 *
 * <p>The first installed rule that matches a request and still has requests to act on fires; each firing is
 * logged and kept in {@link #firings()}. A rule that could never fire (an API this broker does not serve, an error
 * that API never returns, a filter the API's requests cannot match) fails when it is made, with the reason.
 *
 * <p>A Produce refused with a retriable error fails the way a leader change does: the batches the same idempotent
 * producer had already sent behind the refused one to that partition get the same error until it is retried, so a
 * rule for {@code times(n)} requests never lets a producer's later batch overtake its refused one.
 *
 * <p>Rules stay until removed ({@link FaultRule#remove()}, {@link #clear()}), across {@link KafkaLite#restart()}
 * too. Thread-safe: tests make rules on their own thread, the broker matches them on its loop.
 */
public final class Faults {

    private static final Logger LOG = LoggerFactory.getLogger(Faults.class);
    private static final int FIRINGS_KEPT = 1000;

    private final Consumer<FaultRule> onRemoved;
    private final List<FaultRule> rules = new ArrayList<>();
    private final ArrayDeque<Firing> firings = new ArrayDeque<>();
    private long firingCount;
    private int nextId = 1;
    /** Read on every request: the broker skips matching entirely while no rule is installed. */
    private volatile boolean empty = true;

    /**
     * @param onRemoved told, on the caller's thread, of every rule removed (the broker lets go of what it held)
     */
    Faults(Consumer<FaultRule> onRemoved) {
        this.onRemoved = onRemoved;
    }

    /**
     * Starts a rule for requests of these APIs, named as in Kafka's protocol guide ({@code "Produce"},
     * {@code "Fetch"}, {@code "JoinGroup"}, {@code "ConsumerGroupHeartbeat"}...) or as constants
     * ({@code "LIST_OFFSETS"}); case does not matter.
     *
     * @param apiNames Kafka API names, e.g. {@code Produce}, {@code Fetch}
     * @return a builder for the rule
     * @throws IllegalArgumentException for a name that is no Kafka API
     */
    public RuleBuilder on(String... apiNames) {
        if (apiNames.length == 0) {
            throw new IllegalArgumentException("Name at least one API, e.g. on(\"Produce\"); onAnyApi() matches all");
        }
        Set<KafkaApi> apis = EnumSet.noneOf(KafkaApi.class);
        for (String name : apiNames) {
            apis.add(api(name));
        }
        return new RuleBuilder(apis);
    }

    /**
     * Starts a rule for requests of every API the broker serves (narrow it with {@link RuleBuilder#clientId}).
     *
     * @return a builder for the rule
     */
    public RuleBuilder onAnyApi() {
        return new RuleBuilder(null);
    }

    /**
     * Every installed rule in firing order, including those that have acted on all their requests.
     *
     * @return the rules, oldest first
     */
    public synchronized List<FaultRule> rules() {
        return List.copyOf(rules);
    }

    /**
     * What fired so far, oldest first (the last 1000 firings).
     *
     * @return the firings, oldest first
     */
    public synchronized List<Firing> firings() {
        return List.copyOf(firings);
    }

    /** Removes every rule; black-holed requests are let go by closing their connections. */
    public void clear() {
        List<FaultRule> removed;
        synchronized (this) {
            removed = List.copyOf(rules);
            rules.clear();
            empty = true;
            removed.forEach(FaultRule::markRemoved);
            notifyAll();
        }
        removed.forEach(onRemoved);
    }

    /**
     * The rules and the last firings, as the JUnit extension shows them when a test fails.
     *
     * @return the report, one line per rule and firing
     */
    public synchronized String report() {
        if (rules.isEmpty() && firings.isEmpty()) {
            return "no fault rules";
        }
        StringBuilder out = new StringBuilder("fault rules:");
        rules.forEach(r -> out.append("\n  ").append(r));
        if (rules.isEmpty()) {
            out.append(" none installed now");
        }
        out.append("\n fired ").append(firingCount).append(" time(s)").append(firingCount > 20 ? ", the last 20:" : ":");
        firings.stream().skip(Math.max(0, firings.size() - 20)).forEach(f -> out.append("\n  ").append(f));
        return out.toString();
    }

    @Override
    public String toString() {
        return report();
    }

    // ---------------------------------------------------------------- used by the broker loop

    boolean isEmpty() {
        return empty;
    }

    /**
     * Finds the rule that acts on {@code request} and counts its firing; null when none does. Subjects are read
     * only if a rule filters on them.
     */
    FaultRule fire(ApiRequest request, Supplier<RequestSubjects> subjects, long brokerTimeMillis) {
        FaultRule fired = null;
        RequestSubjects read = null;
        synchronized (this) {
            for (FaultRule rule : rules) {
                if (!rule.appliesTo(request.apiKey(), request.clientId())) {
                    continue;
                }
                if (rule.filtersOnSubjects() && read == null) {
                    read = subjects.get();
                }
                if (rule.matches(read) && rule.tryFire()) {
                    fired = rule;
                    break;
                }
            }
            if (fired == null) {
                return null;
            }
            firings.addLast(new Firing(fired.id(), fired.describe(), request.toString(), brokerTimeMillis));
            if (firings.size() > FIRINGS_KEPT) {
                firings.removeFirst();
            }
            firingCount++;
            notifyAll();
        }
        LOG.info("Fault rule {} fired on {}", fired, request);
        return fired;
    }

    // ---------------------------------------------------------------- used by FaultRule

    private synchronized FaultRule install(RuleBuilder builder, FaultRule.Action action, Errors error, long millis) {
        Set<KafkaApi> applicable = validate(builder, action, error);
        FaultRule rule = new FaultRule(this, nextId++, builder.apis == null ? null : applicable, applicable,
                builder.topic, builder.partition, builder.group, builder.transactionalId, builder.clientId,
                builder.times, builder.fraction, builder.seed, action, error, millis);
        rules.add(rule);
        empty = false;
        LOG.info("Fault rule {} installed", rule);
        return rule;
    }

    boolean remove(FaultRule rule) {
        boolean removed;
        synchronized (this) {
            removed = rules.remove(rule);
            empty = rules.isEmpty();
            rule.markRemoved();
            notifyAll();
        }
        if (removed) {
            onRemoved.accept(rule);
        }
        return removed;
    }

    /** Waits (on this monitor, which every firing notifies) until {@code rule} fired {@code count} times. */
    synchronized boolean awaitFired(FaultRule rule, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (rule.timesFired() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    // ---------------------------------------------------------------- validation

    /** The APIs the rule acts on; fails when it could never fire. */
    private Set<KafkaApi> validate(RuleBuilder rule, FaultRule.Action action, Errors error) {
        if (rule.partition != null && rule.topic == null) {
            throw new IllegalArgumentException("partition(" + rule.partition + ") needs topic(...): name the topic "
                    + "whose partition the rule is about");
        }
        if (rule.apis != null) {
            for (KafkaApi api : rule.apis) {
                String why = whyNever(api, rule, action, error);
                if (why != null) {
                    throw new IllegalArgumentException("The rule could never fire: " + why);
                }
            }
            return EnumSet.copyOf(rule.apis);
        }
        Set<KafkaApi> applicable = EnumSet.noneOf(KafkaApi.class);
        for (KafkaApi api : KafkaApi.values()) {
            if (whyNever(api, rule, action, error) == null) {
                applicable.add(api);
            }
        }
        if (applicable.isEmpty()) {
            throw new IllegalArgumentException("The rule could never fire: no API Kafkalite serves matches it ("
                    + whyNever(KafkaApi.PRODUCE, rule, action, error) + ", and likewise for the others)");
        }
        return applicable;
    }

    /** Why {@code rule} could never act on a request of {@code api}, or null when it can. */
    private static String whyNever(KafkaApi api, RuleBuilder rule, FaultRule.Action action, Errors error) {
        if (rule.topic != null && !RequestSubjects.NAME_TOPICS.contains(api)) {
            return api.kafkaName() + " requests name no topic, so topic(\"" + rule.topic + "\") never matches them";
        }
        if (rule.partition != null && !RequestSubjects.NAME_PARTITIONS.contains(api)) {
            return api.kafkaName() + " requests name no partition, so partition(" + rule.partition + ") never matches them";
        }
        if (rule.group != null && !RequestSubjects.NAME_GROUPS.contains(api)) {
            return api.kafkaName() + " requests name no group, so group(\"" + rule.group + "\") never matches them";
        }
        if (rule.transactionalId != null && !RequestSubjects.NAME_TRANSACTIONAL_IDS.contains(api)) {
            return api.kafkaName() + " requests name no transactional id, so transactionalId(\"" + rule.transactionalId
                    + "\") never matches them";
        }
        if (action == FaultRule.Action.RESPOND_WITH_ERROR && !ApiErrors.canReturn(api, error)) {
            return api.kafkaName() + " never returns " + error.name() + "; it returns " + ApiErrors.namesFor(api);
        }
        if (action == FaultRule.Action.THROTTLE && !ThrottleTime.canCarry(api)) {
            return api.kafkaName() + " responses have no throttle_time_ms";
        }
        return null;
    }

    private KafkaApi api(String name) {
        KafkaApi api = KafkaApi.forName(name);
        if (api != null) {
            return api;
        }
        // not one Kafkalite serves: say whether it is one of Kafka's (this loads all of Kafka's message classes)
        for (ApiKeys key : ApiKeys.values()) {
            if (KafkaApi.isNameOf(name, key.name, key.name())) {
                throw new IllegalArgumentException("Kafkalite does not serve " + key.name + ", so a rule on it would "
                        + "never fire; it serves " + names(EnumSet.allOf(KafkaApi.class)));
            }
        }
        throw new IllegalArgumentException("'" + name + "' is not a Kafka API; use the names of Kafka's protocol "
                + "guide, e.g. Produce, Fetch, Metadata, FindCoordinator, JoinGroup, OffsetCommit");
    }

    private static Errors error(String name) {
        String wanted = name.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
        Errors error;
        try {
            error = Errors.valueOf(wanted);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + name + "' is not a Kafka error name; use the names of Kafka's "
                    + "protocol guide, e.g. NOT_LEADER_OR_FOLLOWER, COORDINATOR_NOT_AVAILABLE, REBALANCE_IN_PROGRESS");
        }
        if (error == Errors.NONE) {
            throw new IllegalArgumentException("NONE is no error; remove the rule to let requests through");
        }
        if (error == Errors.NETWORK_EXCEPTION) {
            throw new IllegalArgumentException("Brokers never send NETWORK_EXCEPTION: clients raise it when a "
                    + "connection drops. Use closeConnectionBeforeApplying() or closeConnectionAfterApplying()");
        }
        return error;
    }

    private static String names(Set<KafkaApi> apis) {
        return apis.stream().map(KafkaApi::kafkaName).sorted().collect(Collectors.joining(", "));
    }

    /**
     * One firing of a rule: which rule, on which request, at what broker time.
     *
     * @param ruleId the rule's id, as {@link FaultRule#id()} gives it
     * @param rule what the rule matches and does, e.g. {@code #1 Produce topic=orders, 2 request(s): respond
     *     NOT_LEADER_OR_FOLLOWER}
     * @param request the request it fired on: API, version, correlation id and client
     * @param brokerTimeMillis the broker clock's time of the firing (the manual clock's, when the broker has one)
     */
    public record Firing(int ruleId, String rule, String request, long brokerTimeMillis) {
        @Override
        public String toString() {
            return "#" + ruleId + " on " + request + " at broker time " + brokerTimeMillis;
        }
    }

    /**
     * A fault rule being written: filters and a count, then one action, which installs it. Without {@link #times}
     * or {@link #fraction} the rule acts on every matching request until removed.
     */
    public final class RuleBuilder {
        private final Set<KafkaApi> apis;
        private String topic;
        private Integer partition;
        private String group;
        private String transactionalId;
        private String clientId;
        private int times;
        private double fraction = 1.0;
        private long seed = 1;

        private RuleBuilder(Set<KafkaApi> apis) {
            this.apis = apis;
        }

        /**
         * Only requests naming this topic. For Produce, Fetch and ListOffsets an error goes to this topic's
         * partitions alone, the others are served (a partial failure); for Metadata to this topic alone; other
         * APIs fail as a whole when they name it.
         *
         * @param name the topic's name
         * @return this builder
         */
        public RuleBuilder topic(String name) {
            this.topic = requireText(name, "topic");
            return this;
        }

        /**
         * Only this partition of {@link #topic}: with Produce, one partition of a multi-partition request fails.
         *
         * @param index the partition's index
         * @return this builder
         */
        public RuleBuilder partition(int index) {
            if (index < 0) {
                throw new IllegalArgumentException("partition must be 0 or more, got " + index);
            }
            this.partition = index;
            return this;
        }

        /**
         * Only requests naming this consumer group (JoinGroup, Heartbeat, OffsetCommit, FindCoordinator...).
         *
         * @param groupId the consumer group's id
         * @return this builder
         */
        public RuleBuilder group(String groupId) {
            this.group = requireText(groupId, "group");
            return this;
        }

        /**
         * Only requests naming this transactional id (InitProducerId, EndTxn, FindCoordinator...).
         *
         * @param id the transactional id
         * @return this builder
         */
        public RuleBuilder transactionalId(String id) {
            this.transactionalId = requireText(id, "transactionalId");
            return this;
        }

        /**
         * Only requests from clients with this {@code client.id}.
         *
         * @param id the client id
         * @return this builder
         */
        public RuleBuilder clientId(String id) {
            this.clientId = requireText(id, "clientId");
            return this;
        }

        /**
         * Act on the next {@code count} matching requests only.
         *
         * @param count how many matching requests the rule fires on
         * @return this builder
         */
        public RuleBuilder times(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("times must be 1 or more, got " + count);
            }
            this.times = count;
            return this;
        }

        /**
         * Act on about this fraction of matching requests, chosen by a random generator seeded with {@link #seed}
         * (1 unless set), so a run repeats exactly. Combines with {@link #times}.
         *
         * @param share the share of matching requests, from 0 to 1
         * @return this builder
         */
        public RuleBuilder fraction(double share) {
            if (!(share > 0 && share <= 1)) {
                throw new IllegalArgumentException("fraction must be above 0 and at most 1, got " + share);
            }
            this.fraction = share;
            return this;
        }

        /**
         * Seed of the generator behind {@link #fraction}.
         *
         * @param value the seed
         * @return this builder
         */
        public RuleBuilder seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * Answers with this Kafka error (by name, e.g. {@code "NOT_LEADER_OR_FOLLOWER"}) without applying the
         * request: nothing is appended, committed or joined. With {@link #topic}/{@link #partition} on Produce,
         * Fetch and ListOffsets only those partitions fail.
         *
         * @param errorName a Kafka error name, e.g. {@code NOT_LEADER_OR_FOLLOWER}
         * @return the rule, active from now on
         * @throws IllegalArgumentException for an unknown error or one these APIs never return
         */
        public FaultRule respondWith(String errorName) {
            return install(this, FaultRule.Action.RESPOND_WITH_ERROR, error(errorName), 0);
        }

        /**
         * Applies the request at once but holds its response for {@code delay} on the broker clock (with a manual
         * clock, until the test advances it that far). Later requests on that connection wait behind it, as in
         * Kafka.
         *
         * @param delay how long to hold the response
         * @return the rule, active from now on
         */
        public FaultRule delayResponse(Duration delay) {
            return install(this, FaultRule.Action.DELAY_RESPONSE, null, positiveMillis(delay, "delay"));
        }

        /**
         * Sets {@code throttle_time_ms} in the response, as a broker enforcing a quota does; the client then
         * holds back its next requests on that connection for that long.
         *
         * @param throttleTime the throttle time the response names
         * @return the rule, active from now on
         */
        public FaultRule throttle(Duration throttleTime) {
            long millis = positiveMillis(throttleTime, "throttle time");
            if (millis > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("throttle time must fit throttle_time_ms (int32), got " + throttleTime);
            }
            return install(this, FaultRule.Action.THROTTLE, null, millis);
        }

        /**
         * Closes the client's connection instead of applying the request: the client retries or fails.
         *
         * @return the rule, active from now on
         */
        public FaultRule closeConnectionBeforeApplying() {
            return install(this, FaultRule.Action.CLOSE_BEFORE_APPLYING, null, 0);
        }

        /**
         * Applies the request, then closes the connection instead of answering: a produce acknowledged by the
         * broker whose acknowledgement the client never sees, the classic maker of duplicates.
         *
         * @return the rule, active from now on
         */
        public FaultRule closeConnectionAfterApplying() {
            return install(this, FaultRule.Action.CLOSE_AFTER_APPLYING, null, 0);
        }

        /**
         * Never answers: the request is not applied and its connection stays open and silent (later requests on it
         * wait behind it), as with a hung broker or a network partition. Removing the rule closes those
         * connections, so the clients reconnect at once.
         *
         * @return the rule, active from now on
         */
        public FaultRule blackHole() {
            return install(this, FaultRule.Action.BLACK_HOLE, null, 0);
        }

        private String requireText(String value, String what) {
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException(what + " must not be empty");
            }
            return value;
        }

        private long positiveMillis(Duration duration, String what) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + duration);
            }
            return Math.max(1, duration.toMillis());
        }

        @Override
        public String toString() {
            return "rule on " + (apis == null ? "any API" : Arrays.toString(apis.stream().map(KafkaApi::kafkaName).toArray()));
        }
    }
}
