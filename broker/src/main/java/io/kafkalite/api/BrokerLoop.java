package io.kafkalite.api;

import java.nio.ByteBuffer;
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
import org.apache.kafka.common.errors.InvalidRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns broker state. Network threads hand it request frames; it decodes and dispatches
 * them, runs
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
    private volatile boolean closing;
    private AgentRunner runner;
    /** Installed on the loop thread; frames queued before it are decoded after it (the inbox is FIFO). */
    private RequestDispatcher dispatcher;

    /**
     * @param onClose runs on the loop thread as its last act (closes the state the loop owns)
     */
    public BrokerLoop(String roleName, Runnable onClose) {
        this.roleName = roleName;
        this.onClose = onClose;
    }

    /** Adds work that runs whenever its deadline passes; call on the loop thread. */
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

    /**
     * Installs the dispatch table; call on the loop thread. Building it loads Kafka's protocol schemas (~0.2 s),
     * so the broker does it after start() returned, while clients are still loading their own classes.
     */
    public void install(RequestDispatcher requestDispatcher) {
        this.dispatcher = requestDispatcher;
    }

    /**
     * Hands a request frame (without its size prefix) to the loop; callable from any thread. A frame that is
     * not a request the broker can answer closes its connection, as Kafka does.
     */
    public void submit(ByteBuffer frame, ResponseSink sink) {
        execute(() -> {
            if (sink.session().expectsRawSaslToken()) {
                dispatcher.dispatchRawSaslToken(frame, sink);
                return;
            }
            ApiRequest request;
            try {
                request = dispatcher.parse(frame, sink);
            } catch (InvalidRequestException e) {
                sink.close(e.getMessage());
                return;
            }
            dispatcher.dispatch(request);
        });
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
            // compared as a difference: nanoTime values may be negative, and "no deadline" is Long.MAX_VALUE
            long deadline = timed.deadlineNanos();
            if (deadline != Long.MAX_VALUE) {
                park = Math.min(park, deadline - now);
            }
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
            closing = true;
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
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
            if (inbox.isEmpty() && !closing) {
                LockSupport.parkNanos(this, nanosUntilNextDeadline());
            }
        }

        @Override
        public void reset() {
        }
    }
}
