package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.StreamsGroupDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.message.StreamsGroupDescribeRequestData;
import org.apache.kafka.common.message.StreamsGroupDescribeResponseData;
import org.apache.kafka.common.message.StreamsGroupHeartbeatRequestData;
import org.apache.kafka.common.message.StreamsGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The streams rebalance protocol at the wire: topology registration and internal topic creation, tasks moving between
 * members only after they are revoked, and Kafka's errors for stale epochs, unknown members and bad topologies.
 */
class StreamsGroupProtocolTest {

    static KafkaLite broker;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaLite.builder().manualClock().start();
        admin = Clients.admin(broker.bootstrapServers());
        admin.createTopics(List.of(new NewTopic("clicks", 2, (short) 1))).all().get();
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    private static StreamsGroupHeartbeatRequestData.Topology topology(String app, String source) {
        return new StreamsGroupHeartbeatRequestData.Topology().setEpoch(0).setSubtopologies(List.of(
                new StreamsGroupHeartbeatRequestData.Subtopology()
                        .setSubtopologyId("0")
                        .setSourceTopics(List.of(source))
                        .setStateChangelogTopics(List.of(new StreamsGroupHeartbeatRequestData.TopicInfo()
                                .setName(app + "-store-changelog")
                                .setTopicConfigs(List.of(new StreamsGroupHeartbeatRequestData.KeyValue()
                                        .setKey("cleanup.policy").setValue("compact")))))));
    }

    private static StreamsGroupHeartbeatRequestData join(String app, String member, String process,
                                                         StreamsGroupHeartbeatRequestData.Topology topology) {
        return new StreamsGroupHeartbeatRequestData().setGroupId(app).setMemberId(member).setMemberEpoch(0)
                .setRebalanceTimeoutMs(30_000).setProcessId(process).setTopology(topology)
                .setActiveTasks(List.of()).setStandbyTasks(List.of()).setWarmupTasks(List.of());
    }

    private static StreamsGroupHeartbeatRequestData heartbeat(String app, String member, int epoch, Integer... owned) {
        return new StreamsGroupHeartbeatRequestData().setGroupId(app).setMemberId(member).setMemberEpoch(epoch)
                .setActiveTasks(List.of(new StreamsGroupHeartbeatRequestData.TaskIds().setSubtopologyId("0")
                        .setPartitions(List.of(owned))))
                .setStandbyTasks(List.of()).setWarmupTasks(List.of());
    }

    private static List<Integer> active(StreamsGroupHeartbeatResponseData response) {
        return response.activeTasks().stream().flatMap(t -> t.partitions().stream()).sorted().toList();
    }

    @Test
    void tasksMoveToANewMemberOnlyOnceTheirOwnerRevokedThem() throws Exception {
        try (RawClient client = new RawClient(broker.host(), broker.port())) {
            StreamsGroupHeartbeatResponseData a = client.send(ApiKeys.STREAMS_GROUP_HEARTBEAT, (short) 1,
                    join("counter", "member-a", "process-a", topology("counter", "clicks")));
            assertThat(a.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(a.status()).isEmpty();
            assertThat(active(a)).containsExactly(0, 1);
            // the changelog was created as Kafka's coordinator asks: one partition per task, the topology's configs
            TopicDescription changelog = admin.describeTopics(List.of("counter-store-changelog")).allTopicNames().get()
                    .get("counter-store-changelog");
            assertThat(changelog.partitions()).hasSize(2);

            StreamsGroupHeartbeatResponseData b = client.send(ApiKeys.STREAMS_GROUP_HEARTBEAT, (short) 1,
                    join("counter", "member-b", "process-b", topology("counter", "clicks")));
            assertThat(active(b)).isEmpty(); // its task is still owned by member-a

            StreamsGroupHeartbeatResponseData revoke = client.send(ApiKeys.STREAMS_GROUP_HEARTBEAT, (short) 1,
                    heartbeat("counter", "member-a", a.memberEpoch(), 0, 1));
            assertThat(active(revoke)).hasSize(1);
            assertThat(revoke.memberEpoch()).isEqualTo(a.memberEpoch()); // keeps its epoch until it revoked
            int kept = active(revoke).get(0);
            int moving = 1 - kept;
            StreamsGroupHeartbeatResponseData stillWaiting = client.send(ApiKeys.STREAMS_GROUP_HEARTBEAT, (short) 1,
                    heartbeat("counter", "member-b", b.memberEpoch()));
            assertThat(stillWaiting.activeTasks()).isNull(); // unchanged: nothing yet

            StreamsGroupHeartbeatResponseData revoked = client.send(ApiKeys.STREAMS_GROUP_HEARTBEAT, (short) 1,
                    heartbeat("counter", "member-a", a.memberEpoch(), kept));
            assertThat(revoked.memberEpoch()).isGreaterThan(a.memberEpoch());
            StreamsGroupHeartbeatResponseData taken = client.send(ApiKeys.STREAMS_GROUP_HEARTBEAT, (short) 1,
                    heartbeat("counter", "member-b", stillWaiting.memberEpoch()));
            assertThat(active(taken)).containsExactly(moving);

            StreamsGroupDescription group = admin.describeStreamsGroups(List.of("counter")).all().get().get("counter");
            assertThat(group.members()).hasSize(2);
            assertThat(group.subtopologies()).singleElement().satisfies(s -> assertThat(s.sourceTopics())
                    .containsExactly("clicks"));

            // a member from the past is fenced; an unknown one must rejoin
            assertThat(((StreamsGroupHeartbeatResponseData) client.send(ApiKeys.STREAMS_GROUP_HEARTBEAT, (short) 1,
                    heartbeat("counter", "member-a", revoked.memberEpoch() + 3, kept))).errorCode())
                    .isEqualTo(Errors.FENCED_MEMBER_EPOCH.code());
            assertThat(((StreamsGroupHeartbeatResponseData) client.send(ApiKeys.STREAMS_GROUP_HEARTBEAT, (short) 1,
                    heartbeat("counter", "member-x", 4))).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());

            // both leave: the group is empty and can be deleted
            for (String member : List.of("member-a", "member-b")) {
                client.send(ApiKeys.STREAMS_GROUP_HEARTBEAT, (short) 1, new StreamsGroupHeartbeatRequestData()
                        .setGroupId("counter").setMemberId(member).setMemberEpoch(-1));
            }
            assertThat(admin.describeStreamsGroups(List.of("counter")).all().get().get("counter").groupState())
                    .isEqualTo(GroupState.EMPTY);
            admin.deleteStreamsGroups(List.of("counter")).all().get();
        }
    }

    @Test
    void aStatefulTaskGetsAStandbyOnAnotherProcess() throws Exception {
        admin.incrementalAlterConfigs(java.util.Map.of(
                new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.GROUP,
                        "replicated"),
                List.of(new org.apache.kafka.clients.admin.AlterConfigOp(new org.apache.kafka.clients.admin.ConfigEntry(
                        "streams.num.standby.replicas", "1"), org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET))))
                .all().get();
        try (RawClient client = new RawClient(broker.host(), broker.port())) {
            StreamsGroupHeartbeatResponseData a = client.send(ApiKeys.STREAMS_GROUP_HEARTBEAT, (short) 1,
                    join("replicated", "a", "process-a", topology("replicated", "clicks")));
            StreamsGroupHeartbeatResponseData b = client.send(ApiKeys.STREAMS_GROUP_HEARTBEAT, (short) 1,
                    join("replicated", "b", "process-b", topology("replicated", "clicks")));
            // a gives up one task; once it reported that, b gets it and each holds a standby of the other's task
            StreamsGroupHeartbeatResponseData revoke = client.send(ApiKeys.STREAMS_GROUP_HEARTBEAT, (short) 1,
                    heartbeat("replicated", "a", a.memberEpoch(), 0, 1));
            int kept = active(revoke).get(0);
            StreamsGroupHeartbeatResponseData settled = client.send(ApiKeys.STREAMS_GROUP_HEARTBEAT, (short) 1,
                    heartbeat("replicated", "a", a.memberEpoch(), kept));
            StreamsGroupHeartbeatResponseData other = client.send(ApiKeys.STREAMS_GROUP_HEARTBEAT, (short) 1,
                    heartbeat("replicated", "b", b.memberEpoch()));
            assertThat(active(other)).containsExactly(1 - kept);
            assertThat(other.standbyTasks()).singleElement().satisfies(t -> assertThat(t.partitions()).containsExactly(kept));
            StreamsGroupHeartbeatResponseData standbyForA = client.send(ApiKeys.STREAMS_GROUP_HEARTBEAT, (short) 1,
                    heartbeat("replicated", "a", settled.memberEpoch(), kept));
            List<StreamsGroupHeartbeatResponseData.TaskIds> standby = standbyForA.standbyTasks() != null
                    ? standbyForA.standbyTasks() : settled.standbyTasks();
            assertThat(standby).singleElement().satisfies(t -> assertThat(t.partitions()).containsExactly(1 - kept));
        }
    }

    @Test
    void badTopologiesAndUnknownGroupsGetKafkasErrors() throws Exception {
        try (RawClient client = new RawClient(broker.host(), broker.port())) {
            StreamsGroupHeartbeatResponseData internal = client.send(ApiKeys.STREAMS_GROUP_HEARTBEAT, (short) 0,
                    join("bad", "m", "p", topology("bad", "__consumer_offsets")));
            assertThat(internal.errorCode()).isEqualTo(Errors.STREAMS_INVALID_TOPOLOGY.code());
            StreamsGroupHeartbeatResponseData noTopology = client.send(ApiKeys.STREAMS_GROUP_HEARTBEAT, (short) 0,
                    join("bad", "m", "p", null));
            assertThat(noTopology.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());

            StreamsGroupHeartbeatResponseData missing = client.send(ApiKeys.STREAMS_GROUP_HEARTBEAT, (short) 0,
                    join("waiting", "m", "p", topology("waiting", "not-yet-created")));
            assertThat(missing.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(missing.status()).singleElement().satisfies(s -> {
                assertThat(s.statusCode()).isEqualTo((byte) 1); // MISSING_SOURCE_TOPICS
                assertThat(s.statusDetail()).contains("not-yet-created");
            });
            assertThat(active(missing)).isEmpty();
            admin.createTopics(List.of(new NewTopic("not-yet-created", 3, (short) 1))).all().get();
            StreamsGroupHeartbeatResponseData ready = client.send(ApiKeys.STREAMS_GROUP_HEARTBEAT, (short) 0,
                    heartbeat("waiting", "m", missing.memberEpoch()));
            assertThat(ready.status()).isEmpty();
            assertThat(active(ready)).containsExactly(0, 1, 2);

            StreamsGroupDescribeResponseData unknown = client.send(ApiKeys.STREAMS_GROUP_DESCRIBE, (short) 0,
                    new StreamsGroupDescribeRequestData().setGroupIds(List.of("nobody")));
            assertThat(unknown.groups().get(0).errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
            // the broker carries on for everyone else
            assertThat(admin.listTopics().names().get()).contains("clicks");
        }
    }
}
