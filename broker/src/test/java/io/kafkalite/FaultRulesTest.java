package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Making, listing and removing fault rules; rules that could never fire fail when made. */
class FaultRulesTest {

    private static final KafkaLite BROKER = KafkaLite.start();

    @AfterEach
    void clear() {
        BROKER.faults().clear();
    }

    @AfterAll
    static void close() {
        BROKER.close();
    }

    private static Faults faults() {
        return BROKER.faults();
    }

    @Test
    void aRuleOnAnUnknownApiFailsNamingKafkasNames() {
        assertThatThrownBy(() -> faults().on("Produse"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Produse' is not a Kafka API").hasMessageContaining("Produce, Fetch");
    }

    @Test
    void apiNamesWorkAsInTheProtocolGuideOrAsConstants() {
        assertThat(faults().on("ListOffsets").times(1).respondWith("OFFSET_NOT_AVAILABLE").toString())
                .contains("ListOffsets");
        assertThat(faults().on("LIST_OFFSETS").times(1).respondWith("not_leader_or_follower").toString())
                .contains("ListOffsets").contains("NOT_LEADER_OR_FOLLOWER");
    }

    @Test
    void aRuleOnAnApiTheBrokerDoesNotServeFails() {
        assertThatThrownBy(() -> faults().on("ElectLeaders").respondWith("UNKNOWN_SERVER_ERROR"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Kafkalite does not serve ElectLeaders").hasMessageContaining("Produce");
    }

    @Test
    void anErrorTheApiNeverReturnsFailsListingTheOnesItDoes() {
        assertThatThrownBy(() -> faults().on("Produce").respondWith("REBALANCE_IN_PROGRESS"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Produce never returns REBALANCE_IN_PROGRESS")
                .hasMessageContaining("NOT_LEADER_OR_FOLLOWER");
        assertThatThrownBy(() -> faults().on("Heartbeat").respondWith("NOT_A_KAFKA_ERROR"))
                .hasMessageContaining("'NOT_A_KAFKA_ERROR' is not a Kafka error name");
        assertThatThrownBy(() -> faults().on("Fetch").respondWith("NETWORK_EXCEPTION"))
                .hasMessageContaining("closeConnectionBeforeApplying()");
    }

    @Test
    void aFilterTheApiCannotMatchFails() {
        assertThatThrownBy(() -> faults().on("JoinGroup").topic("orders").respondWith("UNKNOWN_MEMBER_ID"))
                .hasMessageContaining("JoinGroup requests name no topic");
        assertThatThrownBy(() -> faults().on("Metadata").topic("orders").partition(0).respondWith("LEADER_NOT_AVAILABLE"))
                .hasMessageContaining("Metadata requests name no partition");
        assertThatThrownBy(() -> faults().on("Produce").partition(0).respondWith("NOT_LEADER_OR_FOLLOWER"))
                .hasMessageContaining("partition(0) needs topic(...)");
        assertThatThrownBy(() -> faults().on("Produce").group("billing").blackHole())
                .hasMessageContaining("Produce requests name no group");
        assertThatThrownBy(() -> faults().onAnyApi().group("billing").respondWith("NOT_LEADER_OR_FOLLOWER"))
                .hasMessageContaining("no API Kafkalite serves matches it");
        assertThatThrownBy(() -> faults().on("Produce").delayResponse(Duration.ZERO))
                .hasMessageContaining("delay must be positive");
        assertThat(faults().rules()).as("failed rules are not installed").isEmpty();
    }

    @Test
    void rulesAreListedReportedAndRemoved() throws Exception {
        FaultRule policy = faults().on("CreateTopics").times(1).respondWith("POLICY_VIOLATION");
        FaultRule slow = faults().on("Metadata").delayResponse(Duration.ofMillis(1));
        assertThat(faults().rules()).containsExactly(policy, slow);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrapServers()))) {
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("refused", 1, (short) 1))).all().get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(PolicyViolationException.class)
                    .hasMessageContaining("fault rule #" + policy.id());
            admin.createTopics(List.of(new NewTopic("accepted", 1, (short) 1))).all().get();
            assertThat(admin.listTopics().names().get()).contains("accepted").doesNotContain("refused");
        }
        assertThat(policy.isActive()).isFalse();
        assertThat(policy.timesFired()).isEqualTo(1);
        assertThat(faults().firings()).anySatisfy(f -> assertThat(f.ruleId()).isEqualTo(policy.id()));
        assertThat(faults().report()).contains("CreateTopics, 1 request(s): respond POLICY_VIOLATION (fired 1)")
                .contains("Metadata, every request: delay the response PT0.001S");

        assertThat(slow.remove()).isTrue();
        assertThat(slow.remove()).isFalse();
        assertThat(faults().rules()).containsExactly(policy);
        faults().clear();
        assertThat(faults().rules()).isEmpty();
        assertThat(faults().report()).contains("none installed now").contains("#" + policy.id() + " on CREATE_TOPICS");
    }

    @Test
    void aFractionPicksTheSameRequestsForTheSameSeed() throws Exception {
        List<Boolean> first = failures(7);
        assertThat(failures(7)).isEqualTo(first);
        assertThat(first).contains(true, false);
    }

    /** Which of 20 CreateTopics requests a rule with fraction 0.5 and this seed fails. */
    private static List<Boolean> failures(long seed) throws Exception {
        faults().clear();
        faults().on("CreateTopics").fraction(0.5).seed(seed).respondWith("POLICY_VIOLATION");
        List<Boolean> failed = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrapServers()))) {
            for (int i = 0; i < 20; i++) {
                try {
                    admin.createTopics(List.of(new NewTopic("fraction-" + seed + "-" + failed.size() + "-"
                            + System.nanoTime(), 1, (short) 1))).all().get();
                    failed.add(false);
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(PolicyViolationException.class);
                    failed.add(true);
                }
            }
        }
        return failed;
    }
}
