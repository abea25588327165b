package io.kafkalite;

import static io.kafkalite.GroupConsumers.consumer;
import static io.kafkalite.GroupConsumers.pollUntil;
import static io.kafkalite.GroupConsumers.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Admin client's consumer group operations, used the way lag monitoring and offset resets use them. */
class GroupAdminTest {

    static KafkaLite broker;

    @BeforeAll
    static void start() {
        broker = KafkaLite.builder().topic("lag", 2).topic("preset", 2).start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void adminSeesGroupsOffsetsAndLagAndManagesEmptyGroups() throws Exception {
        String bootstrap = broker.bootstrapServers();
        TopicPartition p0 = new TopicPartition("lag", 0);
        TopicPartition p1 = new TopicPartition("lag", 1);
        produce(bootstrap, "lag", 2, 20);
        try (Admin admin = Clients.admin(bootstrap)) {
            try (KafkaConsumer<String, String> member = consumer(bootstrap, "lagging", Map.of())) {
                member.subscribe(List.of("lag"));
                pollUntil(List.of(member), () -> member.assignment().size() == 2, "the member owns both partitions");
                member.commitSync(Map.of(p0, new OffsetAndMetadata(4), p1, new OffsetAndMetadata(7)));

                assertThat(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get())
                        .extracting(GroupListing::groupId, g -> g.groupState().orElseThrow(), g -> g.type().orElseThrow())
                        .contains(org.assertj.core.groups.Tuple.tuple("lagging", GroupState.STABLE, GroupType.CLASSIC));
                @SuppressWarnings("deprecation")
                var legacyListing = admin.listConsumerGroups().all().get();
                assertThat(legacyListing).extracting(l -> l.groupId()).contains("lagging");

                ConsumerGroupDescription description = admin.describeConsumerGroups(List.of("lagging"))
                        .describedGroups().get("lagging").get();
                assertThat(description.groupState()).isEqualTo(GroupState.STABLE);
                assertThat(description.type()).isEqualTo(GroupType.CLASSIC);
                assertThat(description.partitionAssignor()).isEqualTo("range");
                assertThat(description.coordinator().port()).isEqualTo(broker.port());
                assertThat(description.members()).singleElement().satisfies(m -> {
                    assertThat(m.clientId()).startsWith("consumer-lagging");
                    assertThat(m.host()).isEqualTo("/127.0.0.1");
                    assertThat(m.assignment().topicPartitions()).containsExactlyInAnyOrder(p0, p1);
                });

                Map<TopicPartition, Long> lag = lag(admin, "lagging");
                assertThat(lag).containsExactlyInAnyOrderEntriesOf(Map.of(p0, 6L, p1, 3L));

                // Offsets of an active group belong to its members.
                assertThatThrownBy(() -> admin.alterConsumerGroupOffsets("lagging", Map.of(p0, new OffsetAndMetadata(0))).all().get())
                        .hasCauseInstanceOf(UnknownMemberIdException.class);
                assertThatThrownBy(() -> admin.deleteConsumerGroupOffsets("lagging", Set.of(p0)).all().get())
                        .hasCauseInstanceOf(GroupSubscribedToTopicException.class);
                assertThatThrownBy(() -> admin.deleteConsumerGroups(List.of("lagging")).all().get())
                        .hasCauseInstanceOf(GroupNotEmptyException.class);
            }

            ConsumerGroupDescription empty = admin.describeConsumerGroups(List.of("lagging")).describedGroups().get("lagging").get();
            assertThat(empty.groupState()).isEqualTo(GroupState.EMPTY);
            assertThat(empty.members()).isEmpty();

            admin.alterConsumerGroupOffsets("lagging", Map.of(p0, new OffsetAndMetadata(9))).all().get();
            admin.deleteConsumerGroupOffsets("lagging", Set.of(p1)).all().get();
            assertThat(admin.listConsumerGroupOffsets("lagging").partitionsToOffsetAndMetadata().get())
                    .containsOnlyKeys(p0)
                    .hasEntrySatisfying(p0, o -> assertThat(o.offset()).isEqualTo(9));

            admin.deleteConsumerGroups(List.of("lagging")).all().get();
            assertThat(admin.listGroups().all().get()).extracting(GroupListing::groupId).doesNotContain("lagging");
            assertThat(admin.listConsumerGroupOffsets("lagging").partitionsToOffsetAndMetadata().get()).isEmpty();
            assertThatThrownBy(() -> admin.describeConsumerGroups(List.of("lagging")).describedGroups().get("lagging").get())
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(GroupIdNotFoundException.class);
        }
    }

    @Test
    void offsetsSetByAdminForANewGroupAreWhereItsConsumerStarts() throws Exception {
        String bootstrap = broker.bootstrapServers();
        TopicPartition p1 = new TopicPartition("preset", 1);
        produce(bootstrap, "preset", 2, 10);
        try (Admin admin = Clients.admin(bootstrap)) {
            admin.alterConsumerGroupOffsets("preset", Map.of(p1, new OffsetAndMetadata(3, "reset by ops"))).all().get();
            assertThat(admin.listGroups(ListGroupsOptions.forConsumerGroups().inGroupStates(Set.of(GroupState.EMPTY)))
                    .all().get()).extracting(GroupListing::groupId).contains("preset");
        }
        try (KafkaConsumer<String, String> member = consumer(bootstrap, "preset", Map.of())) {
            member.assign(List.of(p1));
            List<Long> offsets = new java.util.ArrayList<>();
            pollUntil(List.of(member), (c, r) -> offsets.add(r.offset()), () -> !offsets.isEmpty(), "a record arrives");
            assertThat(offsets.get(0)).isEqualTo(3);
            assertThat(member.committed(Set.of(p1)).get(p1).metadata()).isEqualTo("reset by ops");
        }
    }

    /** End offset minus committed offset per partition, as lag exporters compute it. */
    private static Map<TopicPartition, Long> lag(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
        Map<TopicPartition, Long> lag = new HashMap<>();
        committed.forEach((tp, offset) -> lag.put(tp, ends.get(tp).offset() - offset.offset()));
        return lag;
    }
}
