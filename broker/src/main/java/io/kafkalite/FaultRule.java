package io.kafkalite;

import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.common.protocol.Errors;
import io.kafkalite.api.KafkaApi;

/**
 * An installed fault rule (see {@link Faults}): what it matches, what it does, how often it fired. Remove it with
 * {@link #remove()}; wait for it with {@link #awaitFired}.
 */
public final class FaultRule {

    /** What a rule does to a request it fires on. */
    enum Action {
        RESPOND_WITH_ERROR, DELAY_RESPONSE, THROTTLE, CLOSE_BEFORE_APPLYING, CLOSE_AFTER_APPLYING, BLACK_HOLE
    }

    private final Faults owner;
    private final int id;
    /** The APIs the user named, or null for any API. */
    private final Set<KafkaApi> namedApis;
    /** The APIs the rule can act on. */
    private final Set<KafkaApi> apis;
    private final String topic;
    private final Integer partition;
    private final String group;
    private final String transactionalId;
    private final String clientId;
    /** How many requests to act on; 0 for all. */
    private final int times;
    private final double fraction;
    private final long seed;
    private final Random random;
    private final Action action;
    private final Errors error;
    private final long millis;
    // guarded by owner
    private int fired;
    private boolean removed;

    FaultRule(Faults owner, int id, Set<KafkaApi> namedApis, Set<KafkaApi> apis, String topic, Integer partition,
              String group, String transactionalId, String clientId, int times, double fraction, long seed,
              Action action, Errors error, long millis) {
        this.owner = owner;
        this.id = id;
        this.namedApis = namedApis;
        this.apis = apis;
        this.topic = topic;
        this.partition = partition;
        this.group = group;
        this.transactionalId = transactionalId;
        this.clientId = clientId;
        this.times = times;
        this.fraction = fraction;
        this.seed = seed;
        this.random = new Random(seed);
        this.action = action;
        this.error = error;
        this.millis = millis;
    }

    /**
     * The rule's number, as logs and {@link Faults#firings()} name it.
     *
     * @return the rule's id, unique in its broker
     */
    public int id() {
        return id;
    }

    /**
     * How many requests the rule acted on so far.
     *
     * @return how often the rule has fired so far
     */
    public int timesFired() {
        synchronized (owner) {
            return fired;
        }
    }

    /**
     * Whether the rule may still fire: installed and not yet through its {@link Faults.RuleBuilder#times}.
     *
     * @return whether the rule still fires
     */
    public boolean isActive() {
        synchronized (owner) {
            return !removed && (times == 0 || fired < times);
        }
    }

    /**
     * Removes the rule. Requests it black-holed are let go by closing their connections (the clients reconnect
     * and retry); responses it delayed still leave when due.
     *
     * @return false if it was already removed
     */
    public boolean remove() {
        return owner.remove(this);
    }

    /**
     * Waits until the rule has fired {@code count} times in all, so a test can assert on what a client does once
     * the fault happened.
     *
     * @param count how many firings to wait for
     * @param timeout how long to wait
     * @throws AssertionError after {@code timeout}, saying how often it fired
     */
    public void awaitFired(int count, Duration timeout) {
        try {
            if (!owner.awaitFired(this, count, timeout)) {
                throw new AssertionError("Fault rule " + this + " fired " + timesFired() + " of " + count
                        + " time(s) within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for fault rule " + this, e);
        }
    }

    // ---------------------------------------------------------------- used by Faults and the broker loop

    Action action() {
        return action;
    }

    Errors error() {
        return error;
    }

    long millis() {
        return millis;
    }

    String topic() {
        return topic;
    }

    Integer partition() {
        return partition;
    }

    /** Cheap checks first: the API and the client id. */
    boolean appliesTo(KafkaApi api, String requestClientId) {
        return apis.contains(api) && (clientId == null || clientId.equals(requestClientId));
    }

    boolean filtersOnSubjects() {
        return topic != null || group != null || transactionalId != null;
    }

    boolean matches(RequestSubjects subjects) {
        return subjects == null
                || (topic == null || subjects.names(topic, partition))
                && (group == null || subjects.namesGroup(group))
                && (transactionalId == null || subjects.namesTransactionalId(transactionalId));
    }

    /** Counts a firing unless the rule is spent or the random draw spares this request; under owner's lock. */
    boolean tryFire() {
        if (removed || times != 0 && fired >= times) {
            return false;
        }
        if (fraction < 1 && random.nextDouble() >= fraction) {
            return false;
        }
        fired++;
        return true;
    }

    void markRemoved() {
        removed = true;
    }

    /** What the rule matches and does, without its counts. */
    String describe() {
        StringBuilder out = new StringBuilder("#").append(id).append(' ');
        out.append(namedApis == null ? "any API"
                : namedApis.stream().map(KafkaApi::kafkaName).collect(Collectors.joining("|")));
        if (topic != null) {
            out.append(" topic=").append(topic);
        }
        if (partition != null) {
            out.append(" partition=").append(partition);
        }
        if (group != null) {
            out.append(" group=").append(group);
        }
        if (transactionalId != null) {
            out.append(" transactionalId=").append(transactionalId);
        }
        if (clientId != null) {
            out.append(" clientId=").append(clientId);
        }
        out.append(times == 0 ? ", every request" : ", " + times + " request(s)");
        if (fraction < 1) {
            out.append(", fraction ").append(fraction).append(" (seed ").append(seed).append(')');
        }
        out.append(": ").append(switch (action) {
            case RESPOND_WITH_ERROR -> "respond " + error.name();
            case DELAY_RESPONSE -> "delay the response " + Duration.ofMillis(millis);
            case THROTTLE -> "throttle " + millis + " ms";
            case CLOSE_BEFORE_APPLYING -> "close the connection before applying";
            case CLOSE_AFTER_APPLYING -> "close the connection after applying";
            case BLACK_HOLE -> "never answer";
        });
        return out.toString();
    }

    @Override
    public String toString() {
        synchronized (owner) {
            return describe() + " (fired " + fired + (removed ? ", removed" : "") + ")";
        }
    }
}
