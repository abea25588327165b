package io.kafkalite;

import static io.kafkalite.GroupConsumers.consumer;
import static io.kafkalite.GroupConsumers.pollUntil;
import static io.kafkalite.GroupConsumers.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Consumer groups with the classic protocol, through real kafka-clients consumers. */
class ConsumerGroupTest {

    static KafkaLite broker;

    @BeforeAll
    static void start() {
        broker = KafkaLite.builder()
                .topic("shared", 6)
                .topic("failover", 2)
                .topic("stalled", 2)
                .topic("resume", 1)
                .topic("coop", 4)
                .topic("static", 4)
                .topic("isolated", 2)
                .topic("growing", 2)
                .topic("extra", 2)
                .start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void membersSplitPartitionsAndEachGroupGetsEveryRecordOnce() throws Exception {
        String bootstrap = broker.bootstrapServers();
        List<KafkaConsumer<String, String>> members = new ArrayList<>();
        List<KafkaConsumer<String, String>> other = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                members.add(consumer(bootstrap, "share-a", Map.of()));
            }
            other.add(consumer(bootstrap, "share-b", Map.of()));
            for (KafkaConsumer<String, String> c : members) {
                c.subscribe(List.of("shared"));
            }
            other.get(0).subscribe(List.of("shared"));
            pollUntil(members, () -> members.stream().allMatch(c -> c.assignment().size() == 2), "each member has 2 partitions");

            Set<TopicPartition> union = new HashSet<>();
            members.forEach(c -> union.addAll(c.assignment()));
            assertThat(union).hasSize(6);

            produce(bootstrap, "shared", 6, 300);
            Map<String, List<KafkaConsumer<String, String>>> receivers = new HashMap<>();
            List<ConsumerRecord<String, String>> received = new ArrayList<>();
            pollUntil(members, (c, r) -> {
                received.add(r);
                receivers.computeIfAbsent(r.value(), v -> new ArrayList<>()).add(c);
                assertThat(c.assignment()).contains(new TopicPartition(r.topic(), r.partition()));
            }, () -> received.size() >= 300, "group a received 300 records");
            assertThat(receivers).hasSize(300);
            assertThat(receivers.values()).allSatisfy(list -> assertThat(list).hasSize(1));

            List<ConsumerRecord<String, String>> receivedByB = new ArrayList<>();
            pollUntil(other, (c, r) -> receivedByB.add(r), () -> receivedByB.size() >= 300, "group b received 300 records");
            assertThat(receivedByB.stream().map(ConsumerRecord::value).distinct()).hasSize(300);
        } finally {
            members.forEach(KafkaConsumer::close);
            other.forEach(KafkaConsumer::close);
        }
    }

    @Test
    void crashedMemberLosesItsPartitionsAfterSessionTimeoutAndTheyResumeFromTheCommittedOffset() throws Exception {
        String bootstrap = broker.bootstrapServers();
        Map<String, Object> shortSession = Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 800);
        KafkaConsumer<String, String> crashing = consumer(bootstrap, "failover", shortSession);
        try (KafkaConsumer<String, String> survivor = consumer(bootstrap, "failover", shortSession)) {
            crashing.subscribe(List.of("failover"));
            survivor.subscribe(List.of("failover"));
            pollUntil(List.of(crashing, survivor),
                    () -> crashing.assignment().size() == 1 && survivor.assignment().size() == 1, "both members own a partition");
            TopicPartition lost = crashing.assignment().iterator().next();
            produce(bootstrap, "failover", 2, 100);

            List<Long> readByCrashing = new ArrayList<>();
            pollUntil(List.of(crashing, survivor), (c, r) -> {
                if (c == crashing) {
                    readByCrashing.add(r.offset());
                }
            }, () -> readByCrashing.size() == 50, "the first member read its partition");
            crashing.commitSync(Map.of(lost, new OffsetAndMetadata(20)));
            // Gone without a LeaveGroup, as if its process died: only the session timeout can notice.
            crashing.close(CloseOptions.groupMembershipOperation(GroupMembershipOperation.REMAIN_IN_GROUP));

            List<Long> redelivered = new ArrayList<>();
            pollUntil(List.of(survivor), (c, r) -> {
                if (r.partition() == lost.partition()) {
                    redelivered.add(r.offset());
                }
            }, () -> redelivered.contains(49L), "the survivor took over the partition");

            assertThat(survivor.assignment()).hasSize(2);
            assertThat(redelivered).first().isEqualTo(20L);
            assertThat(redelivered).containsExactlyElementsOf(java.util.stream.LongStream.range(20, 50).boxed().toList());
        } finally {
            crashing.close(Duration.ZERO);
        }
    }

    @Test
    void memberThatStopsPollingLeavesAndTheOtherMemberGetsItsRecords() throws Exception {
        String bootstrap = broker.bootstrapServers();
        Map<String, Object> shortPoll = Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 1000);
        try (KafkaConsumer<String, String> stalled = consumer(bootstrap, "stalled", shortPoll);
             KafkaConsumer<String, String> active = consumer(bootstrap, "stalled", shortPoll)) {
            stalled.subscribe(List.of("stalled"));
            active.subscribe(List.of("stalled"));
            pollUntil(List.of(stalled, active),
                    () -> stalled.assignment().size() == 1 && active.assignment().size() == 1, "both members own a partition");
            produce(bootstrap, "stalled", 2, 40);

            Set<String> values = new HashSet<>();
            pollUntil(List.of(active), (c, r) -> values.add(r.value()), () -> values.size() == 40,
                    "the active member read every record");
            assertThat(active.assignment()).hasSize(2);
        }
    }

    @Test
    void consumerRestartedInTheGroupResumesFromItsCommittedOffset() throws Exception {
        String bootstrap = broker.bootstrapServers();
        produce(bootstrap, "resume", 1, 30);
        TopicPartition tp = new TopicPartition("resume", 0);
        try (KafkaConsumer<String, String> first = consumer(bootstrap, "resume", Map.of())) {
            first.subscribe(List.of("resume"));
            List<ConsumerRecord<String, String>> read = new ArrayList<>();
            pollUntil(List.of(first), (c, r) -> read.add(r), () -> read.size() >= 10, "10 records read");
            first.commitSync(Map.of(tp, new OffsetAndMetadata(10, "checkpoint")));
        }
        try (KafkaConsumer<String, String> second = consumer(bootstrap, "resume", Map.of())) {
            second.subscribe(List.of("resume"));
            List<ConsumerRecord<String, String>> read = new ArrayList<>();
            pollUntil(List.of(second), (c, r) -> read.add(r), () -> read.size() >= 20, "the rest read");
            assertThat(read.get(0).offset()).isEqualTo(10);
            assertThat(read).hasSize(20);
            assertThat(second.committed(Set.of(tp)).get(tp).metadata()).isEqualTo("checkpoint");
        }
    }

    @Test
    void cooperativeRebalanceOnlyMovesThePartitionsTheNewMemberGets() {
        String bootstrap = broker.bootstrapServers();
        Map<String, Object> cooperative = Map.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                CooperativeStickyAssignor.class.getName());
        Set<TopicPartition> revokedFromFirst = new HashSet<>();
        try (KafkaConsumer<String, String> first = consumer(bootstrap, "coop", cooperative);
             KafkaConsumer<String, String> second = consumer(bootstrap, "coop", cooperative)) {
            first.subscribe(List.of("coop"), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {
                    revokedFromFirst.addAll(partitions);
                }

                @Override
                public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
                }
            });
            pollUntil(List.of(first), () -> first.assignment().size() == 4, "the first member owns every partition");

            second.subscribe(List.of("coop"));
            pollUntil(List.of(first, second), () -> first.assignment().size() == 2 && second.assignment().size() == 2,
                    "the partitions are shared");

            assertThat(revokedFromFirst).as("only what moved was revoked").isEqualTo(second.assignment());
            assertThat(first.assignment()).doesNotContainAnyElementsOf(revokedFromFirst);
        }
    }

    @Test
    void restartedStaticMemberGetsItsPartitionsBackWithoutRebalanceAndFencesItsOldSelf() {
        String bootstrap = broker.bootstrapServers();
        Map<String, Object> longSession = Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 30_000);
        int[] assignmentsOfA = new int[1];
        try (KafkaConsumer<String, String> a = consumer(bootstrap, "static", with(longSession, "instance-a"))) {
            a.subscribe(List.of("static"), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
                    assignmentsOfA[0]++;
                }
            });
            KafkaConsumer<String, String> b = consumer(bootstrap, "static", with(longSession, "instance-b"));
            b.subscribe(List.of("static"));
            pollUntil(List.of(a, b), () -> a.assignment().size() == 2 && b.assignment().size() == 2, "both own 2 partitions");
            Set<TopicPartition> partitionsOfB = Set.copyOf(b.assignment());
            int generation = a.groupMetadata().generationId();
            int rebalancesOfA = assignmentsOfA[0];
            b.close(); // a static member does not leave the group on close

            try (KafkaConsumer<String, String> restarted = consumer(bootstrap, "static", with(longSession, "instance-b"))) {
                restarted.subscribe(List.of("static"));
                pollUntil(List.of(a, restarted), () -> !restarted.assignment().isEmpty(), "the restarted member is assigned");

                assertThat(restarted.assignment()).isEqualTo(partitionsOfB);
                assertThat(restarted.groupMetadata().generationId()).isEqualTo(generation);
                assertThat(a.groupMetadata().generationId()).isEqualTo(generation);
                assertThat(assignmentsOfA[0]).as("the other member saw no rebalance").isEqualTo(rebalancesOfA);

                try (KafkaConsumer<String, String> duplicate = consumer(bootstrap, "static", with(longSession, "instance-b"))) {
                    duplicate.subscribe(List.of("static"));
                    pollUntil(List.of(duplicate), () -> !duplicate.assignment().isEmpty(), "the duplicate took the slot");
                    assertThatThrownBy(() -> pollUntil(List.of(restarted), () -> false, "fenced"))
                            .isInstanceOf(FencedInstanceIdException.class);
                }
            }
        }
    }

    private static Map<String, Object> with(Map<String, Object> base, String instanceId) {
        Map<String, Object> props = new HashMap<>(base);
        props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        return props;
    }

    @Test
    void aBrokenGroupDoesNotDisturbAnotherGroup() throws Exception {
        String bootstrap = broker.bootstrapServers();
        try (RawClient raw = new RawClient(broker.host(), broker.port());
             KafkaConsumer<String, String> healthy = consumer(bootstrap, "healthy", Map.of())) {
            // A member that joins, never syncs and answers nothing sensible, leaving its group mid-rebalance.
            String memberId = raw.joinGroup("broken", "", "consumer", "range", new byte[]{1, 2, 3}, 60_000).memberId();
            HeartbeatResponseData stale = raw.send(ApiKeys.HEARTBEAT, (short) 4, new HeartbeatRequestData()
                    .setGroupId("broken").setMemberId(memberId).setGenerationId(42));
            assertThat(Errors.forCode(stale.errorCode())).isEqualTo(Errors.ILLEGAL_GENERATION);

            healthy.subscribe(List.of("isolated"));
            produce(bootstrap, "isolated", 2, 50);
            Set<String> values = new HashSet<>();
            pollUntil(List.of(healthy), (c, r) -> values.add(r.value()), () -> values.size() == 50, "all records read");
            healthy.commitSync();

            DescribeGroupsResponseData described = raw.send(ApiKeys.DESCRIBE_GROUPS, (short) 5,
                    new DescribeGroupsRequestData().setGroups(List.of("broken", "healthy")));
            assertThat(described.groups()).extracting(DescribeGroupsResponseData.DescribedGroup::groupState)
                    .containsExactly("CompletingRebalance", "Stable");
        }
    }

    @Test
    void newPartitionsAndChangedSubscriptionsRebalanceTheGroup() throws Exception {
        String bootstrap = broker.bootstrapServers();
        try (KafkaConsumer<String, String> a = consumer(bootstrap, "growing", Map.of());
             KafkaConsumer<String, String> b = consumer(bootstrap, "growing", Map.of());
             org.apache.kafka.clients.admin.Admin admin = Clients.admin(bootstrap)) {
            a.subscribe(List.of("growing"));
            b.subscribe(List.of("growing"));
            pollUntil(List.of(a, b), () -> a.assignment().size() == 1 && b.assignment().size() == 1, "one partition each");

            admin.createPartitions(Map.of("growing", org.apache.kafka.clients.admin.NewPartitions.increaseTo(4))).all().get();
            pollUntil(List.of(a, b), () -> a.assignment().size() == 2 && b.assignment().size() == 2,
                    "the new partitions are assigned");

            b.subscribe(List.of("growing", "extra"));
            pollUntil(List.of(a, b), () -> b.assignment().stream().anyMatch(tp -> tp.topic().equals("extra")),
                    "the new subscription is assigned");
            assertThat(b.assignment()).contains(new TopicPartition("extra", 0), new TopicPartition("extra", 1));
            assertThat(a.assignment()).allMatch(tp -> tp.topic().equals("growing"));
        }
    }
}
