package io.kafkalite.group;

import org.apache.kafka.common.Uuid;

/** A partition by topic id, as the consumer group protocol names them (ids survive topic re-creation). */
record IdPartition(Uuid topicId, int partition) implements Comparable<IdPartition> {

    @Override
    public int compareTo(IdPartition other) {
        int byTopic = topicId.toString().compareTo(other.topicId.toString());
        return byTopic != 0 ? byTopic : Integer.compare(partition, other.partition);
    }
}
