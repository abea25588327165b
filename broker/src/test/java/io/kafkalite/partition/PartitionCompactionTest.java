package io.kafkalite.partition;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kafkalite.log.MemoryStorage;
import io.kafkalite.log.PartitionLogs;
import io.kafkalite.metadata.BrokerConfig;
import io.kafkalite.metadata.MetadataJournal;
import io.kafkalite.metadata.Topic;
import io.kafkalite.metadata.TopicRegistry;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Compaction and transactions, as Kafka's cleaner handles them: aborted records go, markers stay while their
 * transaction has batches left, nothing at or past the last stable offset is touched, and producer state rebuilt
 * from the cleaned log still accepts each producer's next sequence and recognises its last batch.
 */
class PartitionCompactionTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final long ABORTING = 1;
    private static final long COMMITTING = 2;
    private static final long IDEMPOTENT = 3;
    private static final long OPEN = 4;

    private final MetadataJournal journal = MetadataJournal.none();
    private PartitionLogs logs;
    private Topic topic;
    private Partition partition;

    @BeforeEach
    void openPartition() {
        TopicRegistry topics = new TopicRegistry(BrokerConfig.parse(Map.of()), journal);
        topic = topics.create("ledger", 1, Map.of("cleanup.policy", "compact", "delete.retention.ms", "1000"));
        logs = new MemoryStorage().openPartitionLogs(1 << 20);
        PartitionRegistry registry = new PartitionRegistry(logs, journal);
        registry.recover(topics::get);
        partition = registry.partition(topic, 0);
    }

    /** The same stored batches seen by a partition opened afresh, as after a restart. */
    private Partition reopened() {
        PartitionRegistry registry = new PartitionRegistry(logs, journal);
        return registry.partition(topic, 0);
    }

    private static void cleanNow(Partition partition, long now) {
        new LogCleaner().cleanAll(List.of(partition), now);
    }

    private static SimpleRecord record(String key, String value) {
        return new SimpleRecord(NOW, key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private static Partition.AppendResult append(Partition partition, MemoryRecords records) {
        MutableRecordBatch batch = records.batches().iterator().next();
        return partition.appendRecords(batch, records.buffer(), NOW);
    }

    private static MemoryRecords transactional(long producerId, int sequence, SimpleRecord... records) {
        return MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, (short) 0, sequence, records);
    }

    private static MemoryRecords idempotent(long producerId, int sequence, SimpleRecord... records) {
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, (short) 0, sequence, records);
    }

    /** offset=key:value of every record below the high watermark, markers as offset=COMMIT/ABORT. */
    private static List<String> contents(Partition partition, boolean readCommitted) {
        List<String> seen = new ArrayList<>();
        MemoryRecords read = (MemoryRecords) partition.read(0, Integer.MAX_VALUE, true, readCommitted).records();
        for (RecordBatch batch : read.batches()) {
            for (Record record : batch) {
                if (batch.isControlBatch()) {
                    seen.add(record.offset() + "=" + (record.key().getShort(2) == 0 ? "ABORT" : "COMMIT"));
                } else {
                    seen.add(record.offset() + "=" + StandardCharsets.UTF_8.decode(record.key()) + ":"
                            + (record.hasValue() ? StandardCharsets.UTF_8.decode(record.value()) : "null"));
                }
            }
        }
        return seen;
    }

    private void writeHistory() {
        append(partition, transactional(ABORTING, 0, record("k1", "aborted-1"), record("k2", "aborted-2"))); // 0-1
        partition.appendTransactionMarker(ABORTING, (short) 0, 0, false, false, NOW);                      // 2
        append(partition, transactional(COMMITTING, 0, record("k1", "committed")));                       // 3
        partition.appendTransactionMarker(COMMITTING, (short) 0, 0, true, false, NOW);                     // 4
        append(partition, idempotent(IDEMPOTENT, 0, record("k2", "two")));                                // 5
        append(partition, idempotent(IDEMPOTENT, 1, record("k1", "one")));                                // 6
    }

    @Test
    void abortedRecordsGoAndTheLatestCommittedValueOfEachKeyStays() {
        writeHistory();

        cleanNow(partition, NOW);

        assertThat(contents(partition, false)).containsExactly("2=ABORT", "4=COMMIT", "5=k2:two", "6=k1:one");
        assertThat(partition.logEndOffset()).isEqualTo(7);
    }

    @Test
    void producerStateRebuiltFromTheCleanedLogStillKnowsEveryProducer() {
        writeHistory();
        cleanNow(partition, NOW);

        Partition restarted = reopened();

        // the idempotent producer's last batch is recognised as a retry, and its next sequence is accepted
        MemoryRecords retry = idempotent(IDEMPOTENT, 1, record("k1", "one"));
        assertThat(append(restarted, retry)).isEqualTo(new Partition.AppendResult(6, true));
        assertThat(append(restarted, idempotent(IDEMPOTENT, 2, record("k3", "three"))).baseOffset()).isEqualTo(7);
        // the committing producer's emptied batch still carries its sequence: its next transaction goes on from it
        assertThat(append(restarted, transactional(COMMITTING, 1, record("k4", "four"))).duplicate()).isFalse();
        assertThat(restarted.hasOpenTransaction(COMMITTING)).isTrue();
    }

    @Test
    void nothingAtOrPastTheLastStableOffsetIsCleaned() {
        append(partition, idempotent(IDEMPOTENT, 0, record("k1", "old")));                       // 0
        append(partition, transactional(OPEN, 0, record("k2", "pending")));                     // 1, still open
        append(partition, idempotent(IDEMPOTENT, 1, record("k1", "new")));                       // 2
        append(partition, idempotent(IDEMPOTENT, 2, record("k1", "newest")));                    // 3

        cleanNow(partition, NOW);

        assertThat(partition.lastStableOffset()).isEqualTo(1);
        assertThat(contents(partition, false)).containsExactly("0=k1:old", "1=k2:pending", "2=k1:new", "3=k1:newest");

        partition.appendTransactionMarker(OPEN, (short) 0, 0, true, false, NOW);                 // 4
        cleanNow(partition, NOW);

        assertThat(contents(partition, false)).containsExactly("1=k2:pending", "3=k1:newest", "4=COMMIT");
    }

    @Test
    void tombstonesAndMarkersOfCleanedTransactionsGoOnceTheirDeleteHorizonPassed() {
        append(partition, transactional(COMMITTING, 0, record("k1", "v1")));                    // 0
        partition.appendTransactionMarker(COMMITTING, (short) 0, 0, true, false, NOW);           // 1
        append(partition, idempotent(IDEMPOTENT, 0, record("k1", null)));                        // 2: tombstone
        append(partition, transactional(COMMITTING, 1, record("k2", "v2")));                     // 3
        partition.appendTransactionMarker(COMMITTING, (short) 0, 0, true, false, NOW);           // 4
        append(partition, idempotent(IDEMPOTENT, 1, record("k3", "v3")));                        // 5

        cleanNow(partition, NOW);
        // k1's committed value went with the first pass; its marker and the tombstone wait for the horizon
        assertThat(contents(partition, false)).containsExactly("1=COMMIT", "2=k1:null", "3=k2:v2", "4=COMMIT", "5=k3:v3");

        cleanNow(partition, NOW + 2_000);
        // the tombstone's horizon passed; the first marker's transaction has no records left, so it gets a horizon
        assertThat(contents(partition, false)).containsExactly("1=COMMIT", "3=k2:v2", "4=COMMIT", "5=k3:v3");

        cleanNow(partition, NOW + 4_000);

        assertThat(contents(partition, false)).containsExactly("3=k2:v2", "4=COMMIT", "5=k3:v3");
    }
}
