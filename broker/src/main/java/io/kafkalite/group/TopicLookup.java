package io.kafkalite.group;

import java.util.Collection;

import org.apache.kafka.common.Uuid;

/** The topics a consumer group can subscribe to, as the coordinator sees them (supplied by the broker). */
public interface TopicLookup {

    /** Every topic. */
    Collection<TopicInfo> all();

    /** The topic, or null. */
    TopicInfo byName(String name);

    /** The topic, or null. */
    TopicInfo byId(Uuid id);

    /** A topic's id and partition count. */
    record TopicInfo(String name, Uuid id, int partitions) {
    }
}
