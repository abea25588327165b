package io.kafkalite.metadata;

import java.util.concurrent.ThreadLocalRandom;

import org.apache.kafka.common.Uuid;

/**
 * Random cluster and topic ids. Kafka's {@code Uuid.randomUuid()} draws from a {@code SecureRandom}, whose first
 * use in a JVM costs about 15 ms of a cold start; these ids need to be unique, not unguessable, so they come from
 * {@link ThreadLocalRandom} (seeded from the clocks), shaped like version 4 UUIDs as Kafka's are.
 */
public final class RandomIds {

    private RandomIds() {
    }

    /** A random id that is none of Kafka's reserved ones and does not start with '-' (as Kafka's never do). */
    public static Uuid uuid() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (true) {
            long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
            long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L; // IETF variant
            Uuid id = new Uuid(high, low);
            if (!id.equals(Uuid.ZERO_UUID) && !id.equals(Uuid.METADATA_TOPIC_ID) && !id.toString().startsWith("-")) {
                return id;
            }
        }
    }
}
