package io.kafkalite.time;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.Long2ObjectHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's one timer: every deadline (group sessions and rebalances, transaction timeouts, retention, parked
 * fetches) is a keyed one-shot task here, run by the broker loop thread when its time comes. Scheduling a key
 * again replaces its earlier deadline, as a heartbeat pushes a session expiry back.
 *
 * <p>Deadlines follow the {@link BrokerClock}, with one exception: a wait that only bounds how long a client's
 * request stays unanswered ({@link #scheduleAfterRealTime}, a long-poll fetch's max wait) always runs in real
 * time. On a manual clock that a test does not move it would otherwise never end, and since a connection's
 * requests are answered in order, every later request of that client (offset commits, metadata, close) would
 * wait behind it.
 *
 * <p>Not thread-safe: it belongs to the broker loop thread.
 */
public final class BrokerTimer {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerTimer.class);
    /** About a millisecond per tick: deadlines fire at most one tick late. */
    private static final long TICK_NANOS = 1L << 20;
    private static final int TICKS_PER_WHEEL = 1024;

    private final BrokerClock clock;
    private final Wheel brokerTime;
    /** Real-time waits of a manual clock; with the system clock they share {@link #brokerTime}. */
    private final Wheel realTime;
    private final Map<Object, Scheduled> byKey = new HashMap<>();
    private final List<Scheduled> due = new ArrayList<>();

    public BrokerTimer(BrokerClock clock) {
        this.clock = clock;
        this.brokerTime = new Wheel(clock::nanoTime);
        this.realTime = clock.isManual() ? new Wheel(System::nanoTime) : brokerTime;
    }

    public BrokerClock clock() {
        return clock;
    }

    /** Runs {@code task} once {@code delayNanos} have passed on the broker clock, replacing {@code key}'s deadline. */
    public void scheduleAfter(Object key, long delayNanos, Runnable task) {
        schedule(key, clock.nanoTime() + delayNanos, task);
    }

    /** Runs {@code task} once the broker clock reaches {@code deadlineNanos}, replacing {@code key}'s deadline. */
    public void schedule(Object key, long deadlineNanos, Runnable task) {
        cancel(key);
        byKey.put(key, brokerTime.add(key, deadlineNanos, task));
    }

    /**
     * Runs {@code task} once {@code delayNanos} have really passed, whatever a manual broker clock says: for waits
     * that bound how long a client waits for an answer (see the class comment).
     */
    public void scheduleAfterRealTime(Object key, long delayNanos, Runnable task) {
        cancel(key);
        byKey.put(key, realTime.add(key, realTime.now.getAsLong() + delayNanos, task));
    }

    /** Cancels {@code key}'s task if it has not run yet. */
    public void cancel(Object key) {
        Scheduled scheduled = byKey.remove(key);
        if (scheduled != null) {
            scheduled.cancelled = true;
            scheduled.wheel.remove(scheduled);
        }
    }

    public boolean isScheduled(Object key) {
        return byKey.containsKey(key);
    }

    /** Runs every task whose deadline has come; returns how many ran. */
    public int runDue() {
        brokerTime.collectDue(due);
        if (realTime != brokerTime) {
            realTime.collectDue(due);
        }
        if (due.isEmpty()) {
            return 0;
        }
        int ran = 0;
        for (int i = 0; i < due.size(); i++) {
            Scheduled scheduled = due.get(i);
            // an earlier task of this batch may have cancelled or replaced this one
            if (scheduled.cancelled || !byKey.remove(scheduled.key, scheduled)) {
                continue;
            }
            try {
                scheduled.task.run();
            } catch (RuntimeException e) {
                // one failing task must not stop the timers of everything else
                LOG.error("Broker timer task {} failed", scheduled.key, e);
            }
            ran++;
        }
        due.clear();
        return ran;
    }

    /**
     * How long the loop may sleep before the next deadline, at most {@code maxNanos}. A manual clock does not move
     * while the loop sleeps, so its deadlines never wake the loop; real-time waits still do.
     */
    public long nanosToWait(long maxNanos) {
        long wait = realTime.nanosToEarliest(maxNanos);
        return clock.isManual() ? wait : Math.min(wait, brokerTime.nanosToEarliest(maxNanos));
    }

    /** Deadlines on one time base, on Agrona's {@link DeadlineTimerWheel}. */
    private static final class Wheel {
        final LongSupplier now;
        final DeadlineTimerWheel wheel;
        final Long2ObjectHashMap<Scheduled> byTimerId = new Long2ObjectHashMap<>();
        private List<Scheduled> collecting;
        private final DeadlineTimerWheel.TimerHandler collectDue = (unit, now, timerId) -> {
            collecting.add(byTimerId.remove(timerId));
            return true;
        };
        /** A lower bound of the earliest live deadline (cancellations may leave it early); recomputed when passed. */
        private long earliestDeadline = Long.MAX_VALUE;

        Wheel(LongSupplier now) {
            this.now = now;
            this.wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, now.getAsLong(), TICK_NANOS, TICKS_PER_WHEEL);
        }

        Scheduled add(Object key, long deadlineNanos, Runnable task) {
            if (wheel.timerCount() == 0) {
                // with no timers the wheel is not polled tick by tick: bring it to now so catching up stays cheap
                wheel.currentTickTime(now.getAsLong());
            }
            long timerId = wheel.scheduleTimer(deadlineNanos);
            Scheduled scheduled = new Scheduled(this, key, task, timerId, deadlineNanos);
            byTimerId.put(timerId, scheduled);
            earliestDeadline = Math.min(earliestDeadline, deadlineNanos);
            return scheduled;
        }

        void remove(Scheduled scheduled) {
            if (byTimerId.remove(scheduled.timerId) != null) {
                wheel.cancelTimer(scheduled.timerId);
            }
        }

        void collectDue(List<Scheduled> into) {
            long nowNanos = now.getAsLong();
            if (earliestDeadline > nowNanos) {
                return;
            }
            collecting = into;
            long next;
            while ((next = liveEarliestDeadline()) <= nowNanos) {
                // No live timer is due before next, so the wheel may skip to its tick: a manual clock moved by days
                // costs one poll per due deadline, not one per tick.
                wheel.currentTickTime(next);
                wheel.poll(nowNanos, collectDue, Integer.MAX_VALUE);
            }
            collecting = null;
            earliestDeadline = next;
        }

        private long liveEarliestDeadline() {
            long earliest = Long.MAX_VALUE;
            for (Scheduled scheduled : byTimerId.values()) {
                earliest = Math.min(earliest, scheduled.deadlineNanos);
            }
            return earliest;
        }

        long nanosToEarliest(long maxNanos) {
            if (earliestDeadline == Long.MAX_VALUE) {
                return maxNanos;
            }
            return Math.max(0, Math.min(maxNanos, earliestDeadline - now.getAsLong()));
        }
    }

    private static final class Scheduled {
        final Wheel wheel;
        final Object key;
        final Runnable task;
        final long timerId;
        final long deadlineNanos;
        boolean cancelled;

        Scheduled(Wheel wheel, Object key, Runnable task, long timerId, long deadlineNanos) {
            this.wheel = wheel;
            this.key = key;
            this.task = task;
            this.timerId = timerId;
            this.deadlineNanos = deadlineNanos;
        }
    }
}
