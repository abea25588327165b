package io.kafkalite.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;

import io.kafkalite.metadata.MetadataJournal;
import io.kafkalite.time.BrokerClock;
import io.kafkalite.time.BrokerTimer;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** The classic group state machine, driven directly with a manual clock. */
class GroupCoordinatorTest {

    private static final int SESSION_MS = 1000;
    private static final int REBALANCE_MS = 5000;

    private final BrokerTimer timer = new BrokerTimer(BrokerClock.manual());
    private final OffsetStore offsets = new OffsetStore(MetadataJournal.none());
    private GroupCoordinator coordinator = coordinator(0);

    private GroupCoordinator coordinator(int initialDelayMs) {
        return new GroupCoordinator(new GroupCoordinatorConfig(initialDelayMs, 100, 300_000, 300_000, 4096, 45_000, 500),
                offsets, timer);
    }

    private void advance(long millis) {
        timer.clock().advance(Duration.ofMillis(millis));
        timer.runDue();
    }

    // ---------------------------------------------------------------- helpers

    /** A parked or answered JoinGroup. */
    private static final class Join {
        JoinGroupResponseData response;

        boolean answered() {
            return response != null;
        }

        Errors error() {
            return Errors.forCode(response.errorCode());
        }
    }

    private static final class Sync {
        SyncGroupResponseData response;
    }

    private static JoinGroupRequestData joinRequest(String group, String memberId, String instanceId, String... topics) {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName("range").setMetadata(subscription(topics)));
        return new JoinGroupRequestData()
                .setGroupId(group)
                .setMemberId(memberId)
                .setGroupInstanceId(instanceId)
                .setSessionTimeoutMs(SESSION_MS)
                .setRebalanceTimeoutMs(REBALANCE_MS)
                .setProtocolType("consumer")
                .setProtocols(protocols);
    }

    private static byte[] subscription(String... topics) {
        ByteBuffer buffer = ConsumerProtocol.serializeSubscription(new Subscription(List.of(topics.length == 0 ? new String[]{"t"} : topics)));
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private Join join(JoinGroupRequestData request, int version) {
        Join join = new Join();
        coordinator.joinGroup(request, (short) version, "client", "/127.0.0.1", r -> join.response = r);
        timer.runDue();
        return join;
    }

    /** Joins a new dynamic member the v4+ way (MEMBER_ID_REQUIRED, then again with the id); returns the second join. */
    private Join joinNew(String group) {
        Join first = join(joinRequest(group, "", null), 9);
        assertThat(first.error()).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        return join(joinRequest(group, first.response.memberId(), null), 9);
    }

    private Sync sync(String group, JoinGroupResponseData joined, List<SyncGroupRequestAssignment> assignments) {
        Sync sync = new Sync();
        coordinator.syncGroup(new SyncGroupRequestData()
                .setGroupId(group)
                .setMemberId(joined.memberId())
                .setGenerationId(joined.generationId())
                .setProtocolType("consumer")
                .setProtocolName("range")
                .setAssignments(assignments), r -> sync.response = r);
        return sync;
    }

    private static SyncGroupRequestAssignment assign(String memberId, String assignment) {
        return new SyncGroupRequestAssignment().setMemberId(memberId).setAssignment(assignment.getBytes());
    }

    private Errors heartbeat(String group, String memberId, int generation) {
        return heartbeat(group, memberId, null, generation);
    }

    private Errors heartbeat(String group, String memberId, String instanceId, int generation) {
        return coordinator.heartbeat(new HeartbeatRequestData().setGroupId(group).setMemberId(memberId)
                .setGroupInstanceId(instanceId).setGenerationId(generation));
    }

    private ClassicGroup group(String id) {
        return (ClassicGroup) coordinator.group(id);
    }

    private Errors commit(String group, String memberId, int generation, int version) {
        OffsetCommitRequestData request = new OffsetCommitRequestData()
                .setGroupId(group)
                .setMemberId(memberId)
                .setGenerationIdOrMemberEpoch(generation)
                .setTopics(List.of(new OffsetCommitRequestTopic().setName("t").setPartitions(List.of(
                        new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(42)))));
        return Errors.forCode(coordinator.commitOffsets(request, (short) version).topics().get(0).partitions().get(0).errorCode());
    }

    // ---------------------------------------------------------------- tests

    @Test
    void firstMemberGetsAnIdThenLeadsGenerationOne() {
        Join joined = joinNew("g");

        assertThat(joined.error()).isEqualTo(Errors.NONE);
        assertThat(joined.response.generationId()).isEqualTo(1);
        assertThat(joined.response.leader()).isEqualTo(joined.response.memberId());
        assertThat(joined.response.members()).hasSize(1);
        assertThat(joined.response.protocolName()).isEqualTo("range");
        assertThat(group("g").state()).isEqualTo(ClassicGroupState.COMPLETING_REBALANCE);

        Sync sync = sync("g", joined.response, List.of(assign(joined.response.memberId(), "all")));
        assertThat(new String(sync.response.assignment())).isEqualTo("all");
        assertThat(group("g").state()).isEqualTo(ClassicGroupState.STABLE);
        assertThat(heartbeat("g", joined.response.memberId(), 1)).isEqualTo(Errors.NONE);
    }

    @Test
    void oldVersionsJoinWithoutMemberIdRoundTrip() {
        Join joined = join(joinRequest("g", "", null), 3);

        assertThat(joined.error()).isEqualTo(Errors.NONE);
        assertThat(joined.response.memberId()).startsWith("client-");
    }

    @Test
    void newMemberMakesExistingMembersRejoinThroughHeartbeat() {
        Join a = joinNew("g");
        sync("g", a.response, List.of(assign(a.response.memberId(), "a")));
        String aId = a.response.memberId();

        Join b = joinNew("g");
        assertThat(b.answered()).isFalse();
        assertThat(group("g").state()).isEqualTo(ClassicGroupState.PREPARING_REBALANCE);
        assertThat(heartbeat("g", aId, 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);

        Join aAgain = join(joinRequest("g", aId, null), 9);
        assertThat(aAgain.response.generationId()).isEqualTo(2);
        assertThat(b.response.generationId()).isEqualTo(2);
        assertThat(aAgain.response.leader()).isEqualTo(aId);
        assertThat(aAgain.response.members()).hasSize(2);
        assertThat(b.response.members()).isEmpty();

        Sync followerSync = sync("g", b.response, List.of());
        assertThat(followerSync.response).as("a follower waits for the leader's assignment").isNull();
        Sync leaderSync = sync("g", aAgain.response,
                List.of(assign(aId, "p0"), assign(b.response.memberId(), "p1")));
        assertThat(new String(leaderSync.response.assignment())).isEqualTo("p0");
        assertThat(new String(followerSync.response.assignment())).isEqualTo("p1");
        assertThat(group("g").state()).isEqualTo(ClassicGroupState.STABLE);
    }

    @Test
    void silentMemberIsRemovedAfterSessionTimeout() {
        Join a = joinNew("g");
        sync("g", a.response, List.of());
        Join b = joinNew("g");
        Join aAgain = join(joinRequest("g", a.response.memberId(), null), 9);
        sync("g", aAgain.response, List.of());
        sync("g", b.response, List.of());
        assertThat(group("g").state()).isEqualTo(ClassicGroupState.STABLE);

        for (int i = 0; i < 4; i++) {
            advance(SESSION_MS / 2);
            heartbeat("g", a.response.memberId(), 2);
        }

        assertThat(group("g").member(b.response.memberId())).isNull();
        assertThat(heartbeat("g", a.response.memberId(), 2)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        assertThat(heartbeat("g", b.response.memberId(), 2)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        Join alone = join(joinRequest("g", a.response.memberId(), null), 9);
        assertThat(alone.response.generationId()).isEqualTo(3);
        assertThat(alone.response.members()).hasSize(1);
    }

    @Test
    void memberThatDoesNotRejoinIsDroppedAtRebalanceTimeout() {
        Join a = joinNew("g");
        sync("g", a.response, List.of());
        String aId = a.response.memberId();

        Join b = joinNew("g");
        assertThat(b.answered()).isFalse();
        // a keeps heartbeating but never rejoins (a consumer stuck in processing)
        for (int elapsed = 0; elapsed < REBALANCE_MS - 500; elapsed += 500) {
            advance(500);
            assertThat(heartbeat("g", aId, 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        }
        assertThat(b.answered()).isFalse();
        advance(1000);

        assertThat(b.error()).isEqualTo(Errors.NONE);
        assertThat(b.response.generationId()).isEqualTo(2);
        assertThat(b.response.leader()).isEqualTo(b.response.memberId());
        assertThat(heartbeat("g", aId, 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void initialRebalanceDelayCollectsMembersIntoOneGeneration() {
        coordinator = coordinator(1000);
        Join a = join(joinRequest("g", "", null), 3);
        advance(600);
        Join b = join(joinRequest("g", "", null), 3);
        advance(600);
        assertThat(a.answered()).as("a member arrived during the delay: it is extended").isFalse();

        advance(1000);
        assertThat(a.response.generationId()).isEqualTo(1);
        assertThat(b.response.generationId()).isEqualTo(1);
        assertThat(a.response.members()).hasSize(2);
    }

    @Test
    void restartedStaticMemberGetsItsSlotBackWithoutRebalance() {
        Join a = join(joinRequest("g", "", "instance-a"), 9);
        String aId = a.response.memberId();
        sync("g", a.response, List.of());
        Join bGen2 = join(joinRequest("g", "", "instance-b"), 9);
        Join aGen2 = join(joinRequest("g", aId, "instance-a"), 9);
        assertThat(aGen2.response.generationId()).isEqualTo(2);
        sync("g", aGen2.response, List.of(assign(aId, "p0"), assign(bGen2.response.memberId(), "p1")));
        sync("g", bGen2.response, List.of());
        assertThat(group("g").state()).isEqualTo(ClassicGroupState.STABLE);

        Join restarted = join(joinRequest("g", "", "instance-b"), 9);

        assertThat(restarted.error()).isEqualTo(Errors.NONE);
        assertThat(restarted.response.generationId()).as("no rebalance").isEqualTo(2);
        assertThat(restarted.response.memberId()).isNotEqualTo(bGen2.response.memberId()).startsWith("instance-b-");
        assertThat(group("g").state()).isEqualTo(ClassicGroupState.STABLE);
        Sync resync = sync("g", restarted.response, List.of());
        assertThat(new String(resync.response.assignment())).isEqualTo("p1");
        assertThat(heartbeat("g", aId, "instance-a", 2)).isEqualTo(Errors.NONE);
        assertThat(heartbeat("g", bGen2.response.memberId(), "instance-b", 2))
                .as("the old incarnation is fenced").isEqualTo(Errors.FENCED_INSTANCE_ID);
    }

    @Test
    void commitsAreCheckedAgainstMembershipAndGeneration() {
        assertThat(commit("missing", "m", 1, 8)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(commit("missing", "m", 1, 9)).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
        assertThat(commit("simple", "", -1, 9)).isEqualTo(Errors.NONE);
        assertThat(coordinator.group("simple").stateName()).isEqualTo("Empty");
        assertThat(offsets.get("simple", new TopicPartition("t", 0)).offset()).isEqualTo(42);

        Join a = joinNew("g");
        String aId = a.response.memberId();
        assertThat(commit("g", aId, 1, 9)).as("generation known, assignment not yet").isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        sync("g", a.response, List.of());
        assertThat(commit("g", aId, 1, 9)).isEqualTo(Errors.NONE);
        assertThat(commit("g", aId, 0, 9)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(commit("g", "stranger", 1, 9)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(commit("g", "", -1, 9)).as("outsiders cannot commit for an active group").isEqualTo(Errors.UNKNOWN_MEMBER_ID);

        coordinator.leaveGroup("g", List.of(new MemberIdentity().setMemberId(aId)));
        assertThat(coordinator.group("g").stateName()).isEqualTo("Empty");
        assertThat(commit("g", "", -1, 9)).isEqualTo(Errors.NONE);
        assertThat(commit("g", aId, 1, 9)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void onlyEmptyGroupsAreDeletedAndSubscribedTopicsKeepTheirOffsets() {
        Join a = joinNew("g");
        sync("g", a.response, List.of());
        commit("g", a.response.memberId(), 1, 9);
        OffsetDeleteRequestTopic other = new OffsetDeleteRequestTopic().setName("other");
        other.partitions().add(new OffsetDeleteRequestPartition().setPartitionIndex(0));
        OffsetDeleteRequestTopic consumed = new OffsetDeleteRequestTopic().setName("t");
        consumed.partitions().add(new OffsetDeleteRequestPartition().setPartitionIndex(0));

        var deleted = coordinator.deleteOffsets("g", List.of(consumed, other));
        assertThat(deleted.topics().find("t").partitions().find(0).errorCode())
                .isEqualTo(Errors.GROUP_SUBSCRIBED_TO_TOPIC.code());
        assertThat(deleted.topics().find("other").partitions().find(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(coordinator.deleteGroups(List.of("g")).get(0).errorCode()).isEqualTo(Errors.NON_EMPTY_GROUP.code());

        coordinator.leaveGroup("g", List.of(new MemberIdentity().setMemberId(a.response.memberId())));
        assertThat(coordinator.deleteOffsets("g", List.of(consumed)).topics().find("t").partitions().find(0).errorCode())
                .isEqualTo(Errors.NONE.code());
        assertThat(coordinator.deleteGroups(List.of("g", "missing")))
                .extracting(r -> Errors.forCode(r.errorCode()))
                .containsExactly(Errors.NONE, Errors.GROUP_ID_NOT_FOUND);
        assertThat(coordinator.group("g")).isNull();
    }

    @Test
    void memberThatNeverSyncsIsRemovedAndTheGroupRebalances() {
        Join a = joinNew("g");
        sync("g", a.response, List.of());
        Join b = joinNew("g");
        Join aAgain = join(joinRequest("g", a.response.memberId(), null), 9);
        sync("g", aAgain.response, List.of());
        assertThat(group("g").state()).isEqualTo(ClassicGroupState.STABLE);

        for (int elapsed = 0; elapsed <= REBALANCE_MS; elapsed += 500) {
            advance(500);
            heartbeat("g", a.response.memberId(), 2);
        }

        assertThat(group("g").member(b.response.memberId())).isNull();
        assertThat(group("g").state()).isEqualTo(ClassicGroupState.PREPARING_REBALANCE);
    }

    @Test
    void leaveGroupRemovesStaticMembersByInstanceIdAndReportsUnknownOnes() {
        Join a = join(joinRequest("g", "", "instance-a"), 9);
        sync("g", a.response, List.of());

        var result = coordinator.leaveGroup("g", List.of(
                new MemberIdentity().setMemberId("").setGroupInstanceId("instance-a"),
                new MemberIdentity().setMemberId("").setGroupInstanceId("instance-x"),
                new MemberIdentity().setMemberId("nobody")));

        assertThat(result.members()).extracting(m -> Errors.forCode(m.errorCode()))
                .containsExactly(Errors.NONE, Errors.UNKNOWN_MEMBER_ID, Errors.UNKNOWN_MEMBER_ID);
        assertThat(group("g").state()).isEqualTo(ClassicGroupState.EMPTY);
        var missing = coordinator.leaveGroup("missing", List.of(new MemberIdentity().setMemberId("m")));
        assertThat(missing.errorCode()).isEqualTo(Errors.NONE.code()); // the member, not the group, is unknown
        assertThat(missing.members()).extracting(m -> Errors.forCode(m.errorCode())).containsExactly(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void joiningWithAnotherProtocolTypeOrNoCommonProtocolIsRejected() {
        Join a = joinNew("g");
        sync("g", a.response, List.of());

        JoinGroupRequestData connect = joinRequest("g", "", null).setProtocolType("connect");
        assertThat(join(connect, 9).error()).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
        JoinGroupRequestData otherAssignor = joinRequest("g", "", null);
        otherAssignor.protocols().iterator().next().setName("roundrobin");
        assertThat(join(otherAssignor, 9).error()).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
        assertThat(join(joinRequest("g", "", null).setSessionTimeoutMs(10), 9).error())
                .isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
        assertThat(join(joinRequest("", "", null), 9).error()).isEqualTo(Errors.INVALID_GROUP_ID);
    }

    @Test
    void groupsWithOffsetsExistAfterRestart() {
        commit("simple", "", -1, 9);
        GroupCoordinator restarted = coordinator(0);
        restarted.recover();

        assertThat(restarted.group("simple").stateName()).isEqualTo("Empty");
        assertThat(restarted.listGroups(List.of("empty"), List.of("classic")))
                .extracting(g -> g.groupId()).containsExactly("simple");
        List<String> none = new ArrayList<>();
        assertThat(restarted.listGroups(List.of("stable"), none)).isEmpty();
    }
}
