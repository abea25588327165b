package io.kafkalite.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a restart finds: the last checkpoint plus what was appended after it, after a clean close or a crash (here:
 * the store closed without the final checkpoint).
 */
class PartitionLogsRecoveryTest {

    private static final PartitionKey ORDERS = new PartitionKey(Uuid.randomUuid(), 0);
    private static final PartitionKey AUDIT = new PartitionKey(Uuid.randomUuid(), 1);
    private static final PartitionKey DELETED = new PartitionKey(Uuid.randomUuid(), 0);

    @TempDir
    Path dataDirectory;

    @BeforeAll
    static void chronicle() {
        ChronicleRuntime.configure();
    }

    private PartitionLogs open() {
        return new ChronicleStorage(dataDirectory).openPartitionLogs(1 << 20);
    }

    private static long startOffsetOfLive(PartitionKey key) {
        return key.equals(DELETED) ? -1 : 0;
    }

    private static void append(BatchLog log, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(1_000L, ("k" + values[i]).getBytes(StandardCharsets.UTF_8),
                    values[i].getBytes(StandardCharsets.UTF_8));
        }
        MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE, records);
        MutableRecordBatch first = batch.batches().iterator().next();
        log.append(first, batch.buffer(), TimestampType.CREATE_TIME, 2_000L);
    }

    /** Offset and value of every record the log serves. */
    private static List<String> contents(BatchLog log) {
        List<String> seen = new ArrayList<>();
        BaseRecords read = log.read(0, Long.MAX_VALUE, Integer.MAX_VALUE, true);
        if (read.sizeInBytes() == 0) {
            return seen;
        }
        // read through the store's view, as the network thread would send it
        for (int slot = log.firstRetainedSlot(); slot < log.slotCount(); slot++) {
            if (!log.isRemoved(slot)) {
                for (Record record : log.batchAt(slot)) {
                    seen.add(record.offset() + "=" + StandardCharsets.UTF_8.decode(record.value()));
                }
            }
        }
        return seen;
    }

    @Test
    void aCleanCloseIsReadBackFromTheCheckpointAlone() {
        try (PartitionLogs logs = open()) {
            logs.recover(PartitionLogsRecoveryTest::startOffsetOfLive);
            append(logs.open(ORDERS, 0, BatchLog.SegmentPolicy.NEVER_ROLL), "a", "b");
            append(logs.open(AUDIT, 0, BatchLog.SegmentPolicy.NEVER_ROLL), "x");
        }
        try (PartitionLogs logs = open()) {
            logs.recover(PartitionLogsRecoveryTest::startOffsetOfLive);
            assertThat(contents(logs.log(ORDERS))).containsExactly("0=a", "1=b");
            assertThat(contents(logs.log(AUDIT))).containsExactly("0=x");
            assertThat(logs.log(ORDERS).nextOffset()).isEqualTo(2);
        }
    }

    @Test
    void aCrashWithoutAnyCheckpointIsRecoveredFromTheWholeLog() {
        PartitionLogs crashed = open();
        crashed.recover(PartitionLogsRecoveryTest::startOffsetOfLive);
        BatchLog orders = crashed.open(ORDERS, 0, BatchLog.SegmentPolicy.NEVER_ROLL);
        append(orders, "a");
        append(crashed.open(DELETED, 0, BatchLog.SegmentPolicy.NEVER_ROLL), "gone");
        append(orders, "b", "c");
        crashed.store().close(); // no final checkpoint

        try (PartitionLogs logs = open()) {
            logs.recover(PartitionLogsRecoveryTest::startOffsetOfLive);
            assertThat(contents(logs.log(ORDERS))).containsExactly("0=a", "1=b", "2=c");
            assertThat(logs.log(DELETED)).isNull();
            append(logs.log(ORDERS), "d");
            assertThat(contents(logs.log(ORDERS))).endsWith("3=d");
        }
    }

    @Test
    void aCrashAfterACheckpointReplaysWhatCameAfterItIncludingCleanedCopies() {
        PartitionLogs crashed = open();
        crashed.recover(PartitionLogsRecoveryTest::startOffsetOfLive);
        BatchLog orders = crashed.open(ORDERS, 0, BatchLog.SegmentPolicy.NEVER_ROLL);
        append(orders, "a", "b");
        append(orders, "c");
        crashed.checkpoint();
        append(orders, "d");
        // a cleaned copy of the first batch (offsets 0..1, only "b" at 1 left), as compaction writes one
        MemoryRecordsBuilder cleaned = MemoryRecords.builder(ByteBuffer.allocate(256), Compression.NONE,
                TimestampType.CREATE_TIME, 0);
        cleaned.appendWithOffset(1, new SimpleRecord(1_000L, "kb".getBytes(StandardCharsets.UTF_8),
                "b".getBytes(StandardCharsets.UTF_8)));
        orders.replace(orders.slotStarting(0), cleaned.build().buffer(), 1_000L);
        crashed.store().close();

        try (PartitionLogs logs = open()) {
            logs.recover(PartitionLogsRecoveryTest::startOffsetOfLive);
            assertThat(contents(logs.log(ORDERS))).containsExactly("1=b", "2=c", "3=d");
        }
    }

    @Test
    void recoveryTrimsEachLogToItsLogStartOffset() {
        PartitionLogs crashed = open();
        crashed.recover(PartitionLogsRecoveryTest::startOffsetOfLive);
        BatchLog orders = crashed.open(ORDERS, 0, BatchLog.SegmentPolicy.NEVER_ROLL);
        append(orders, "a");
        append(orders, "b");
        append(orders, "c");
        crashed.store().close();

        try (PartitionLogs logs = open()) {
            logs.recover(key -> key.equals(ORDERS) ? 2 : 0);
            assertThat(contents(logs.log(ORDERS))).containsExactly("2=c");
            assertThat(logs.log(ORDERS).nextOffset()).isEqualTo(3);
        }
    }
}
