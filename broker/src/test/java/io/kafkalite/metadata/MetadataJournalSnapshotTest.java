package io.kafkalite.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import io.kafkalite.group.CommittedOffset;
import io.kafkalite.group.OffsetStore;
import io.kafkalite.log.ChronicleRuntime;
import io.kafkalite.log.ChronicleStorage;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal compacted into a snapshot plus the events after it: replay gives the same state, crash or not. */
class MetadataJournalSnapshotTest {

    @TempDir
    Path dataDirectory;

    @BeforeAll
    static void chronicle() {
        ChronicleRuntime.configure();
    }

    /** A broker's journaled state, opened from the data directory and replayed. */
    private final class State implements AutoCloseable {
        final ChronicleStorage storage = new ChronicleStorage(dataDirectory);
        final MetadataJournal journal = MetadataJournal.open(storage);
        final TopicRegistry topics = new TopicRegistry(BrokerConfig.parse(Map.of()), journal);
        final OffsetStore offsets = new OffsetStore(journal);

        State() {
            journal.replay(topics, offsets);
        }

        @Override
        public void close() {
            journal.close();
            storage.close();
        }
    }

    private long generations() throws Exception {
        try (Stream<Path> children = Files.list(dataDirectory.resolve(MetadataJournal.DIRECTORY))) {
            return children.filter(Files::isDirectory).count();
        }
    }

    @Test
    void aSnapshotReplacesTheHistoryAndTheEventsAfterItStillCount() throws Exception {
        try (State state = new State()) {
            state.topics.create("orders", 3, Map.of("retention.ms", "1000"));
            state.topics.create("gone", 1, Map.of());
            state.topics.increasePartitions("orders", 4);
            state.topics.delete("gone");
            for (int i = 0; i < 20_000; i++) {
                state.offsets.commit("billing", new TopicPartition("orders", i % 4), new CommittedOffset(i, -1, null));
            }
            assertThat(state.journal.snapshotDue()).isTrue();

            state.journal.snapshot();

            assertThat(state.journal.snapshotDue()).isFalse();
            assertThat(generations()).isEqualTo(1);
            state.offsets.commit("billing", new TopicPartition("orders", 0), new CommittedOffset(123_456, 7, "after"));
        }
        try (State state = new State()) {
            assertThat(state.topics.get("gone")).isNull();
            Topic orders = state.topics.get("orders");
            assertThat(orders.partitionCount()).isEqualTo(4);
            assertThat(orders.configOverrides()).containsEntry("retention.ms", "1000");
            assertThat(state.offsets.get("billing", new TopicPartition("orders", 0)))
                    .isEqualTo(new CommittedOffset(123_456, 7, "after"));
            assertThat(state.offsets.get("billing", new TopicPartition("orders", 3)).offset()).isEqualTo(19_999);
        }
    }

    @Test
    void aSnapshotThatFailsHalfWayLeavesTheOldGenerationInCharge() throws Exception {
        try (State state = new State()) {
            state.topics.create("orders", 1, Map.of());
            state.offsets.commit("billing", new TopicPartition("orders", 0), new CommittedOffset(42, -1, null));
            state.journal.replay(state.topics, new MetadataJournal.Participant() {
                @Override
                public void writeSnapshot(MetadataJournal snapshot) {
                    throw new IllegalStateException("disk gone");
                }
            });

            assertThatThrownBy(state.journal::snapshot).hasMessageContaining("disk gone");

            state.offsets.commit("billing", new TopicPartition("orders", 0), new CommittedOffset(43, -1, null));
        }
        try (State state = new State()) {
            assertThat(state.topics.get("orders")).isNotNull();
            assertThat(state.offsets.get("billing", new TopicPartition("orders", 0)).offset()).isEqualTo(43);
            assertThat(generations()).isEqualTo(1);
        }
    }

    @Test
    void aGenerationLeftByACrashDuringASnapshotIsDiscardedOnOpen() throws Exception {
        try (State state = new State()) {
            state.topics.create("orders", 1, Map.of());
        }
        // what a crash between writing the next generation and switching to it leaves behind
        ChronicleStorage storage = new ChronicleStorage(dataDirectory);
        storage.open(MetadataJournal.DIRECTORY + "/0000000002").append(java.nio.ByteBuffer.wrap(new byte[] {99}));
        storage.close();

        try (State state = new State()) {
            assertThat(state.topics.get("orders")).isNotNull();
            assertThat(generations()).isEqualTo(1);
        }
    }
}
