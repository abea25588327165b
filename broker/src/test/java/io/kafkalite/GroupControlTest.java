package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Seeing and steering consumer groups from the test, for classic and KIP-848 groups. */
class GroupControlTest {

    private static final String TOPIC = "jobs";
    private static final String GROUP = "runners";

    private final KafkaLite broker = KafkaLite.builder().topic(TOPIC, 4).start();

    @AfterEach
    void close() {
        broker.close();
    }

    private KafkaConsumer<String, String> member(String clientId, String protocol) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        if (protocol.equals("classic")) {
            config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 100);
        }
        KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), config);
        consumer.subscribe(List.of(TOPIC));
        return consumer;
    }

    private boolean everyMemberOwns(int members, int partitionsEach) {
        return broker.groups().describe(GROUP).filter(g -> g.members().size() == members
                && g.members().stream().allMatch(m -> m.partitionCount() == partitionsEach)).isPresent();
    }

    @Test
    void aClassicGroupShowsItsMembersAndHandsARemovedOnesPartitionsToTheOther() {
        removingAMemberHandsItsPartitionsToTheOther("classic");
    }

    @Test
    void aKip848GroupShowsItsMembersAndHandsARemovedOnesPartitionsToTheOther() {
        removingAMemberHandsItsPartitionsToTheOther("consumer");
    }

    private void removingAMemberHandsItsPartitionsToTheOther(String protocol) {
        try (KafkaConsumer<String, String> first = member("first", protocol);
             KafkaConsumer<String, String> second = member("second", protocol)) {
            GroupConsumers.pollUntil(List.of(first, second), () -> everyMemberOwns(2, 2), "each member owns two");
            Groups.Description group = broker.groups().describe(GROUP).orElseThrow();
            assertThat(group.protocol()).isEqualTo(protocol);
            assertThat(group.state()).isEqualTo("Stable");
            assertThat(group.members()).extracting(Groups.Member::clientId).containsExactlyInAnyOrder("first", "second");
            assertThat(group.memberWithClientId("first").assignment().get(TOPIC)).hasSize(2);
            assertThat(broker.groups().list()).contains(GROUP);

            // the first member hangs; rather than wait out its session, the test removes it now
            FaultRule hung = broker.faults().onAnyApi().clientId("first").blackHole();
            broker.groups().removeMember(GROUP, group.memberWithClientId("first").memberId());

            GroupConsumers.pollUntil(List.of(second), () -> second.assignment().size() == 4 && everyMemberOwns(1, 4),
                    "the second member owns all four partitions");
            assertThat(broker.groups().describe(GROUP).orElseThrow().memberWithClientId("second").assignment())
                    .containsEntry(TOPIC, List.of(0, 1, 2, 3));
            hung.remove();
        }
    }

    @Test
    void aForcedRebalanceOfAClassicGroupStartsANewGeneration() {
        try (KafkaConsumer<String, String> only = member("only", "classic")) {
            GroupConsumers.pollUntil(List.of(only), () -> everyMemberOwns(1, 4), "the member owns all partitions");
            int generation = broker.groups().describe(GROUP).orElseThrow().epoch();

            broker.groups().forceRebalance(GROUP);
            assertThat(broker.groups().describe(GROUP).orElseThrow().state()).isEqualTo("PreparingRebalance");
            GroupConsumers.pollUntil(List.of(only), () -> only.assignment().size() == 4 && broker.groups()
                    .describe(GROUP).filter(g -> g.state().equals("Stable") && g.epoch() > generation).isPresent(),
                    "the member rejoined in a new generation");
            assertThat(only.assignment()).hasSize(4);
        }
    }

    @Test
    void aForcedRebalanceOfAKip848GroupMovesItsEpochAndKeepsTheAssignment() {
        try (KafkaConsumer<String, String> only = member("only", "consumer")) {
            GroupConsumers.pollUntil(List.of(only), () -> everyMemberOwns(1, 4), "the member owns all partitions");
            int epoch = broker.groups().describe(GROUP).orElseThrow().epoch();

            broker.groups().forceRebalance(GROUP);
            GroupConsumers.pollUntil(List.of(only), () -> only.assignment().size() == 4 && broker.groups()
                    .describe(GROUP).filter(g -> g.state().equals("Stable") && g.epoch() > epoch).isPresent(),
                    "the member reconciled to the new epoch");
            assertThat(only.assignment()).hasSize(4);
        }
    }

    @Test
    void unknownGroupsAndMembersAreReportedClearly() {
        assertThat(broker.groups().describe("nobody")).isEmpty();
        assertThatThrownBy(() -> broker.groups().removeMember("nobody", "m-1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Group 'nobody' has no member 'm-1'");
        assertThatThrownBy(() -> broker.groups().forceRebalance("nobody"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no members to rebalance");
    }
}
