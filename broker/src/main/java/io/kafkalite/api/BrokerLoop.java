package io.kafkalite.api;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import io.kafkalite.time.BrokerTimer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns broker state. Network threads hand it request frames; it decodes and dispatches
 * them, runs the tasks of the broker's one {@link BrokerTimer} whose time has come (long-poll fetches, group
 * sessions, retention, transaction timeouts) and sleeps until the next request or deadline. Nothing else touches
 * partitions, topics, groups or transactions.
 */
public final class BrokerLoop implements Agent {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerLoop.class);
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ManyToOneConcurrentLinkedQueue<Runnable> inbox = new ManyToOneConcurrentLinkedQueue<>();
    private final BrokerTimer timer;
    private final String roleName;
    private final Runnable onClose;
    private volatile Thread thread;
    private volatile boolean closing;
    private AgentRunner runner;
    /** Installed on the loop thread; frames queued before it are decoded after it (the inbox is FIFO). */
    private RequestDispatcher dispatcher;
    /** Set by test control: requests wait in {@link #heldWhilePaused} and no timer runs. Loop thread only. */
    private boolean paused;
    private final ArrayDeque<Runnable> heldWhilePaused = new ArrayDeque<>();

    /**
     * @param timer the broker's timer, run by this loop
     * @param onClose runs on the loop thread as its last act (closes the state the loop owns)
     */
    public BrokerLoop(String roleName, BrokerTimer timer, Runnable onClose) {
        this.roleName = roleName;
        this.timer = timer;
        this.onClose = onClose;
    }

    /** The broker's one timer; use it on the loop thread only. */
    public BrokerTimer timer() {
        return timer;
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
            if (paused) {
                heldWhilePaused.add(() -> handle(frame, sink));
            } else {
                handle(frame, sink);
            }
        });
    }

    private void handle(ByteBuffer frame, ResponseSink sink) {
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
    }

    /**
     * Test control, on the loop thread: from now on requests wait unanswered and no timer runs, as in a broker
     * stopped by a debugger or a long GC pause; connections are still accepted and read.
     */
    public void pause() {
        paused = true;
    }

    /** Test control, on the loop thread: serves the requests that waited, in arrival order, then runs timers again. */
    public void resume() {
        paused = false;
        Runnable held;
        while (!paused && (held = heldWhilePaused.poll()) != null) {
            held.run();
        }
    }

    public boolean isPaused() {
        return paused;
    }

    /** Runs the timer tasks that are due, unless paused; on the loop thread. Returns how many ran. */
    public int runDueTimers() {
        return paused ? 0 : timer.runDue();
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
        return work + runDueTimers();
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
                long park = paused ? MAX_PARK_NANOS : timer.nanosToWait(MAX_PARK_NANOS);
                if (park > 0) {
                    LockSupport.parkNanos(this, park);
                }
            }
        }

        @Override
        public void reset() {
        }
    }
}
