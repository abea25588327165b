package io.kafkalite;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import io.kafkalite.api.BrokerState;
import io.kafkalite.api.BrokerTopics;
import io.kafkalite.group.GroupView;

/**
 * Consumer groups under the test's control, for classic ({@code group.protocol=classic}) and KIP-848
 * ({@code group.protocol=consumer}) groups alike: see who is in a group and what each member owns, remove a member
 * as if its session had expired, force a rebalance.
 *
 * <pre>{@code
 * Groups.Member dead = broker.groups().describe("billing").orElseThrow().memberWithClientId("billing-1");
 * broker.groups().removeMember("billing", dead.memberId());   // billing-2 takes over its partitions
 * }</pre>
 */
public final class Groups {

    /** Runs a task on the running broker's loop with its state; fails when the broker is stopped. */
    interface OnLoop {
        <T> CompletableFuture<T> call(Function<BrokerState, T> task);
    }

    private final OnLoop onLoop;

    Groups(OnLoop onLoop) {
        this.onLoop = onLoop;
    }

    /**
     * The ids of every group the broker knows, with or without members (a group with only offsets too).
     *
     * @return the group ids
     */
    public List<String> list() {
        return KafkaLite.await(onLoop.call(state -> state.groups().groupIds()));
    }

    /**
     * The group with its members and their assignments, or empty when there is no such group.
     *
     * @param groupId the group's id
     * @return the group, or empty if there is none of that id
     */
    public Optional<Description> describe(String groupId) {
        return Optional.ofNullable(KafkaLite.await(onLoop.call(state -> {
            GroupView view = state.groups().view(groupId, new BrokerTopics(state));
            return view == null ? null : Description.of(view);
        })));
    }

    /**
     * Removes a member now, as its session expiring would: the group rebalances and the other members take over
     * its partitions. The client itself learns it is out at its next heartbeat and rejoins unless it is stuck.
     *
     * @param groupId the group's id
     * @param memberId the member's id
     * @throws IllegalArgumentException when the group has no such member
     */
    public void removeMember(String groupId, String memberId) {
        if (!KafkaLite.await(onLoop.call(state -> state.groups().expireMember(groupId, memberId)))) {
            throw new IllegalArgumentException("Group '" + groupId + "' has no member '" + memberId + "'; members: "
                    + describe(groupId).map(d -> d.members().stream().map(Member::memberId).toList()).orElse(List.of()));
        }
    }

    /**
     * Starts a rebalance now. Members of a classic group learn it from their next heartbeat and rejoin (their
     * assignors run again); a KIP-848 group moves its epoch and recomputes its target assignment, to which each
     * member reconciles on its next heartbeat.
     *
     * @param groupId the group's id
     * @throws IllegalArgumentException when the group does not exist or has no members
     */
    public void forceRebalance(String groupId) {
        if (!KafkaLite.await(onLoop.call(state -> state.groups().forceRebalance(groupId)))) {
            throw new IllegalArgumentException("Group '" + groupId + "' has no members to rebalance; groups: " + list());
        }
    }

    /**
     * Waits for the next heartbeat of a member with this client id, so that its session counts from the broker's
     * current time. With a manual clock, a member only survives a move of the clock if it heartbeated since the
     * clock last moved: advance by less than the session timeout, await the survivors' heartbeats, then advance
     * past the timeout of the member that went silent.
     *
     * @param groupId the group's id
     * @param clientId the member's client id
     * @param timeout how long to wait
     * @throws AssertionError when no such heartbeat arrives within {@code timeout}
     */
    public void awaitHeartbeat(String groupId, String clientId, Duration timeout) {
        CompletableFuture<Void> heartbeat = new CompletableFuture<>();
        KafkaLite.await(onLoop.call(state -> {
            state.groups().onNextHeartbeat(groupId, clientId, () -> heartbeat.complete(null));
            return null;
        }));
        try {
            heartbeat.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("No member of group '" + groupId + "' with client id '" + clientId
                    + "' heartbeated within " + timeout + "; group now: " + describe(groupId).orElse(null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for a heartbeat of " + clientId, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * A group as the broker sees it now.
     *
     * @param groupId the group's id
     * @param protocol {@code "classic"} or {@code "consumer"} (KIP-848)
     * @param state the state clients see in DescribeGroups, e.g. {@code "Stable"}, {@code "PreparingRebalance"}
     * @param epoch the generation of a classic group, the group epoch of a KIP-848 group
     * @param members the group's members now
     */
    public record Description(String groupId, String protocol, String state, int epoch, List<Member> members) {

        static Description of(GroupView view) {
            return new Description(view.groupId(), view.type(), view.state(), view.epoch(), view.members().stream()
                    .map(m -> new Member(m.memberId(), m.groupInstanceId(), m.clientId(), m.clientHost(),
                            m.assignment()))
                    .toList());
        }

        /**
         * The member whose client has this {@code client.id}.
         *
         * @param clientId the member's client id
         * @return the member
         * @throws IllegalArgumentException when no member has it
         */
        public Member memberWithClientId(String clientId) {
            return members.stream().filter(m -> clientId.equals(m.clientId())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("Group '" + groupId + "' has no member with client "
                            + "id '" + clientId + "'; members: " + members));
        }
    }

    /**
     * A member of a group and the partitions it owns now.
     *
     * @param memberId the id the broker gave the member
     * @param groupInstanceId the static member's {@code group.instance.id}, or null
     * @param clientId the member's {@code client.id}
     * @param clientHost the address the member's client connected from (e.g. {@code /127.0.0.1})
     * @param assignment topic name to partition indexes, sorted (empty for a classic group that is not a consumer
     *     group, e.g. Kafka Connect's)
     */
    public record Member(String memberId, String groupInstanceId, String clientId, String clientHost,
                         Map<String, List<Integer>> assignment) {

        /**
         * How many partitions the member owns.
         *
         * @return how many partitions the member is assigned
         */
        public int partitionCount() {
            return assignment.values().stream().mapToInt(List::size).sum();
        }
    }
}
