package io.kafkalite.partition;

/** Woken by a partition after an append, a transaction marker or its deletion (e.g. a parked long-poll fetch). */
@FunctionalInterface
public interface PartitionListener {

    /** Called on the broker loop thread; may remove itself from the partition. */
    void onPartitionChanged(Partition partition);
}
