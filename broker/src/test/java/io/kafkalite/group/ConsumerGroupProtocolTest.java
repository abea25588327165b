package io.kafkalite.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.kafkalite.metadata.MetadataJournal;
import io.kafkalite.time.BrokerClock;
import io.kafkalite.time.BrokerTimer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** The KIP-848 heartbeat state machine and the server-side assignors, driven directly with a manual clock. */
class ConsumerGroupProtocolTest {

    private static final Uuid TOPIC = Uuid.randomUuid();
    private static final TopicLookup TOPICS = new TopicLookup() {
        private final TopicInfo orders = new TopicInfo("orders", TOPIC, 4);

        @Override
        public Collection<TopicInfo> all() {
            return List.of(orders);
        }

        @Override
        public TopicInfo byName(String name) {
            return name.equals("orders") ? orders : null;
        }

        @Override
        public TopicInfo byId(Uuid id) {
            return id.equals(TOPIC) ? orders : null;
        }
    };

    private final BrokerTimer timer = new BrokerTimer(BrokerClock.manual());
    private final GroupCoordinator coordinator = new GroupCoordinator(
            new GroupCoordinatorConfig(0, 100, 300_000, 300_000, 4096, 1000, 100),
            new OffsetStore(MetadataJournal.none()), timer);

    private void advance(long millis) {
        timer.clock().advance(Duration.ofMillis(millis));
        timer.runDue();
    }

    private ConsumerGroupHeartbeatResponseData heartbeat(String member, int epoch, Set<Integer> owned) {
        ConsumerGroupHeartbeatRequestData request = new ConsumerGroupHeartbeatRequestData()
                .setGroupId("g").setMemberId(member).setMemberEpoch(epoch)
                .setTopicPartitions(owned == null ? null : List.of(new ConsumerGroupHeartbeatRequestData.TopicPartitions()
                        .setTopicId(TOPIC).setPartitions(List.copyOf(owned))));
        if (epoch == 0) {
            request.setRebalanceTimeoutMs(5000).setSubscribedTopicNames(List.of("orders"));
        }
        return coordinator.consumerGroupHeartbeat(request, (short) 1, "client", "host", TOPICS);
    }

    private static Set<Integer> partitions(ConsumerGroupHeartbeatResponseData response) {
        return response.assignment().topicPartitions().stream().flatMap(tp -> tp.partitions().stream())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void partitionsMoveOnlyAfterTheirOwnerReleasedThem() {
        ConsumerGroupHeartbeatResponseData a = heartbeat("a", 0, Set.of());
        assertThat(partitions(a)).containsExactly(0, 1, 2, 3);

        ConsumerGroupHeartbeatResponseData b = heartbeat("b", 0, Set.of());
        assertThat(partitions(b)).as("nothing until a releases").isEmpty();
        int bEpoch = b.memberEpoch();

        ConsumerGroupHeartbeatResponseData aRevoking = heartbeat("a", a.memberEpoch(), Set.of(0, 1, 2, 3));
        assertThat(partitions(aRevoking)).hasSize(2);
        assertThat(aRevoking.memberEpoch()).as("epoch held until revocation is done").isEqualTo(a.memberEpoch());

        assertThat(heartbeat("b", bEpoch, Set.of()).assignment()).as("still held by a").isNull();

        Set<Integer> kept = partitions(aRevoking);
        ConsumerGroupHeartbeatResponseData aDone = heartbeat("a", a.memberEpoch(), kept);
        assertThat(aDone.memberEpoch()).isGreaterThan(a.memberEpoch());

        ConsumerGroupHeartbeatResponseData bNow = heartbeat("b", bEpoch, Set.of());
        Set<Integer> expected = new TreeSet<>(Set.of(0, 1, 2, 3));
        expected.removeAll(kept);
        assertThat(partitions(bNow)).isEqualTo(expected);
    }

    @Test
    void aMemberThatStopsHeartbeatingLeavesAfterTheSessionTimeout() {
        heartbeat("a", 0, Set.of());
        ConsumerGroupHeartbeatResponseData b = heartbeat("b", 0, Set.of());
        advance(600);
        heartbeat("b", b.memberEpoch(), Set.of());
        advance(600); // a's session (1000 ms) expired, b's did not

        ConsumerGroupHeartbeatResponseData bAll = heartbeat("b", b.memberEpoch(), Set.of());
        assertThat(partitions(bAll)).containsExactly(0, 1, 2, 3);
        assertThat(heartbeat("a", 1, Set.of()).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
    }

    @Test
    void uniformAssignorBalancesAndKeepsPartitionsWhereTheyAre() {
        Set<IdPartition> all = new TreeSet<>();
        for (int p = 0; p < 6; p++) {
            all.add(new IdPartition(TOPIC, p));
        }
        Map<String, Set<IdPartition>> two = ServerAssignor.UNIFORM.assign(Map.of("a", all, "b", all), Map.of());
        assertThat(two.get("a")).hasSize(3);
        assertThat(two.get("b")).hasSize(3);

        Map<String, Set<IdPartition>> three = ServerAssignor.UNIFORM.assign(Map.of("a", all, "b", all, "c", all), two);
        assertThat(three.values()).allMatch(s -> s.size() == 2);
        assertThat(two.get("a")).containsAll(three.get("a"));
        assertThat(two.get("b")).containsAll(three.get("b"));
    }

    @Test
    void rangeAssignorGivesContiguousRangesInMemberOrder() {
        Set<IdPartition> all = new TreeSet<>();
        for (int p = 0; p < 5; p++) {
            all.add(new IdPartition(TOPIC, p));
        }
        Map<String, Set<IdPartition>> result = ServerAssignor.RANGE.assign(Map.of("b", all, "a", all), Map.of());
        assertThat(result.get("a")).extracting(IdPartition::partition).containsExactly(0, 1, 2);
        assertThat(result.get("b")).extracting(IdPartition::partition).containsExactly(3, 4);
    }
}
