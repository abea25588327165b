package io.kafkalite.group;

/** A Kafka Streams task: a subtopology and one partition of its input topics. */
record StreamsTaskId(String subtopologyId, int partition) implements Comparable<StreamsTaskId> {

    @Override
    public int compareTo(StreamsTaskId other) {
        int bySubtopology = subtopologyId.compareTo(other.subtopologyId);
        return bySubtopology != 0 ? bySubtopology : Integer.compare(partition, other.partition);
    }
}
