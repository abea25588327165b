package io.kafkalite.log;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * Owns the partition logs: opens each on first use (so a broker with thousands of partitions starts instantly),
 * closes them with the broker and deletes them with their topic.
 */
public final class LogManager implements AutoCloseable {

    private final Storage storage;
    private final Map<TopicPartition, PartitionLog> logs = new HashMap<>();

    public LogManager(Storage storage) {
        this.storage = storage;
    }

    /**
     * The log of {@code topic}'s partition {@code partition}, opened now if needed.
     *
     * @param logStartOffset persisted log start offset, used when the log is opened
     * @param maxBatchBytes the largest batch the topic accepts, so the store can size its blocks
     * @param visitor sees the stored batches when the log is opened (may be null)
     */
    public PartitionLog log(String topic, int partition, long logStartOffset, int maxBatchBytes,
                            PartitionLog.BatchVisitor visitor) {
        TopicPartition key = new TopicPartition(topic, partition);
        PartitionLog log = logs.get(key);
        if (log == null) {
            log = PartitionLog.open(storage.open(storeName(key), maxBatchBytes), logStartOffset, visitor);
            logs.put(key, log);
        }
        return log;
    }

    /** The log if it is open, else null: lets readers of an untouched partition avoid opening a store. */
    public PartitionLog openLog(String topic, int partition) {
        return logs.get(new TopicPartition(topic, partition));
    }

    /** Whether the partition has stored data, open or not. */
    public boolean hasData(String topic, int partition) {
        TopicPartition key = new TopicPartition(topic, partition);
        return logs.containsKey(key) || storage.exists(storeName(key));
    }

    public Iterable<Map.Entry<TopicPartition, PartitionLog>> openLogs() {
        return logs.entrySet();
    }

    /** Deletes a partition's stored batches, whether or not its log is open. */
    public void delete(String topic, int partition) {
        TopicPartition key = new TopicPartition(topic, partition);
        PartitionLog log = logs.remove(key);
        if (log != null) {
            log.delete();
        } else if (storage.exists(storeName(key))) {
            storage.open(storeName(key), 0).delete();
        }
    }

    private static String storeName(TopicPartition key) {
        return key.topic() + "-" + key.partition();
    }

    @Override
    public void close() {
        for (PartitionLog log : logs.values()) {
            log.close();
        }
        logs.clear();
        storage.close();
    }
}
