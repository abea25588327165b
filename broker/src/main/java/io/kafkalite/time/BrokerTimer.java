package io.kafkalite.time;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.Long2ObjectHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's one timer: every deadline (group sessions and rebalances, parked fetches, transaction timeouts,
 * retention) is a keyed one-shot task on this wheel, run by the broker loop thread when the {@link BrokerClock}
 * passes it. Scheduling a key again replaces its earlier deadline, as a heartbeat pushes a session expiry back.
 *
 * <p>Not thread-safe: it belongs to the broker loop thread.
 */
public final class BrokerTimer {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerTimer.class);
    /** About a millisecond per tick: deadlines fire at most one tick late. */
    private static final long TICK_NANOS = 1L << 20;
    private static final int TICKS_PER_WHEEL = 1024;

    private final BrokerClock clock;
    private final DeadlineTimerWheel wheel;
    private final Map<Object, Scheduled> byKey = new HashMap<>();
    private final Long2ObjectHashMap<Scheduled> byTimerId = new Long2ObjectHashMap<>();
    private final List<Scheduled> due = new ArrayList<>();
    private final DeadlineTimerWheel.TimerHandler collectDue = (unit, now, timerId) -> {
        due.add(byTimerId.remove(timerId));
        return true;
    };
    /** A lower bound of the earliest live deadline (cancellations may leave it early); recomputed when passed. */
    private long earliestDeadline = Long.MAX_VALUE;
    /** Manual clock only: real-time deadlines of {@link #scheduleAfterOrRealTime} tasks, by key. */
    private final Map<Object, Long> realTimeDeadlines = new HashMap<>();

    public BrokerTimer(BrokerClock clock) {
        this.clock = clock;
        this.wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, clock.nanoTime(), TICK_NANOS, TICKS_PER_WHEEL);
    }

    public BrokerClock clock() {
        return clock;
    }

    /** Runs {@code task} once {@code delayNanos} have passed on the broker clock, replacing {@code key}'s deadline. */
    public void scheduleAfter(Object key, long delayNanos, Runnable task) {
        schedule(key, clock.nanoTime() + delayNanos, task);
    }

    /**
     * Runs {@code task} once {@code delayNanos} have passed on the broker clock or, when that clock is manual, in
     * real time, whichever comes first. For waits that pace clients rather than model broker time: a long poll's
     * max wait must end while a test leaves the clock standing, or every later request on that client's connection
     * waits behind it.
     */
    public void scheduleAfterOrRealTime(Object key, long delayNanos, Runnable task) {
        scheduleAfter(key, delayNanos, task);
        if (clock.isManual()) {
            realTimeDeadlines.put(key, BrokerClock.system().nanoTime() + delayNanos);
        }
    }

    /** Runs {@code task} once the broker clock reaches {@code deadlineNanos}, replacing {@code key}'s deadline. */
    public void schedule(Object key, long deadlineNanos, Runnable task) {
        cancel(key);
        if (wheel.timerCount() == 0) {
            // with no timers the wheel is not polled tick by tick: bring it to now so catching up stays cheap
            wheel.currentTickTime(clock.nanoTime());
        }
        long timerId = wheel.scheduleTimer(deadlineNanos);
        Scheduled scheduled = new Scheduled(key, task, timerId, deadlineNanos);
        byKey.put(key, scheduled);
        byTimerId.put(timerId, scheduled);
        earliestDeadline = Math.min(earliestDeadline, deadlineNanos);
    }

    /** Cancels {@code key}'s task if it has not run yet. */
    public void cancel(Object key) {
        if (!realTimeDeadlines.isEmpty()) {
            realTimeDeadlines.remove(key);
        }
        Scheduled scheduled = byKey.remove(key);
        if (scheduled != null) {
            scheduled.cancelled = true;
            if (byTimerId.remove(scheduled.timerId) != null) {
                wheel.cancelTimer(scheduled.timerId);
            }
        }
    }

    public boolean isScheduled(Object key) {
        return byKey.containsKey(key);
    }

    /** Runs every task whose deadline the clock has reached; returns how many ran. */
    public int runDue() {
        int ran = realTimeDeadlines.isEmpty() ? 0 : runDueInRealTime();
        long now = clock.nanoTime();
        if (earliestDeadline > now) {
            return ran;
        }
        long next;
        while ((next = liveEarliestDeadline()) <= now) {
            // No live timer is due before next, so the wheel may skip to its tick: a manual clock moved by days
            // costs one poll per due deadline, not one per tick.
            wheel.currentTickTime(next);
            wheel.poll(now, collectDue, Integer.MAX_VALUE);
        }
        earliestDeadline = next;
        for (int i = 0; i < due.size(); i++) {
            Scheduled scheduled = due.get(i);
            // an earlier task of this batch may have cancelled or replaced this one
            if (scheduled.cancelled || !byKey.remove(scheduled.key, scheduled)) {
                continue;
            }
            if (!realTimeDeadlines.isEmpty()) {
                realTimeDeadlines.remove(scheduled.key);
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

    /** Runs the tasks whose real-time deadline passed before their broker-clock one. */
    private int runDueInRealTime() {
        long now = BrokerClock.system().nanoTime();
        List<Object> dueKeys = new ArrayList<>();
        realTimeDeadlines.forEach((key, deadline) -> {
            if (deadline <= now) {
                dueKeys.add(key);
            }
        });
        int ran = 0;
        for (Object key : dueKeys) {
            Scheduled scheduled = byKey.get(key);
            cancel(key);
            if (scheduled != null) {
                try {
                    scheduled.task.run();
                } catch (RuntimeException e) {
                    LOG.error("Broker timer task {} failed", key, e);
                }
                ran++;
            }
        }
        return ran;
    }

    private long liveEarliestDeadline() {
        long earliest = Long.MAX_VALUE;
        for (Scheduled scheduled : byTimerId.values()) {
            earliest = Math.min(earliest, scheduled.deadlineNanos);
        }
        return earliest;
    }

    /**
     * How long the loop may sleep before the next deadline, at most {@code maxNanos}; a manual clock does not move
     * while the loop sleeps, so then the loop sleeps until woken.
     */
    public long nanosToWait(long maxNanos) {
        if (clock.isManual()) {
            long wait = maxNanos;
            long now = BrokerClock.system().nanoTime();
            for (long deadline : realTimeDeadlines.values()) {
                wait = Math.min(wait, Math.max(0, deadline - now));
            }
            return wait;
        }
        if (earliestDeadline == Long.MAX_VALUE) {
            return maxNanos;
        }
        return Math.max(0, Math.min(maxNanos, earliestDeadline - clock.nanoTime()));
    }

    private static final class Scheduled {
        final Object key;
        final Runnable task;
        final long timerId;
        final long deadlineNanos;
        boolean cancelled;

        Scheduled(Object key, Runnable task, long timerId, long deadlineNanos) {
            this.key = key;
            this.task = task;
            this.timerId = timerId;
            this.deadlineNanos = deadlineNanos;
        }
    }
}
