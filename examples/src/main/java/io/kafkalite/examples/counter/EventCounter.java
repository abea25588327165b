package io.kafkalite.examples.counter;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Counts events per key and emits every new count: with exactly-once processing, the counts of a key read back
 * with read_committed are exactly 1, 2, 3, ..., whatever crashes happen in between. Duplicates or gaps would
 * mean a transaction was half applied.
 */
public final class EventCounter {

    public static final String EVENTS = "events";
    public static final String COUNTS = "event-counts";

    private EventCounter() {
    }

    public static Topology topology() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(EVENTS, Consumed.with(Serdes.String(), Serdes.String()))
                .groupByKey()
                .count()
                .toStream()
                .to(COUNTS, Produced.with(Serdes.String(), Serdes.Long()));
        return builder.build();
    }
}
