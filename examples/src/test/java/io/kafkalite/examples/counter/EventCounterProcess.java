package io.kafkalite.examples.counter;

import java.util.Properties;

import org.apache.kafka.streams.KafkaStreams;

/**
 * The event counter as its own process, so a test can kill it with SIGKILL mid-stream. Arguments: bootstrap
 * servers, state directory. Prints "running" once the application is RUNNING, then runs until killed.
 */
public final class EventCounterProcess {

    static final String RUNNING = "running";

    private EventCounterProcess() {
    }

    public static void main(String[] args) throws Exception {
        Properties config = ExactlyOnceCounterTest.streamsConfig(args[0], args[1]);
        KafkaStreams streams = new KafkaStreams(EventCounter.topology(), config);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                System.out.println(RUNNING);
                System.out.flush();
            }
        });
        streams.start();
        Thread.sleep(Long.MAX_VALUE);
    }
}
