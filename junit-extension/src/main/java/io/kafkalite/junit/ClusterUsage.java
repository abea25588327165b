package io.kafkalite.junit;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Who uses what on one cluster during a test run, so that a reset or a failure report touches only what it
 * may: the test classes and tests currently active on the cluster (owners) and the topics each claims (a class
 * its declared topics and class-level {@link TestTopic}s; a test its class's declared topics and its own
 * {@code TestTopic}s), plus what an external cluster held before the run (never deleted, not reported).
 *
 * <p>Not thread-safe on its own: {@link ClusterResource} guards every use with its usage lock, which a reset
 * holds from its decision to the test's registration.
 */
final class ClusterUsage {

    private final Set<String> preexistingTopics;
    private final Set<String> preexistingGroups;
    private final Set<String> declaredInRun = new HashSet<>();
    private final Map<String, Set<String>> claimsByOwner = new HashMap<>();

    ClusterUsage(Set<String> preexistingTopics, Set<String> preexistingGroups) {
        this.preexistingTopics = Set.copyOf(preexistingTopics);
        this.preexistingGroups = Set.copyOf(preexistingGroups);
    }

    void ownerStarted(String owner, Collection<String> topics) {
        claimsByOwner.put(owner, new HashSet<>(topics));
    }

    void ownerEnded(String owner) {
        claimsByOwner.remove(owner);
    }

    void declared(Collection<String> topics) {
        declaredInRun.addAll(topics);
    }

    void claim(String owner, String topic) {
        claimsByOwner.computeIfAbsent(owner, o -> new HashSet<>()).add(topic);
    }

    void release(String owner, String topic) {
        Set<String> claims = claimsByOwner.get(owner);
        if (claims != null) {
            claims.remove(topic);
        }
    }

    /** Whether an owner other than {@code self} is active: then only what nobody else claims may be reset. */
    boolean othersActive(Set<String> self) {
        return claimsByOwner.keySet().stream().anyMatch(owner -> !self.contains(owner));
    }

    /** Whether an owner other than {@code self} claims {@code topic}. */
    boolean claimedByOthers(String topic, Set<String> self) {
        return claimsByOwner.entrySet().stream()
                .anyMatch(e -> !self.contains(e.getKey()) && e.getValue().contains(topic));
    }

    /** Whether any active owner claims {@code topic}. */
    boolean claimed(String topic) {
        return claimsByOwner.values().stream().anyMatch(claims -> claims.contains(topic));
    }

    /** Topics this run may delete: those it created, i.e. not there before it. */
    boolean createdByRun(String topic) {
        return !preexistingTopics.contains(topic);
    }

    boolean groupCreatedByRun(String group) {
        return !preexistingGroups.contains(group);
    }

    /** What a failure report shows: what the run declared or created. */
    boolean reportable(String topic) {
        return declaredInRun.contains(topic) || createdByRun(topic);
    }
}
