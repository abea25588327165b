package io.kafkalite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared log's files: segments roll, released space comes back, live batches are copied forward. */
class ChronicleBatchStoreTest {

    private static final PartitionKey ORDERS = new PartitionKey(Uuid.randomUuid(), 0);
    private static final PartitionKey AUDIT = new PartitionKey(Uuid.randomUuid(), 3);
    private static final int SEGMENT_BYTES = 64 * 1024;

    @TempDir
    Path directory;

    @BeforeAll
    static void chronicle() {
        ChronicleRuntime.configure();
    }

    /** A fake batch: its base offset first, as Kafka's batches start, then filler. */
    private static ByteBuffer batch(long baseOffset, int size) {
        ByteBuffer batch = ByteBuffer.allocate(size);
        batch.putLong(0, baseOffset);
        for (int i = 8; i < size; i++) {
            batch.put(i, (byte) (baseOffset + i));
        }
        return batch;
    }

    private ChronicleBatchStore open() {
        return new ChronicleBatchStore(directory, SEGMENT_BYTES, 0, new StorageFailures(0));
    }

    private long segmentFiles() throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isDirectory).count();
        }
    }

    @Test
    void batchesReadBackAsWrittenAndSegmentsRollWhenFull() throws Exception {
        try (ChronicleBatchStore store = open()) {
            store.recovered();
            List<Long> addresses = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                addresses.add(store.append(i % 2 == 0 ? ORDERS : AUDIT, batch(i, 4000)));
            }
            assertThat(store.segmentCount()).isGreaterThan(1);
            for (int i = 0; i < 40; i++) {
                assertThat(store.view(addresses.get(i), 4000)).isEqualTo(batch(i, 4000));
            }
        }
    }

    @Test
    void aSegmentNothingReferencesIsDeletedAfterACheckpointAndASparseOneIsCopiedForward() throws Exception {
        try (ChronicleBatchStore store = open()) {
            store.recovered();
            Map<Long, Long> live = new HashMap<>(); // base offset -> address
            for (int i = 0; i < 60; i++) {
                live.put((long) i, store.append(ORDERS, batch(i, 4000)));
            }
            long segmentsBefore = segmentFiles();
            // release everything but every tenth batch: the early segments are left sparse
            for (int i = 0; i < 60; i++) {
                if (i % 10 != 0) {
                    store.release(live.remove((long) i), 4000);
                }
            }
            int[] checkpoints = {0};
            BatchStore.ReclaimListener index = new BatchStore.ReclaimListener() {
                @Override
                public boolean isLive(PartitionKey owner, long baseOffset, long address) {
                    return Long.valueOf(address).equals(live.get(baseOffset));
                }

                @Override
                public void moved(PartitionKey owner, long baseOffset, long oldAddress, long newAddress) {
                    live.put(baseOffset, newAddress);
                }

                @Override
                public void checkpoint() {
                    checkpoints[0]++;
                }
            };
            while (store.reclaim(index, Deadlines.NONE)) {
                // until nothing is left to reclaim
            }

            assertThat(checkpoints[0]).isPositive();
            assertThat(segmentFiles()).isLessThan(segmentsBefore);
            live.forEach((base, address) -> assertThat(store.view(address, 4000)).isEqualTo(batch(base, 4000)));
        }
    }

    @Test
    void aSegmentThatCannotBeCreatedFailsThatAppendWithAStorageErrorAndTheLogGoesOn() throws Exception {
        try (ChronicleBatchStore store = open()) {
            store.recovered();
            long first = store.append(ORDERS, batch(0, 100));
            // a batch too large for the current segment's blocks needs a segment of larger blocks: make its path unusable
            Files.writeString(directory.resolve("0000000002.b25"), "not a directory");

            assertThatThrownBy(() -> store.append(AUDIT, batch(1, 5 << 20)))
                    .isInstanceOf(org.apache.kafka.common.errors.KafkaStorageException.class)
                    .hasMessageContaining(directory.toString());

            long next = store.append(ORDERS, batch(1, 100));
            assertThat(store.view(first, 100)).isEqualTo(batch(0, 100));
            assertThat(store.view(next, 100)).isEqualTo(batch(1, 100));
        }
    }

    @Test
    void scanFromAMarkSeesOnlyWhatCameAfterIt() throws Exception {
        long mark;
        try (ChronicleBatchStore store = open()) {
            store.recovered();
            store.append(ORDERS, batch(0, 100));
            mark = store.mark();
            store.append(AUDIT, batch(7, 200));
            store.append(ORDERS, batch(1, 300));
        }
        try (ChronicleBatchStore store = open()) {
            List<String> seen = new ArrayList<>();
            store.scan(mark, (owner, address, batch) -> seen.add(owner.partition() + ":" + batch.getLong(0) + ":"
                    + batch.remaining()));
            assertThat(seen).containsExactly("3:7:200", "0:1:300");
            List<String> all = new ArrayList<>();
            store.scan(0, (owner, address, batch) -> all.add(owner.partition() + ":" + batch.getLong(0)));
            assertThat(all).containsExactly("0:0", "3:7", "0:1");
        }
    }
}
