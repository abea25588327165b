package io.kafkalite.log;

/** Deadlines of background work on the broker loop, in {@link System#nanoTime()}; one value means "none". */
public final class Deadlines {

    /** No deadline: work until done. */
    public static final long NONE = Long.MAX_VALUE;

    private Deadlines() {
    }

    /** The deadline {@code budgetNanos} from now. */
    public static long after(long budgetNanos) {
        return System.nanoTime() + budgetNanos;
    }

    public static boolean passed(long deadlineNanos) {
        return deadlineNanos != NONE && System.nanoTime() - deadlineNanos > 0;
    }
}
