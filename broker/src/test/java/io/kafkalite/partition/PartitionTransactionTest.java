package io.kafkalite.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kafkalite.log.MemoryStorage;
import io.kafkalite.metadata.BrokerConfig;
import io.kafkalite.metadata.MetadataJournal;
import io.kafkalite.metadata.Topic;
import io.kafkalite.metadata.TopicRegistry;
import io.kafkalite.time.BrokerClock;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

/**
 * A partition's last stable offset and aborted-transaction index, driven directly on heap storage with a manual
 * clock: what read_committed fetches see, and that a reopened partition rebuilds both from its stored batches.
 */
class PartitionTransactionTest {

    private static final long PRODUCER_A = 7;
    private static final long PRODUCER_B = 8;

    private final BrokerClock clock = BrokerClock.manual();
    private final MemoryStorage storage = new MemoryStorage();
    private final MetadataJournal journal = MetadataJournal.none();
    private final TopicRegistry topics = new TopicRegistry(BrokerConfig.parse(Map.of()), journal);
    private final Topic topic = topics.create("payments", 1, Map.of());
    private final Partition partition = new PartitionRegistry(storage.openPartitionLogs(1 << 20), journal).partition(topic, 0);

    private long appendTransactional(Partition target, long producerId, short epoch, int sequence, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(clock.epochMillis(), values[i].getBytes());
        }
        MemoryRecords batch = MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, epoch, sequence, records);
        return target.appendRecords(firstBatch(batch), batch.buffer(), clock.epochMillis()).baseOffset();
    }

    private long appendPlain(Partition target, String value) {
        MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(clock.epochMillis(), value.getBytes()));
        return target.appendRecords(firstBatch(batch), batch.buffer(), clock.epochMillis()).baseOffset();
    }

    private static MutableRecordBatch firstBatch(MemoryRecords records) {
        return records.batches().iterator().next();
    }

    /** The heap store answers reads with MemoryRecords. */
    private static List<Long> offsetsOf(BaseRecords records) {
        List<Long> offsets = new ArrayList<>();
        for (RecordBatch batch : ((MemoryRecords) records).batches()) {
            batch.forEach(record -> offsets.add(record.offset()));
        }
        return offsets;
    }

    @Test
    void theLastStableOffsetStopsAtTheOldestOpenTransaction() {
        appendPlain(partition, "before");
        long firstOfA = appendTransactional(partition, PRODUCER_A, (short) 0, 0, "a1", "a2");
        appendTransactional(partition, PRODUCER_B, (short) 0, 0, "b1");
        appendPlain(partition, "after");

        assertThat(partition.highWatermark()).isEqualTo(5);
        assertThat(partition.lastStableOffset()).isEqualTo(firstOfA);
        assertThat(offsetsOf(partition.read(0, 1 << 20, true, true).records())).containsExactly(0L);
        assertThat(offsetsOf(partition.read(0, 1 << 20, true, false).records())).containsExactly(0L, 1L, 2L, 3L, 4L);

        long commitA = partition.appendTransactionMarker(PRODUCER_A, (short) 0, 0, true, false, clock.epochMillis());
        assertThat(commitA).isEqualTo(5);
        assertThat(partition.lastStableOffset()).isEqualTo(3); // b's transaction is still open

        partition.appendTransactionMarker(PRODUCER_B, (short) 0, 0, false, false, clock.epochMillis());
        assertThat(partition.lastStableOffset()).isEqualTo(partition.highWatermark()).isEqualTo(7);
    }

    @Test
    void readCommittedFetchesGetTheAbortedTransactionsAmongTheirBatches() {
        appendTransactional(partition, PRODUCER_A, (short) 0, 0, "a1");
        partition.appendTransactionMarker(PRODUCER_A, (short) 0, 0, false, false, clock.epochMillis());
        appendTransactional(partition, PRODUCER_A, (short) 0, 1, "a2");
        partition.appendTransactionMarker(PRODUCER_A, (short) 0, 0, true, false, clock.epochMillis());

        Partition.FetchedRecords fromStart = partition.read(0, 1 << 20, true, true);
        assertThat(fromStart.abortedTransactions()).containsExactly(new AbortedTransaction(PRODUCER_A, 0, 1));
        assertThat(partition.read(2, 1 << 20, true, true).abortedTransactions()).isEmpty();
        assertThat(partition.read(0, 1 << 20, true, false).abortedTransactions())
                .as("read_uncommitted consumers are not told").isEmpty();
    }

    @Test
    void aReopenedPartitionRebuildsItsOpenTransactionsAndAbortedIndexFromTheLog() {
        appendTransactional(partition, PRODUCER_A, (short) 0, 0, "aborted");
        partition.appendTransactionMarker(PRODUCER_A, (short) 0, 0, false, false, clock.epochMillis());
        long open = appendTransactional(partition, PRODUCER_B, (short) 3, 0, "open");

        Partition reopened = new PartitionRegistry(storage.openPartitionLogs(1 << 20), journal).partition(topic, 0);

        assertThat(reopened.lastStableOffset()).isEqualTo(open);
        assertThat(reopened.hasOpenTransaction(PRODUCER_B)).isTrue();
        assertThat(reopened.read(0, 1 << 20, true, true).abortedTransactions())
                .containsExactly(new AbortedTransaction(PRODUCER_A, 0, 1));
        assertThat(reopened.producers()).extracting(ProducerDescription::producerId, ProducerDescription::epoch,
                        ProducerDescription::openTransactionFirstOffset)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(PRODUCER_A, (short) 0, -1L),
                        org.assertj.core.groups.Tuple.tuple(PRODUCER_B, (short) 3, open));
    }

    @Test
    void markersFollowTheEpochRulesOfTheTransactionVersion() {
        appendTransactional(partition, PRODUCER_A, (short) 2, 0, "x");
        assertThatThrownBy(() -> partition.appendTransactionMarker(PRODUCER_A, (short) 1, 0, true, false, clock.epochMillis()))
                .isInstanceOf(InvalidProducerEpochException.class);
        // version 2: the coordinator bumps the epoch for the marker, so the current epoch is already stale
        assertThatThrownBy(() -> partition.appendTransactionMarker(PRODUCER_A, (short) 2, 0, true, true, clock.epochMillis()))
                .isInstanceOf(InvalidProducerEpochException.class);
        partition.appendTransactionMarker(PRODUCER_A, (short) 3, 0, true, true, clock.epochMillis());
        assertThat(partition.lastStableOffset()).isEqualTo(partition.highWatermark());
        // a transactional batch of the old epoch is a zombie's
        assertThatThrownBy(() -> appendTransactional(partition, PRODUCER_A, (short) 2, 1, "late"))
                .isInstanceOf(InvalidProducerEpochException.class);
        appendTransactional(partition, PRODUCER_A, (short) 3, 0, "next transaction");
    }

    @Test
    void aProducerMayNotWriteOutsideItsOpenTransaction() {
        appendTransactional(partition, PRODUCER_A, (short) 0, 0, "in transaction");
        MemoryRecords plain = MemoryRecords.withIdempotentRecords(Compression.NONE, PRODUCER_A, (short) 0, 1,
                new SimpleRecord("outside".getBytes()));
        assertThatThrownBy(() -> partition.appendRecords(firstBatch(plain), plain.buffer(), clock.epochMillis()))
                .isInstanceOf(InvalidTxnStateException.class);
    }

    @Test
    void retentionAndDeleteRecordsDropAbortedTransactionsBelowTheLogStart() {
        appendTransactional(partition, PRODUCER_A, (short) 0, 0, "aborted");
        partition.appendTransactionMarker(PRODUCER_A, (short) 0, 0, false, false, clock.epochMillis());
        appendPlain(partition, "kept");

        partition.deleteRecordsBefore(2);

        assertThat(partition.read(2, 1 << 20, true, true).abortedTransactions()).isEmpty();
        assertThat(offsetsOf(partition.read(2, 1 << 20, true, true).records())).containsExactly(2L);
    }
}
