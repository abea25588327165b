package io.kafkalite.examples.game;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.kafkalite.junit.KafkaCluster;

/**
 * Event processors running on their own threads for a test; close() stops them, waits for their threads and fails
 * if one of them died (e.g. the broker refused its group settings), which explains an alert that never came.
 */
final class RunningProcessors implements AutoCloseable {

    private final List<EventProcessor> processors = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    /** Starts an instance named {@code name} (also its consumer's client.id) with these client configs on top. */
    EventProcessor start(KafkaCluster kafka, String name, Map<String, Object> overrides) {
        Map<String, Object> config = kafka.clientConfig();
        config.putAll(overrides);
        EventProcessor processor = new EventProcessor(config, name);
        Thread thread = new Thread(processor, name);
        thread.setUncaughtExceptionHandler((t, e) -> failures.add(e));
        thread.start();
        processors.add(processor);
        threads.add(thread);
        return processor;
    }

    @Override
    public void close() throws InterruptedException {
        processors.forEach(EventProcessor::close);
        for (Thread thread : threads) {
            thread.join();
        }
        processors.forEach(EventProcessor::close); // releases hung instances once their threads ended
        processors.clear();
        threads.clear();
        if (!failures.isEmpty()) {
            AssertionError failure = new AssertionError("an event processor failed", failures.get(0));
            failures.stream().skip(1).forEach(failure::addSuppressed);
            failures.clear();
            throw failure;
        }
    }
}
