package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Consumer groups with the KIP-848 protocol (group.protocol=consumer) and real kafka-clients 4.x. */
class ConsumerProtocolGroupTest {

    static KafkaLite broker;
    static Admin admin;

    @BeforeAll
    static void start() {
        broker = KafkaLite.builder()
                .brokerConfig("group.consumer.session.timeout.ms", "2000")
                .brokerConfig("group.consumer.heartbeat.interval.ms", "100")
                .start();
        admin = Clients.admin(broker.bootstrapServers());
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    static KafkaConsumer<String, String> consumer(String bootstrap, String group, Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1000);
        props.putAll(extra);
        return Clients.consumer(bootstrap, props);
    }

    private static void createTopic(String name, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
    }

    @Test
    void membersShareThePartitionsAndEveryRecordReachesExactlyOneOfThem() throws Exception {
        createTopic("kip848-shared", 6);
        GroupConsumers.produce(broker.bootstrapServers(), "kip848-shared", 6, 120);
        List<KafkaConsumer<String, String>> members = new ArrayList<>();
        Map<String, Integer> deliveries = new ConcurrentHashMap<>();
        try {
            for (int i = 0; i < 3; i++) {
                KafkaConsumer<String, String> c = consumer(broker.bootstrapServers(), "share-848", Map.of());
                c.subscribe(List.of("kip848-shared"));
                members.add(c);
            }
            GroupConsumers.pollUntil(members, (c, r) -> deliveries.merge(r.value(), 1, Integer::sum),
                    () -> deliveries.size() == 120 && members.stream().allMatch(c -> c.assignment().size() == 2),
                    "120 records arrived and each member holds 2 partitions");
            assertThat(deliveries.values()).allMatch(n -> n == 1);
            Set<TopicPartition> all = new HashSet<>();
            members.forEach(c -> all.addAll(c.assignment()));
            assertThat(all).hasSize(6);

            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of("share-848")).all().get()
                    .get("share-848");
            assertThat(description.type()).isEqualTo(GroupType.CONSUMER);
            assertThat(description.members()).hasSize(3);
            assertThat(description.members()).allMatch(m -> m.assignment().topicPartitions().size() == 2);
        } finally {
            members.forEach(KafkaConsumer::close);
        }
    }

    @Test
    void aClosedMembersPartitionsMoveAndResumeFromTheCommittedOffset() throws Exception {
        createTopic("kip848-failover", 2);
        GroupConsumers.produce(broker.bootstrapServers(), "kip848-failover", 2, 20);
        KafkaConsumer<String, String> first = consumer(broker.bootstrapServers(), "failover-848", Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        KafkaConsumer<String, String> second = consumer(broker.bootstrapServers(), "failover-848", Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        try {
            first.subscribe(List.of("kip848-failover"));
            second.subscribe(List.of("kip848-failover"));
            Set<String> seen = ConcurrentHashMap.newKeySet();
            // each member must also have read its own partition to the end: a partition that moved to it may
            // have no position yet, and commitSync() would then commit nothing for it
            GroupConsumers.pollUntil(List.of(first, second), (c, r) -> seen.add(r.value()),
                    () -> seen.size() == 20 && first.assignment().size() == 1 && second.assignment().size() == 1
                            && readToTheEnd(first, 10) && readToTheEnd(second, 10),
                    "both members hold a partition and read everything");
            first.commitSync();
            second.commitSync();
            GroupConsumers.produce(broker.bootstrapServers(), "kip848-failover", 2, 10);
            first.close();

            Set<String> after = ConcurrentHashMap.newKeySet();
            GroupConsumers.pollUntil(List.of(second), (c, r) -> after.add(r.value()),
                    () -> second.assignment().size() == 2 && after.size() == 10,
                    "the survivor holds both partitions and reads the 10 new records");
            assertThat(after).containsExactlyInAnyOrder("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
        } finally {
            second.close();
        }
    }

    private static boolean readToTheEnd(KafkaConsumer<String, String> consumer, long end) {
        return consumer.assignment().stream().allMatch(tp -> consumer.position(tp) == end);
    }

    @Test
    void aMemberThatStopsHeartbeatingIsRemovedAfterTheSessionTimeout() throws Exception {
        createTopic("kip848-session", 2);
        try (RawClient raw = new RawClient(broker.host(), broker.port());
             KafkaConsumer<String, String> survivor = consumer(broker.bootstrapServers(), "session-848", Map.of())) {
            ConsumerGroupHeartbeatResponseData joined = raw.send(ApiKeys.CONSUMER_GROUP_HEARTBEAT, (short) 1,
                    new ConsumerGroupHeartbeatRequestData().setGroupId("session-848").setMemberId("silent-member")
                            .setMemberEpoch(0).setRebalanceTimeoutMs(30000)
                            .setSubscribedTopicNames(List.of("kip848-session")).setTopicPartitions(List.of()));
            assertThat(joined.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(joined.assignment().topicPartitions()).isNotEmpty();

            survivor.subscribe(List.of("kip848-session"));
            // the raw member never heartbeats again: after the session timeout the survivor gets both partitions
            GroupConsumers.pollUntil(List.of(survivor), () -> survivor.assignment().size() == 2,
                    "the silent member's partition moved to the survivor");
        }
    }

    @Test
    void aRegexSubscriptionPicksUpATopicCreatedLater() throws Exception {
        createTopic("metrics-cpu", 1);
        try (KafkaConsumer<String, String> c = consumer(broker.bootstrapServers(), "regex-848", Map.of())) {
            c.subscribe(new SubscriptionPattern("metrics-.*"));
            GroupConsumers.pollUntil(List.of(c), () -> c.assignment().size() == 1, "metrics-cpu is assigned");
            createTopic("metrics-disk", 1);
            GroupConsumers.produce(broker.bootstrapServers(), "metrics-disk", 1, 1);
            Set<String> topics = ConcurrentHashMap.newKeySet();
            GroupConsumers.pollUntil(List.of(c), (consumer, r) -> topics.add(r.topic()),
                    () -> topics.contains("metrics-disk"), "a record of the later topic arrives");
        }
    }

    @Test
    void theRangeAssignorGivesEachMemberAContiguousRange() throws Exception {
        createTopic("kip848-range", 4);
        Map<String, Object> range = Map.of(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, "range");
        try (KafkaConsumer<String, String> a = consumer(broker.bootstrapServers(), "range-848", range);
             KafkaConsumer<String, String> b = consumer(broker.bootstrapServers(), "range-848", range)) {
            a.subscribe(List.of("kip848-range"));
            b.subscribe(List.of("kip848-range"));
            GroupConsumers.pollUntil(List.of(a, b), () -> a.assignment().size() == 2 && b.assignment().size() == 2,
                    "each member holds two partitions");
            for (KafkaConsumer<String, String> c : List.of(a, b)) {
                List<Integer> partitions = c.assignment().stream().map(TopicPartition::partition).sorted().toList();
                assertThat(partitions.get(1) - partitions.get(0)).isEqualTo(1);
            }
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of("range-848")).all().get()
                    .get("range-848");
            assertThat(description.partitionAssignor()).isEqualTo("range");
        }
    }

    @Test
    void staleOrUnknownMembersAreFenced() throws Exception {
        createTopic("kip848-fencing", 1);
        try (RawClient raw = new RawClient(broker.host(), broker.port())) {
            ConsumerGroupHeartbeatRequestData join = new ConsumerGroupHeartbeatRequestData().setGroupId("fencing-848")
                    .setMemberId("member-a").setMemberEpoch(0).setRebalanceTimeoutMs(30000)
                    .setSubscribedTopicNames(List.of("kip848-fencing")).setTopicPartitions(List.of());
            ConsumerGroupHeartbeatResponseData joined = raw.send(ApiKeys.CONSUMER_GROUP_HEARTBEAT, (short) 1, join);
            assertThat(joined.memberEpoch()).isPositive();

            ConsumerGroupHeartbeatResponseData fenced = raw.send(ApiKeys.CONSUMER_GROUP_HEARTBEAT, (short) 1,
                    new ConsumerGroupHeartbeatRequestData().setGroupId("fencing-848").setMemberId("member-a")
                            .setMemberEpoch(joined.memberEpoch() + 5));
            assertThat(fenced.errorCode()).isEqualTo(Errors.FENCED_MEMBER_EPOCH.code());

            ConsumerGroupHeartbeatResponseData unknown = raw.send(ApiKeys.CONSUMER_GROUP_HEARTBEAT, (short) 1,
                    new ConsumerGroupHeartbeatRequestData().setGroupId("fencing-848").setMemberId("nobody")
                            .setMemberEpoch(3));
            assertThat(unknown.errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());

            ConsumerGroupHeartbeatResponseData left = raw.send(ApiKeys.CONSUMER_GROUP_HEARTBEAT, (short) 1,
                    new ConsumerGroupHeartbeatRequestData().setGroupId("fencing-848").setMemberId("member-a")
                            .setMemberEpoch(-1));
            assertThat(left.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(left.memberEpoch()).isEqualTo(-1);
        }
    }

    @Test
    void aRestartedConsumerResumesFromItsCommitAlsoAfterABrokerRestart(@TempDir Path data) throws Exception {
        try (KafkaLite durable = KafkaLite.builder().dataDirectory(data).topic("kip848-durable", 1).start()) {
            GroupConsumers.produce(durable.bootstrapServers(), "kip848-durable", 1, 5);
            try (KafkaConsumer<String, String> c = consumer(durable.bootstrapServers(), "durable-848",
                    Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false))) {
                c.subscribe(List.of("kip848-durable"));
                Set<String> seen = ConcurrentHashMap.newKeySet();
                GroupConsumers.pollUntil(List.of(c), (consumer, r) -> seen.add(r.value()), () -> seen.size() == 5,
                        "5 records read");
                c.commitSync(Duration.ofSeconds(30));
            }
            GroupConsumers.produce(durable.bootstrapServers(), "kip848-durable", 1, 2);
        }
        try (KafkaLite restarted = KafkaLite.builder().dataDirectory(data).start();
             KafkaConsumer<String, String> c = consumer(restarted.bootstrapServers(), "durable-848", Map.of())) {
            c.subscribe(List.of("kip848-durable"));
            List<Long> offsets = new ArrayList<>();
            GroupConsumers.pollUntil(List.of(c), (consumer, r) -> offsets.add(r.offset()), () -> offsets.size() >= 2,
                    "the records after the commit arrive");
            assertThat(offsets).startsWith(5L, 6L);
        }
    }
}
