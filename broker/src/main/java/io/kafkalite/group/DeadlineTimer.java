package io.kafkalite.group;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed one-shot timers on the broker loop thread: scheduling a key again replaces its earlier deadline, as
 * a heartbeat pushes its member's session expiry back. Times are {@link System#nanoTime()}-style nanoseconds
 * from the coordinator's clock.
 */
final class DeadlineTimer {

    private static final Logger LOG = LoggerFactory.getLogger(DeadlineTimer.class);

    private final Map<Object, Entry> byKey = new HashMap<>();
    private final PriorityQueue<Entry> queue = new PriorityQueue<>(Comparator.comparingLong(e -> e.deadlineNanos));

    void schedule(Object key, long deadlineNanos, Runnable task) {
        Entry entry = new Entry(key, deadlineNanos, task);
        Entry previous = byKey.put(key, entry);
        if (previous != null) {
            previous.cancelled = true;
        }
        queue.add(entry);
    }

    void cancel(Object key) {
        Entry entry = byKey.remove(key);
        if (entry != null) {
            entry.cancelled = true;
        }
    }

    boolean isScheduled(Object key) {
        return byKey.containsKey(key);
    }

    /** The earliest deadline, or Long.MAX_VALUE when nothing is scheduled. */
    long nextDeadlineNanos() {
        Entry head;
        while ((head = queue.peek()) != null && head.cancelled) {
            queue.poll();
        }
        return head == null ? Long.MAX_VALUE : head.deadlineNanos;
    }

    /** Runs every task whose deadline is not after {@code nowNanos}; returns how many ran. */
    int runDue(long nowNanos) {
        int ran = 0;
        Entry head;
        while ((head = queue.peek()) != null && (head.cancelled || head.deadlineNanos <= nowNanos)) {
            queue.poll();
            if (head.cancelled) {
                continue;
            }
            byKey.remove(head.key);
            try {
                head.task.run();
            } catch (RuntimeException e) {
                // One group's failure must not stop the timers of the others.
                LOG.error("Group coordinator timer {} failed", head.key, e);
            }
            ran++;
        }
        return ran;
    }

    private static final class Entry {
        final Object key;
        final long deadlineNanos;
        final Runnable task;
        boolean cancelled;

        Entry(Object key, long deadlineNanos, Runnable task) {
            this.key = key;
            this.deadlineNanos = deadlineNanos;
            this.task = task;
        }
    }
}
