package io.kafkalite.partition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.kafkalite.log.BatchLog;
import io.kafkalite.log.Storage;
import io.kafkalite.metadata.MetadataJournal;
import io.kafkalite.metadata.Topic;
import io.kafkalite.time.BrokerTimer;
import org.apache.kafka.common.TopicPartition;

/**
 * Every partition of the broker: created on first use for a partition of an existing topic (so a broker with
 * thousands of partitions starts at once), closed with the broker and deleted with its topic. It persists each
 * partition's log start offset in the metadata journal and runs retention on the broker timer every
 * {@code log.retention.check.interval.ms}.
 */
public final class PartitionRegistry implements MetadataJournal.Listener, AutoCloseable {

    private static final Object RETENTION_TIMER = "retention";

    private final Storage storage;
    private final MetadataJournal journal;
    private final Map<TopicPartition, Partition> partitions = new HashMap<>();
    /** Log start offsets read from the journal for partitions not yet created in this run. */
    private final Map<TopicPartition, Long> persistedStartOffsets = new HashMap<>();

    public PartitionRegistry(Storage storage, MetadataJournal journal) {
        this.storage = storage;
        this.journal = journal;
    }

    /** The partition {@code index} of {@code topic}, which must exist. */
    public Partition partition(Topic topic, int index) {
        TopicPartition key = new TopicPartition(topic.name(), index);
        Partition partition = partitions.get(key);
        if (partition == null) {
            Long start = persistedStartOffsets.remove(key);
            partition = new Partition(this, topic, index, start == null ? 0 : start);
            partitions.put(key, partition);
        }
        return partition;
    }

    /** Deletes a topic's partitions with their stored batches; their listeners are told. */
    public void deleteTopic(Topic topic) {
        for (int p = 0; p < topic.partitionCount(); p++) {
            TopicPartition key = new TopicPartition(topic.name(), p);
            persistedStartOffsets.remove(key);
            Partition partition = partitions.remove(key);
            if (partition != null) {
                partition.delete();
            } else if (storage.exists(storeName(key))) {
                storage.open(storeName(key), 0).delete();
            }
        }
    }

    /** Applies retention every {@code intervalMs} on the broker timer, starting one interval from now. */
    public void scheduleRetention(BrokerTimer timer, long intervalMs) {
        timer.scheduleAfter(RETENTION_TIMER, TimeUnit.MILLISECONDS.toNanos(intervalMs), () -> {
            applyRetention(timer.clock().epochMillis());
            scheduleRetention(timer, intervalMs);
        });
    }

    /** Applies retention to every partition with stored batches; returns how many moved their log start. */
    public int applyRetention(long now) {
        int moved = 0;
        for (Partition partition : List.copyOf(partitions.values())) {
            if (partition.applyRetention(now)) {
                moved++;
            }
        }
        return moved;
    }

    /** Every partition created in this run, for views across partitions (DescribeProducers, ListTransactions). */
    public List<Partition> all() {
        return new ArrayList<>(partitions.values());
    }

    BatchLog open(Partition partition, BatchLog.BatchVisitor replay) {
        TopicPartition key = partition.id();
        return BatchLog.open(storage.open(storeName(key), partition.topic().settings().maxMessageBytes()),
                partition.logStartOffset(), replay);
    }

    boolean hasStoredBatches(Partition partition) {
        return storage.exists(storeName(partition.id()));
    }

    void deleteStore(Partition partition, BatchLog open) {
        if (open != null) {
            open.delete();
        } else if (hasStoredBatches(partition)) {
            storage.open(storeName(partition.id()), 0).delete();
        }
    }

    void persistLogStartOffset(Partition partition) {
        journal.logStartOffset(partition.id().topic(), partition.id().partition(), partition.logStartOffset());
    }

    private static String storeName(TopicPartition key) {
        return key.topic() + "-" + key.partition();
    }

    // Journal replay

    @Override
    public void onLogStartOffset(String topic, int partition, long offset) {
        persistedStartOffsets.put(new TopicPartition(topic, partition), offset);
    }

    @Override
    public void onTopicDeleted(String topic) {
        Iterator<TopicPartition> it = persistedStartOffsets.keySet().iterator();
        while (it.hasNext()) {
            if (it.next().topic().equals(topic)) {
                it.remove();
            }
        }
    }

    @Override
    public void close() {
        for (Partition partition : partitions.values()) {
            partition.close();
        }
        partitions.clear();
        storage.close();
    }
}
