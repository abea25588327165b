package io.kafkalite.time;

import java.time.Duration;

/**
 * The broker's one source of time: wall-clock milliseconds for record timestamps and retention, monotonic
 * nanoseconds for timeouts. Either the system's, or a manual clock that only moves when a test advances it, so
 * that session timeouts, transaction timeouts and retention can be made to pass instantly.
 *
 * <p>A manual clock is moved on the broker loop thread (see {@code KafkaLite.advanceClock}); reads are safe
 * from any thread.
 */
public abstract class BrokerClock {

    private BrokerClock() {
    }

    /** The system clock. */
    public static BrokerClock system() {
        return SystemClock.INSTANCE;
    }

    /** A clock that starts at the current wall-clock time and stands still until {@link #advance}d. */
    public static BrokerClock manual() {
        return new ManualClock(System.currentTimeMillis());
    }

    /** Monotonic time in nanoseconds, for deadlines; only differences are meaningful. */
    public abstract long nanoTime();

    /** Wall-clock time in milliseconds since the epoch, for timestamps and retention. */
    public abstract long epochMillis();

    /** Whether this clock only moves when advanced (then the broker loop never waits for a deadline). */
    public abstract boolean isManual();

    /**
     * Moves a manual clock forward.
     *
     * @throws IllegalStateException on the system clock
     * @throws IllegalArgumentException for a negative duration
     */
    public abstract void advance(Duration duration);

    private static final class SystemClock extends BrokerClock {
        static final SystemClock INSTANCE = new SystemClock();

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long epochMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public boolean isManual() {
            return false;
        }

        @Override
        public void advance(Duration duration) {
            throw new IllegalStateException("The broker runs on the system clock; start it with "
                    + "KafkaLite.builder().manualClock() to move its time by hand");
        }
    }

    private static final class ManualClock extends BrokerClock {
        private final long startEpochMillis;
        /** Nanoseconds advanced so far; written on the broker loop thread only. */
        private volatile long elapsedNanos;

        ManualClock(long startEpochMillis) {
            this.startEpochMillis = startEpochMillis;
        }

        @Override
        public long nanoTime() {
            return elapsedNanos;
        }

        @Override
        public long epochMillis() {
            return startEpochMillis + elapsedNanos / 1_000_000;
        }

        @Override
        public boolean isManual() {
            return true;
        }

        @Override
        public void advance(Duration duration) {
            if (duration.isNegative()) {
                throw new IllegalArgumentException("The broker clock only moves forward, got " + duration);
            }
            elapsedNanos += duration.toNanos();
        }
    }
}
