package io.kafkalite.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The broker's one timer on a manual clock: keyed deadlines, replacement, cancellation and large jumps. */
class BrokerTimerTest {

    private final BrokerClock clock = BrokerClock.manual();
    private final BrokerTimer timer = new BrokerTimer(clock);
    private final List<String> ran = new ArrayList<>();

    private void advance(Duration duration) {
        clock.advance(duration);
        timer.runDue();
    }

    @Test
    void runsTasksOnceTheirDeadlinePassesInDeadlineOrder() {
        timer.scheduleAfter("b", Duration.ofMillis(20).toNanos(), () -> ran.add("b"));
        timer.scheduleAfter("a", Duration.ofMillis(10).toNanos(), () -> ran.add("a"));
        advance(Duration.ofMillis(9));
        assertThat(ran).isEmpty();
        advance(Duration.ofMillis(2));
        assertThat(ran).containsExactly("a");
        advance(Duration.ofMillis(10));
        assertThat(ran).containsExactly("a", "b");
        assertThat(timer.isScheduled("a")).isFalse();
    }

    @Test
    void schedulingAKeyAgainReplacesItsDeadline() {
        timer.scheduleAfter("session", Duration.ofMillis(10).toNanos(), () -> ran.add("first"));
        advance(Duration.ofMillis(8));
        timer.scheduleAfter("session", Duration.ofMillis(10).toNanos(), () -> ran.add("second"));
        advance(Duration.ofMillis(8));
        assertThat(ran).isEmpty();
        advance(Duration.ofMillis(3));
        assertThat(ran).containsExactly("second");
    }

    @Test
    void aCancelledTaskNeverRunsEvenWhenCancelledByATaskDueAtTheSameTime() {
        timer.scheduleAfter("x", Duration.ofMillis(5).toNanos(), () -> {
            ran.add("x");
            timer.cancel("y");
        });
        timer.scheduleAfter("y", Duration.ofMillis(5).toNanos(), () -> ran.add("y"));
        timer.scheduleAfter("z", Duration.ofMillis(5).toNanos(), () -> ran.add("z"));
        timer.cancel("z");
        advance(Duration.ofMillis(6));
        assertThat(ran).containsExactly("x");
    }

    @Test
    void aJumpOfDaysRunsEveryDueTaskAtOnce() {
        timer.scheduleAfter("soon", Duration.ofSeconds(45).toNanos(), () -> ran.add("soon"));
        timer.scheduleAfter("later", Duration.ofDays(6).toNanos(), () -> ran.add("later"));
        timer.scheduleAfter("never", Duration.ofDays(30).toNanos(), () -> ran.add("never"));
        advance(Duration.ofDays(7));
        assertThat(ran).containsExactly("soon", "later");
        advance(Duration.ofDays(30));
        assertThat(ran).containsExactly("soon", "later", "never");
    }

    @Test
    void aTaskMayRescheduleItself() {
        Runnable[] tick = new Runnable[1];
        tick[0] = () -> {
            ran.add("tick");
            timer.scheduleAfter("tick", Duration.ofSeconds(1).toNanos(), tick[0]);
        };
        timer.scheduleAfter("tick", Duration.ofSeconds(1).toNanos(), tick[0]);
        advance(Duration.ofMillis(1001));
        advance(Duration.ofMillis(1001));
        advance(Duration.ofHours(1));
        assertThat(ran).hasSize(3);
        assertThat(timer.isScheduled("tick")).isTrue();
    }

    @Test
    void realTimeWaitsEndOnAManualClockThatStandsStill() throws Exception {
        timer.scheduleAfterRealTime("long poll", Duration.ofMillis(20).toNanos(), () -> ran.add("long poll"));
        timer.scheduleAfter("session", Duration.ofMillis(20).toNanos(), () -> ran.add("session"));
        long waited = System.nanoTime();
        while (ran.isEmpty() && System.nanoTime() - waited < Duration.ofSeconds(10).toNanos()) {
            Thread.sleep(timer.nanosToWait(Duration.ofMillis(100).toNanos()) / 1_000_000 + 1);
            timer.runDue();
        }
        assertThat(ran).containsExactly("long poll");
        advance(Duration.ofMillis(20));
        assertThat(ran).containsExactly("long poll", "session");
    }

    @Test
    void aManualClockNeverAsksTheLoopToWakeForADeadline() {
        timer.scheduleAfter("a", 1, () -> ran.add("a"));
        assertThat(timer.nanosToWait(100)).isEqualTo(100);
        BrokerTimer system = new BrokerTimer(BrokerClock.system());
        system.scheduleAfter("a", Duration.ofSeconds(10).toNanos(), () -> { });
        assertThat(system.nanosToWait(Duration.ofMillis(100).toNanos())).isEqualTo(Duration.ofMillis(100).toNanos());
        system.scheduleAfter("b", 0, () -> { });
        assertThat(system.nanosToWait(Duration.ofMillis(100).toNanos())).isZero();
    }
}
