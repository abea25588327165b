package io.kafkalite.log;

import org.apache.kafka.common.Uuid;

/**
 * Which partition a stored batch belongs to: the topic's id (a topic deleted and created again gets a new one, so
 * batches of the old one can never be mistaken for the new one's) and the partition index.
 */
public record PartitionKey(Uuid topicId, int partition) {

    @Override
    public String toString() {
        return topicId + "-" + partition;
    }
}
