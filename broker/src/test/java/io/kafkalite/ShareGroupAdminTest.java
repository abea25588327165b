package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.message.ShareAcknowledgeRequestData;
import org.apache.kafka.common.message.ShareAcknowledgeResponseData;
import org.apache.kafka.common.message.ShareFetchRequestData;
import org.apache.kafka.common.message.ShareFetchResponseData;
import org.apache.kafka.common.message.ShareGroupDescribeRequestData;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Share groups through Admin (list, describe, offsets, delete, configs) and misbehaving share clients. */
class ShareGroupAdminTest {

    static KafkaLite broker;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaLite.builder().manualClock().brokerConfig("group.share.delivery.count.limit", "2").start();
        admin = Clients.admin(broker.bootstrapServers());
        admin.createTopics(List.of(new NewTopic("queue", 2, (short) 1), new NewTopic("raw", 1, (short) 1))).all().get();
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("queue", i % 2, null, "q" + i));
                producer.send(new ProducerRecord<>("raw", 0, null, "r" + i));
            }
        }
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    @Test
    void adminListsDescribesMovesAndDeletesAShareGroup() throws Exception {
        ShareGroupTest.readFromEarliest(admin, "billing");
        Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.GROUP, "billing")))
                .all().get().values().iterator().next();
        assertThat(config.get("share.auto.offset.reset").value()).isEqualTo("earliest");
        assertThat(config.get("share.auto.offset.reset").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_GROUP_CONFIG);
        assertThat(config.get("share.record.lock.duration.ms").value()).isEqualTo("30000");

        try (KafkaShareConsumer<String, String> consumer = ShareGroupTest.shareConsumer(broker.bootstrapServers(),
                "billing", Map.of())) {
            consumer.subscribe(List.of("queue"));
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (records.size() < 10 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            consumer.commitSync();
            assertThat(records).hasSize(10);

            List<GroupListing> shareGroups = List.copyOf(admin.listGroups(ListGroupsOptions.forShareGroups()).all().get());
            assertThat(shareGroups).extracting(GroupListing::groupId).contains("billing");
            assertThat(shareGroups).allSatisfy(g -> assertThat(g.type()).contains(GroupType.SHARE));
            ShareGroupDescription description = admin.describeShareGroups(List.of("billing")).all().get().get("billing");
            assertThat(description.groupState()).isEqualTo(GroupState.STABLE);
            assertThat(description.members()).singleElement().satisfies(m -> assertThat(m.assignment().topicPartitions())
                    .containsExactlyInAnyOrder(new TopicPartition("queue", 0), new TopicPartition("queue", 1)));
            // a share group with members keeps its offsets
            assertThatThrownBy(() -> admin.alterShareGroupOffsets("billing", Map.of(new TopicPartition("queue", 0), 0L))
                    .all().get()).hasCauseInstanceOf(GroupNotEmptyException.class);
        }
        Map<TopicPartition, SharePartitionOffsetInfo> offsets = admin.listShareGroupOffsets(
                Map.of("billing", new ListShareGroupOffsetsSpec())).all().get().get("billing");
        assertThat(offsets.get(new TopicPartition("queue", 0)).startOffset()).isEqualTo(5);
        assertThat(offsets.get(new TopicPartition("queue", 1)).startOffset()).isEqualTo(5);
        assertThat(offsets.get(new TopicPartition("queue", 0)).lag()).contains(0L);

        // moved back: the next consumer gets partition 0 again from offset 2
        admin.alterShareGroupOffsets("billing", Map.of(new TopicPartition("queue", 0), 2L)).all().get();
        assertThat(admin.listShareGroupOffsets(Map.of("billing", new ListShareGroupOffsetsSpec())).all().get()
                .get("billing").get(new TopicPartition("queue", 0)).lag()).contains(3L);
        admin.deleteShareGroupOffsets("billing", Set.of("queue")).all().get();
        assertThat(admin.listShareGroupOffsets(Map.of("billing", new ListShareGroupOffsetsSpec())).all().get()
                .get("billing")).isEmpty();
        admin.deleteShareGroups(List.of("billing")).all().get();
        assertThat(admin.listGroups(ListGroupsOptions.forShareGroups()).all().get())
                .extracting(GroupListing::groupId).doesNotContain("billing");
    }

    @Test
    void badGroupConfigsAreRefusedNamingTheConfig() {
        assertThatThrownBy(() -> admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, "g"),
                List.of(new org.apache.kafka.clients.admin.AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "never"),
                        org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)))).all().get())
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("share.auto.offset.reset");
    }

    @Test
    void misbehavingShareClientsGetKafkasErrorsAndTheBrokerCarriesOn() throws Exception {
        ShareGroupTest.readFromEarliest(admin, "raw-group");
        Uuid topicId = admin.describeTopics(List.of("raw")).allTopicNames().get().get("raw").topicId();
        try (RawClient one = new RawClient(broker.host(), broker.port());
             RawClient two = new RawClient(broker.host(), broker.port())) {
            String memberOne = Uuid.randomUuid().toString();
            String memberTwo = Uuid.randomUuid().toString();
            ShareGroupHeartbeatResponseData joined = heartbeat(one, "raw-group", memberOne, 0);
            assertThat(joined.errorCode()).isEqualTo(Errors.NONE.code());
            heartbeat(two, "raw-group", memberTwo, 0);

            // a stale member epoch is fenced; an unknown member must rejoin
            assertThat(heartbeat(one, "raw-group", memberOne, joined.memberEpoch() + 5).errorCode())
                    .isEqualTo(Errors.FENCED_MEMBER_EPOCH.code());
            assertThat(heartbeat(one, "raw-group", Uuid.randomUuid().toString(), 3).errorCode())
                    .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
            ShareGroupDescribeResponseData unknown = one.send(ApiKeys.SHARE_GROUP_DESCRIBE, (short) 1,
                    new ShareGroupDescribeRequestData().setGroupIds(List.of("no-such-group")));
            assertThat(unknown.groups().get(0).errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());

            // acknowledgements cannot open a share session
            ShareFetchResponseData withAcks = one.send(ApiKeys.SHARE_FETCH, (short) 1,
                    fetch("raw-group", memberOne, 0, topicId, List.of(new ShareFetchRequestData.AcknowledgementBatch()
                            .setFirstOffset(0).setLastOffset(0).setAcknowledgeTypes(List.of((byte) 1)))));
            assertThat(withAcks.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());

            ShareFetchResponseData fetched = one.send(ApiKeys.SHARE_FETCH, (short) 1,
                    fetch("raw-group", memberOne, 0, topicId, List.of()));
            ShareFetchResponseData.PartitionData partition = fetched.responses().iterator().next().partitions().get(0);
            assertThat(partition.acquiredRecords()).singleElement().satisfies(a -> {
                assertThat(a.firstOffset()).isEqualTo(0);
                assertThat(a.lastOffset()).isEqualTo(9);
                assertThat(a.deliveryCount()).isEqualTo((short) 1);
            });
            // a session epoch out of order
            assertThat(((ShareFetchResponseData) one.send(ApiKeys.SHARE_FETCH, (short) 1,
                    fetch("raw-group", memberOne, 7, topicId, List.of()))).errorCode())
                    .isEqualTo(Errors.INVALID_SHARE_SESSION_EPOCH.code());

            // member two opens a session and acknowledges records member one holds
            two.send(ApiKeys.SHARE_FETCH, (short) 1, fetch("raw-group", memberTwo, 0, topicId, List.of()));
            ShareAcknowledgeResponseData stolen = two.send(ApiKeys.SHARE_ACKNOWLEDGE, (short) 1,
                    acknowledge("raw-group", memberTwo, 1, topicId, 0, 4, AcknowledgeType.ACCEPT));
            assertThat(stolen.responses().iterator().next().partitions().get(0).errorCode())
                    .isEqualTo(Errors.INVALID_RECORD_STATE.code());
            // offsets past anything acquired, and batches out of order
            ShareAcknowledgeResponseData past = one.send(ApiKeys.SHARE_ACKNOWLEDGE, (short) 1,
                    acknowledge("raw-group", memberOne, 1, topicId, 5, 50, AcknowledgeType.ACCEPT));
            assertThat(past.responses().iterator().next().partitions().get(0).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());

            // the rightful owner releases 0..4 twice: with group.share.delivery.count.limit=2 they are then archived
            ShareAcknowledgeResponseData released = one.send(ApiKeys.SHARE_ACKNOWLEDGE, (short) 1,
                    acknowledge("raw-group", memberOne, 2, topicId, 0, 4, AcknowledgeType.RELEASE));
            assertThat(released.responses().iterator().next().partitions().get(0).errorCode()).isEqualTo(Errors.NONE.code());
            ShareFetchResponseData again = two.send(ApiKeys.SHARE_FETCH, (short) 1,
                    fetch("raw-group", memberTwo, 2, topicId, List.of()));
            assertThat(again.responses().iterator().next().partitions().get(0).acquiredRecords()).singleElement()
                    .satisfies(a -> {
                        assertThat(a.lastOffset()).isEqualTo(4);
                        assertThat(a.deliveryCount()).isEqualTo((short) 2);
                    });
            two.send(ApiKeys.SHARE_ACKNOWLEDGE, (short) 1,
                    acknowledge("raw-group", memberTwo, 3, topicId, 0, 4, AcknowledgeType.RELEASE));
            one.send(ApiKeys.SHARE_ACKNOWLEDGE, (short) 1,
                    acknowledge("raw-group", memberOne, 3, topicId, 5, 9, AcknowledgeType.ACCEPT));
            // everything is done: archived after two deliveries, or accepted
            assertThat(admin.listShareGroupOffsets(Map.of("raw-group", new ListShareGroupOffsetsSpec())).all().get()
                    .get("raw-group").get(new TopicPartition("raw", 0)).startOffset()).isEqualTo(10);
        }
    }

    @Test
    void whatADisconnectedConsumerHeldGoesToTheOthersWithoutWaitingForTheLock() throws Exception {
        ShareGroupTest.readFromEarliest(admin, "gone");
        Uuid topicId = admin.describeTopics(List.of("raw")).allTopicNames().get().get("raw").topicId();
        String dead = Uuid.randomUuid().toString();
        String alive = Uuid.randomUuid().toString();
        try (RawClient survivor = new RawClient(broker.host(), broker.port())) {
            try (RawClient doomed = new RawClient(broker.host(), broker.port())) {
                heartbeat(doomed, "gone", dead, 0);
                ShareFetchResponseData held = doomed.send(ApiKeys.SHARE_FETCH, (short) 1,
                        fetch("gone", dead, 0, topicId, List.of()));
                assertThat(held.responses().iterator().next().partitions().get(0).acquiredRecords()).isNotEmpty();
            } // the process dies: its connection closes with the records still acquired
            heartbeat(survivor, "gone", alive, 0);
            List<ShareFetchResponseData.AcquiredRecords> acquired = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int epoch = 0;
            while (acquired.isEmpty() && System.nanoTime() < deadline) {
                ShareFetchResponseData fetched = survivor.send(ApiKeys.SHARE_FETCH, (short) 1,
                        fetch("gone", alive, epoch, topicId, List.of()).setMaxWaitMs(200));
                epoch++;
                fetched.responses().forEach(t -> t.partitions().forEach(p -> acquired.addAll(p.acquiredRecords())));
            }
            // no clock moved: the broker released them when the connection closed, as Kafka does
            assertThat(acquired).singleElement().satisfies(a -> {
                assertThat(a.firstOffset()).isZero();
                assertThat(a.lastOffset()).isEqualTo(9);
                assertThat(a.deliveryCount()).isEqualTo((short) 2);
            });
        }
    }

    private static ShareGroupHeartbeatResponseData heartbeat(RawClient client, String group, String member, int epoch)
            throws Exception {
        return client.send(ApiKeys.SHARE_GROUP_HEARTBEAT, (short) 1, new ShareGroupHeartbeatRequestData()
                .setGroupId(group).setMemberId(member).setMemberEpoch(epoch)
                .setSubscribedTopicNames(epoch == 0 ? List.of("raw") : null));
    }

    private static ShareFetchRequestData fetch(String group, String member, int epoch, Uuid topicId,
                                               List<ShareFetchRequestData.AcknowledgementBatch> acks) {
        ShareFetchRequestData.FetchTopicCollection topics = new ShareFetchRequestData.FetchTopicCollection();
        ShareFetchRequestData.FetchPartitionCollection partitions = new ShareFetchRequestData.FetchPartitionCollection();
        partitions.add(new ShareFetchRequestData.FetchPartition().setPartitionIndex(0).setAcknowledgementBatches(acks));
        topics.add(new ShareFetchRequestData.FetchTopic().setTopicId(topicId).setPartitions(partitions));
        return new ShareFetchRequestData().setGroupId(group).setMemberId(member).setShareSessionEpoch(epoch)
                .setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 20).setMaxRecords(500).setBatchSize(500)
                .setTopics(epoch == 0 ? topics : new ShareFetchRequestData.FetchTopicCollection());
    }

    private static ShareAcknowledgeRequestData acknowledge(String group, String member, int epoch, Uuid topicId,
                                                           long first, long last, AcknowledgeType type) {
        ShareAcknowledgeRequestData.AcknowledgeTopicCollection topics =
                new ShareAcknowledgeRequestData.AcknowledgeTopicCollection();
        ShareAcknowledgeRequestData.AcknowledgePartitionCollection partitions =
                new ShareAcknowledgeRequestData.AcknowledgePartitionCollection();
        partitions.add(new ShareAcknowledgeRequestData.AcknowledgePartition().setPartitionIndex(0)
                .setAcknowledgementBatches(List.of(new ShareAcknowledgeRequestData.AcknowledgementBatch()
                        .setFirstOffset(first).setLastOffset(last).setAcknowledgeTypes(List.of(type.id)))));
        topics.add(new ShareAcknowledgeRequestData.AcknowledgeTopic().setTopicId(topicId).setPartitions(partitions));
        return new ShareAcknowledgeRequestData().setGroupId(group).setMemberId(member).setShareSessionEpoch(epoch)
                .setTopics(topics);
    }
}
