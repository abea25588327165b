package io.kafkalite.metadata;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.kafka.common.Uuid;

/**
 * Random ids for topics, the cluster and group members, as Kafka's {@code Uuid.randomUuid()} makes them (never one of
 * Kafka's reserved ids, never a base64 form starting with '-'), but from {@link ThreadLocalRandom}: Kafka
 * draws them from a {@code SecureRandom}, whose first use costs a fresh JVM ~15 ms of class loading and seeding, and
 * nothing here needs the ids to be secret, only distinct.
 */
public final class RandomIds {

    private RandomIds() {
    }

    /**
     * A random Kafka id.
     *
     * @return an id that is neither reserved nor printed with a leading '-'
     */
    public static Uuid uuid() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (true) {
            Uuid id = new Uuid(random.nextLong(), random.nextLong());
            if (!Uuid.RESERVED.contains(id) && !id.toString().startsWith("-")) {
                return id;
            }
        }
    }

    /**
     * A random version-4 {@link UUID}, as {@link UUID#randomUUID()} makes them (classic group member ids end in one).
     *
     * @return a random UUID with the version and variant bits of a random one
     */
    public static UUID javaUuid() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long mostSignificant = (random.nextLong() & ~0xF000L) | 0x4000L;
        long leastSignificant = (random.nextLong() & ~(0x3L << 62)) | (0x2L << 62);
        return new UUID(mostSignificant, leastSignificant);
    }
}
