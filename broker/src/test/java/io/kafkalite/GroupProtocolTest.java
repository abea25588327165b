package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Group APIs at the wire level: the error codes Kafka gives, across old and new request versions. */
class GroupProtocolTest {

    static KafkaLite broker;
    static Uuid topicId;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaLite.builder().topic("events", 2).start();
        try (Admin admin = Clients.admin(broker.bootstrapServers())) {
            topicId = admin.describeTopics(List.of("events")).allTopicNames().get().get("events").topicId();
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static RawClient client() throws Exception {
        return new RawClient(broker.host(), broker.port());
    }

    @Test
    void findCoordinatorNamesThisNodeForGroupsAndTransactionalIds() throws Exception {
        try (RawClient raw = client()) {
            FindCoordinatorResponseData v0 = raw.send(ApiKeys.FIND_COORDINATOR, (short) 0,
                    new FindCoordinatorRequestData().setKey("g"));
            assertThat(v0.errorCode()).isZero();
            assertThat(v0.port()).isEqualTo(broker.port());
            assertThat(v0.host()).isEqualTo(broker.host());

            FindCoordinatorResponseData batched = raw.send(ApiKeys.FIND_COORDINATOR, (short) 4,
                    new FindCoordinatorRequestData().setKeyType(CoordinatorType.GROUP.id()).setCoordinatorKeys(List.of("a", "b")));
            assertThat(batched.coordinators()).extracting(c -> c.key(), c -> c.port())
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("a", broker.port()),
                            org.assertj.core.groups.Tuple.tuple("b", broker.port()));

            FindCoordinatorResponseData txn = raw.send(ApiKeys.FIND_COORDINATOR, (short) 3,
                    new FindCoordinatorRequestData().setKey("tx").setKeyType(CoordinatorType.TRANSACTION.id()));
            assertThat(Errors.forCode(txn.errorCode())).isEqualTo(Errors.NONE);
            assertThat(txn.port()).isEqualTo(broker.port());

            FindCoordinatorResponseData noId = raw.send(ApiKeys.FIND_COORDINATOR, (short) 3,
                    new FindCoordinatorRequestData().setKey("").setKeyType(CoordinatorType.TRANSACTION.id()));
            assertThat(Errors.forCode(noId.errorCode())).isEqualTo(Errors.INVALID_REQUEST);
        }
    }

    @Test
    void version0MemberJoinsSyncsHeartbeatsAndLeaves() throws Exception {
        try (RawClient raw = client()) {
            JoinGroupResponseData joined = raw.send(ApiKeys.JOIN_GROUP, (short) 0, join("v0-group", ""));
            assertThat(Errors.forCode(joined.errorCode())).isEqualTo(Errors.NONE);
            assertThat(joined.generationId()).isEqualTo(1);
            assertThat(joined.leader()).isEqualTo(joined.memberId());
            assertThat(joined.protocolName()).isEqualTo("range");

            SyncGroupResponseData synced = raw.send(ApiKeys.SYNC_GROUP, (short) 0, new SyncGroupRequestData()
                    .setGroupId("v0-group").setMemberId(joined.memberId()).setGenerationId(1)
                    .setAssignments(List.of(new SyncGroupRequestAssignment().setMemberId(joined.memberId())
                            .setAssignment(new byte[]{7}))));
            assertThat(synced.assignment()).containsExactly(7);

            assertThat(heartbeat(raw, "v0-group", joined.memberId(), 1)).isEqualTo(Errors.NONE);
            assertThat(heartbeat(raw, "v0-group", joined.memberId(), 0)).isEqualTo(Errors.ILLEGAL_GENERATION);
            assertThat(heartbeat(raw, "v0-group", "stranger", 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);

            LeaveGroupResponseData left = raw.send(ApiKeys.LEAVE_GROUP, (short) 0,
                    new LeaveGroupRequestData().setGroupId("v0-group").setMemberId(joined.memberId()));
            assertThat(Errors.forCode(left.errorCode())).isEqualTo(Errors.NONE);
            LeaveGroupResponseData again = raw.send(ApiKeys.LEAVE_GROUP, (short) 0,
                    new LeaveGroupRequestData().setGroupId("v0-group").setMemberId(joined.memberId()));
            assertThat(Errors.forCode(again.errorCode())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        }
    }

    @Test
    void newMemberMustComeBackWithTheMemberIdItIsGiven() throws Exception {
        try (RawClient raw = client()) {
            JoinGroupResponseData first = raw.send(ApiKeys.JOIN_GROUP, (short) 9, join("kip394", ""));
            assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
            assertThat(first.memberId()).startsWith("raw-client-");

            JoinGroupResponseData second = raw.send(ApiKeys.JOIN_GROUP, (short) 9, join("kip394", first.memberId()));
            assertThat(Errors.forCode(second.errorCode())).isEqualTo(Errors.NONE);
            assertThat(second.memberId()).isEqualTo(first.memberId());
            assertThat(second.protocolType()).isEqualTo("consumer");

            JoinGroupResponseData unknown = raw.send(ApiKeys.JOIN_GROUP, (short) 9, join("kip394", "made-up"));
            assertThat(Errors.forCode(unknown.errorCode())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        }
    }

    @Test
    void commitsFromOutsideTheGenerationGetKafkasErrors() throws Exception {
        try (RawClient raw = client()) {
            JoinGroupResponseData joined = raw.joinGroup("committers", "", "consumer", "range", new byte[0], 30_000);
            raw.send(ApiKeys.SYNC_GROUP, (short) 5, new SyncGroupRequestData().setGroupId("committers")
                    .setMemberId(joined.memberId()).setGenerationId(joined.generationId()).setProtocolType("consumer")
                    .setProtocolName("range"));

            assertThat(commit(raw, 9, "committers", joined.memberId(), joined.generationId(), "events")).isEqualTo(Errors.NONE);
            assertThat(commit(raw, 9, "committers", "stranger", joined.generationId(), "events")).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
            assertThat(commit(raw, 9, "committers", joined.memberId(), joined.generationId() - 1, "events"))
                    .isEqualTo(Errors.ILLEGAL_GENERATION);
            assertThat(commit(raw, 9, "committers", "", -1, "events")).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
            assertThat(commit(raw, 9, "committers", joined.memberId(), joined.generationId(), "no-such-topic"))
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(commit(raw, 7, "no-such-group", "m", 3, "events")).isEqualTo(Errors.ILLEGAL_GENERATION);
            assertThat(commit(raw, 9, "no-such-group", "m", 3, "events")).isEqualTo(Errors.GROUP_ID_NOT_FOUND);

            OffsetCommitResponseData byId = raw.send(ApiKeys.OFFSET_COMMIT, (short) 10, new OffsetCommitRequestData()
                    .setGroupId("committers").setMemberId(joined.memberId()).setGenerationIdOrMemberEpoch(joined.generationId())
                    .setTopics(List.of(topicById(topicId, 1, 11), topicById(Uuid.randomUuid(), 0, 1))));
            assertThat(byId.topics()).extracting(t -> t.topicId(), t -> Errors.forCode(t.partitions().get(0).errorCode()))
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(topicId, Errors.NONE),
                            org.assertj.core.groups.Tuple.tuple(byId.topics().get(1).topicId(), Errors.UNKNOWN_TOPIC_ID));

            OffsetCommitResponseData tooLarge = raw.send(ApiKeys.OFFSET_COMMIT, (short) 9, commitRequest("committers",
                    joined.memberId(), joined.generationId(), "events").setTopics(List.of(new OffsetCommitRequestTopic()
                    .setName("events").setPartitions(List.of(new OffsetCommitRequestPartition().setPartitionIndex(0)
                            .setCommittedOffset(1).setCommittedMetadata("x".repeat(5000)))))));
            assertThat(Errors.forCode(tooLarge.topics().get(0).partitions().get(0).errorCode()))
                    .isEqualTo(Errors.OFFSET_METADATA_TOO_LARGE);
        }
    }

    @Test
    void offsetFetchServesOldSingleGroupAndNewBatchedForms() throws Exception {
        try (RawClient raw = client()) {
            assertThat(commit(raw, 9, "fetched", "", -1, "events")).isEqualTo(Errors.NONE);

            OffsetFetchResponseData v1 = raw.send(ApiKeys.OFFSET_FETCH, (short) 1, new OffsetFetchRequestData()
                    .setGroupId("fetched").setTopics(List.of(new OffsetFetchRequestTopic().setName("events")
                            .setPartitionIndexes(List.of(0, 1)))));
            assertThat(v1.topics().get(0).partitions()).extracting(p -> p.committedOffset()).containsExactly(42L, -1L);

            OffsetFetchResponseData all = raw.send(ApiKeys.OFFSET_FETCH, (short) 7, new OffsetFetchRequestData()
                    .setGroupId("fetched").setTopics(null));
            assertThat(all.topics()).singleElement().satisfies(t -> assertThat(t.partitions()).hasSize(1));

            OffsetFetchResponseData batched = raw.send(ApiKeys.OFFSET_FETCH, (short) 10, new OffsetFetchRequestData()
                    .setGroups(List.of(
                            new OffsetFetchRequestGroup().setGroupId("fetched").setTopics(List.of(
                                    new OffsetFetchRequestTopics().setTopicId(topicId).setPartitionIndexes(List.of(0)))),
                            new OffsetFetchRequestGroup().setGroupId("never-seen").setTopics(null))));
            assertThat(batched.groups()).hasSize(2);
            assertThat(batched.groups().get(0).topics().get(0).topicId()).isEqualTo(topicId);
            assertThat(batched.groups().get(0).topics().get(0).partitions().get(0).committedOffset()).isEqualTo(42);
            assertThat(batched.groups().get(1).topics()).isEmpty();
            assertThat(batched.groups().get(1).errorCode()).isZero();
        }
    }

    @Test
    void describingAndListingGroups() throws Exception {
        try (RawClient raw = client()) {
            raw.joinGroup("listed", "", "connect", "sessioned", new byte[0], 30_000);

            DescribeGroupsResponseData v5 = raw.send(ApiKeys.DESCRIBE_GROUPS, (short) 5,
                    new DescribeGroupsRequestData().setGroups(List.of("listed", "missing")));
            assertThat(v5.groups()).extracting(g -> g.groupState(), g -> g.protocolType(), g -> Errors.forCode(g.errorCode()))
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("CompletingRebalance", "connect", Errors.NONE),
                            org.assertj.core.groups.Tuple.tuple("Dead", "", Errors.NONE));
            DescribeGroupsResponseData v6 = raw.send(ApiKeys.DESCRIBE_GROUPS, (short) 6,
                    new DescribeGroupsRequestData().setGroups(List.of("missing")));
            assertThat(Errors.forCode(v6.groups().get(0).errorCode())).isEqualTo(Errors.GROUP_ID_NOT_FOUND);

            ListGroupsResponseData v0 = raw.send(ApiKeys.LIST_GROUPS, (short) 0, new ListGroupsRequestData());
            assertThat(v0.groups()).extracting(g -> g.groupId()).contains("listed");
            ListGroupsResponseData filtered = raw.send(ApiKeys.LIST_GROUPS, (short) 5, new ListGroupsRequestData()
                    .setStatesFilter(List.of("CompletingRebalance")).setTypesFilter(List.of("classic")));
            assertThat(filtered.groups()).extracting(g -> g.groupId(), g -> g.groupType())
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("listed", "classic"));
            ListGroupsResponseData consumerType = raw.send(ApiKeys.LIST_GROUPS, (short) 5, new ListGroupsRequestData()
                    .setTypesFilter(List.of("consumer")));
            assertThat(consumerType.groups()).isEmpty();
        }
    }

    private static JoinGroupRequestData join(String group, String memberId) {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName("range").setMetadata(new byte[0]));
        return new JoinGroupRequestData().setGroupId(group).setMemberId(memberId).setSessionTimeoutMs(10_000)
                .setRebalanceTimeoutMs(10_000).setProtocolType("consumer").setProtocols(protocols);
    }

    /** As Kafka's broker answers (checked against Kafka 4.2.1): from v3 each member of an unknown group is unknown. */
    @Test
    void leavingAGroupThatDoesNotExistNamesEveryMemberUnknown() throws Exception {
        try (RawClient raw = client()) {
            LeaveGroupResponseData batch = raw.send(ApiKeys.LEAVE_GROUP, (short) 5, new LeaveGroupRequestData()
                    .setGroupId("never-joined").setMembers(List.of(
                            new LeaveGroupRequestData.MemberIdentity().setMemberId("a"),
                            new LeaveGroupRequestData.MemberIdentity().setMemberId("").setGroupInstanceId("static-b"))));
            assertThat(batch.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(batch.members()).extracting(LeaveGroupResponseData.MemberResponse::memberId,
                    LeaveGroupResponseData.MemberResponse::groupInstanceId,
                    LeaveGroupResponseData.MemberResponse::errorCode).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("a", null, Errors.UNKNOWN_MEMBER_ID.code()),
                    org.assertj.core.groups.Tuple.tuple("", "static-b", Errors.UNKNOWN_MEMBER_ID.code()));
            LeaveGroupResponseData single = raw.send(ApiKeys.LEAVE_GROUP, (short) 2,
                    new LeaveGroupRequestData().setGroupId("never-joined").setMemberId("a"));
            assertThat(single.errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        }
    }

    private static Errors heartbeat(RawClient raw, String group, String memberId, int generation) throws Exception {
        HeartbeatResponseData response = raw.send(ApiKeys.HEARTBEAT, (short) 0,
                new HeartbeatRequestData().setGroupId(group).setMemberId(memberId).setGenerationId(generation));
        return Errors.forCode(response.errorCode());
    }

    private static OffsetCommitRequestData commitRequest(String group, String memberId, int generation, String topic) {
        return new OffsetCommitRequestData().setGroupId(group).setMemberId(memberId)
                .setGenerationIdOrMemberEpoch(generation)
                .setTopics(List.of(new OffsetCommitRequestTopic().setName(topic).setPartitions(List.of(
                        new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(42)))));
    }

    private static Errors commit(RawClient raw, int version, String group, String memberId, int generation, String topic)
            throws Exception {
        OffsetCommitResponseData response = raw.send(ApiKeys.OFFSET_COMMIT, (short) version,
                commitRequest(group, memberId, generation, topic));
        return Errors.forCode(response.topics().get(0).partitions().get(0).errorCode());
    }

    private static OffsetCommitRequestTopic topicById(Uuid id, int partition, long offset) {
        return new OffsetCommitRequestTopic().setTopicId(id).setPartitions(List.of(
                new OffsetCommitRequestPartition().setPartitionIndex(partition).setCommittedOffset(offset)));
    }
}
