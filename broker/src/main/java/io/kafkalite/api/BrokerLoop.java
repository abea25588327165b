package io.kafkalite.api;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns broker state. Network threads hand it decoded requests; it dispatches them, runs
 * parked operations whose time has come (long-poll fetches, retention) and sleeps until the next request or
 * deadline. Nothing else touches logs, topics or producer state.
 */
public final class BrokerLoop implements Agent {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerLoop.class);
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ManyToOneConcurrentLinkedQueue<Runnable> inbox = new ManyToOneConcurrentLinkedQueue<>();
    private final List<TimedWork> timedWork = new ArrayList<>();
    private final String roleName;
    private final Runnable onClose;
    private volatile Thread thread;
    private AgentRunner runner;

    /**
     * @param onClose runs on the loop thread as its last act (closes the state the loop owns)
     */
    public BrokerLoop(String roleName, Runnable onClose) {
        this.roleName = roleName;
        this.onClose = onClose;
    }

    /** Adds work that runs whenever its deadline passes; registered before {@link #start()}. */
    public void addTimedWork(TimedWork work) {
        timedWork.add(work);
    }

    public void start() {
        runner = new AgentRunner(new ParkUntilWoken(), e -> LOG.error("Broker loop error", e), null, this);
        AgentRunner.startOnThread(runner, r -> {
            Thread t = new Thread(r, roleName);
            t.setDaemon(true);
            thread = t;
            return t;
        });
    }

    /** Hands a request to the loop; callable from any thread. */
    public void submit(RequestDispatcher dispatcher, ApiRequest request) {
        execute(() -> dispatcher.dispatch(request));
    }

    /** Runs {@code task} on the loop thread. */
    public void execute(Runnable task) {
        inbox.offer(task);
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Runs {@code task} on the loop thread and returns its result to the caller. */
    public <T> CompletableFuture<T> call(Supplier<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        execute(() -> {
            try {
                result.complete(task.get());
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    public boolean isLoopThread() {
        return Thread.currentThread() == thread;
    }

    @Override
    public int doWork() {
        int work = 0;
        Runnable task;
        while ((task = inbox.poll()) != null) {
            task.run();
            work++;
        }
        long now = System.nanoTime();
        for (TimedWork timed : timedWork) {
            if (timed.deadlineNanos() <= now) {
                work += timed.run(now);
            }
        }
        return work;
    }

    private long nanosUntilNextDeadline() {
        long now = System.nanoTime();
        long park = MAX_PARK_NANOS;
        for (TimedWork timed : timedWork) {
            park = Math.min(park, timed.deadlineNanos() - now);
        }
        return Math.max(park, 1000);
    }

    @Override
    public void onClose() {
        onClose.run();
    }

    @Override
    public String roleName() {
        return roleName;
    }

    /** Stops the loop, closes the state it owns (on the loop thread) and waits for the thread to end. */
    public void close() {
        if (runner != null) {
            runner.close();
        }
    }

    /** Work that runs on the loop thread at a deadline (System.nanoTime based). */
    public interface TimedWork {
        long deadlineNanos();

        /** Runs due work; returns how much was done. */
        int run(long nowNanos);
    }

    /** Parks the loop until a submit wakes it or the next deadline passes: no spinning on a shared CI core. */
    private final class ParkUntilWoken implements IdleStrategy {
        @Override
        public void idle(int workCount) {
            if (workCount == 0) {
                idle();
            }
        }

        @Override
        public void idle() {
            if (inbox.isEmpty()) {
                LockSupport.parkNanos(this, nanosUntilNextDeadline());
            }
        }

        @Override
        public void reset() {
        }
    }
}
