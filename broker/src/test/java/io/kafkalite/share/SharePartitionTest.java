package io.kafkalite.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.kafkalite.metadata.MetadataJournal.ShareStateBatch;
import org.apache.kafka.common.errors.InvalidRecordStateException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.junit.jupiter.api.Test;

/** The share-partition state machine on its own: acquisition, acknowledgement, locks, limits and persisted state. */
class SharePartitionTest {

    private final Set<Long> locks = new HashSet<>();
    private final SharePartition.LockTimer timer = new SharePartition.LockTimer() {
        @Override
        public void schedule(SharePartition partition, long acquisitionId) {
            locks.add(acquisitionId);
        }

        @Override
        public void cancel(SharePartition partition, long acquisitionId) {
            locks.remove(acquisitionId);
        }
    };

    private static List<long[]> batches(long... bounds) {
        List<long[]> list = new ArrayList<>();
        for (int i = 0; i < bounds.length; i += 2) {
            list.add(new long[] {bounds[i], bounds[i + 1]});
        }
        return list;
    }

    private static SharePartition.AckBatch ack(long first, long last, byte type) {
        return new SharePartition.AckBatch(first, last, List.of(type));
    }

    @Test
    void wholeBatchesAreAcquiredAndTheLimitIsSoftUnlessRecordLimitMode() {
        SharePartition share = new SharePartition("g", "t", 0, 0, timer);
        long id = share.acquire("m", batches(0, 9, 10, 19), 5, false, 2000);
        assertThat(share.acquiredRecords(id)).containsExactly(new SharePartition.Acquired(0, 9, (short) 1));
        long exact = share.acquire("m", batches(10, 19), 3, true, 2000);
        assertThat(share.acquiredRecords(exact)).containsExactly(new SharePartition.Acquired(10, 12, (short) 1));
        assertThat(share.nextFetchOffset()).isEqualTo(13);
    }

    @Test
    void acceptedRecordsMoveTheStartOffsetAndReleasedOnesComeBackWithAHigherCount() {
        SharePartition share = new SharePartition("g", "t", 0, 0, timer);
        long id = share.acquire("m", batches(0, 9), 500, false, 2000);
        share.acknowledge("m", List.of(ack(0, 3, SharePartition.ACCEPT), ack(4, 4, SharePartition.RELEASE),
                ack(5, 9, SharePartition.ACCEPT)), 5);
        assertThat(share.startOffset()).isEqualTo(4);
        assertThat(locks).doesNotContain(id); // every record of the acquisition is done: its lock is gone
        long again = share.acquire("other", batches(0, 9), 500, false, 2000);
        assertThat(share.acquiredRecords(again)).containsExactly(new SharePartition.Acquired(4, 4, (short) 2));
        share.acknowledge("other", List.of(ack(4, 4, SharePartition.ACCEPT)), 5);
        assertThat(share.startOffset()).isEqualTo(10);
    }

    @Test
    void onlyTheMemberHoldingRecordsMayAcknowledgeThem() {
        SharePartition share = new SharePartition("g", "t", 0, 0, timer);
        share.acquire("m", batches(0, 4), 500, false, 2000);
        assertThatThrownBy(() -> share.acknowledge("intruder", List.of(ack(0, 4, SharePartition.ACCEPT)), 5))
                .isInstanceOf(InvalidRecordStateException.class);
        assertThatThrownBy(() -> share.acknowledge("m", List.of(ack(3, 9, SharePartition.ACCEPT)), 5))
                .isInstanceOf(InvalidRequestException.class);
        // nothing applied by the failed requests
        assertThat(share.startOffset()).isZero();
        share.acknowledge("m", List.of(new SharePartition.AckBatch(0, 4, List.of((byte) 1, (byte) 1, (byte) 3,
                (byte) 1, (byte) 0))), 5);
        assertThat(share.startOffset()).isEqualTo(5);
    }

    @Test
    void lockTimeoutsReleaseAndTheDeliveryCountLimitArchives() {
        SharePartition share = new SharePartition("g", "t", 0, 0, timer);
        for (int delivery = 1; delivery <= 3; delivery++) {
            long id = share.acquire("m", batches(0, 1), 500, false, 2000);
            assertThat(share.acquiredRecords(id)).containsExactly(new SharePartition.Acquired(0, 1, (short) delivery));
            share.expire(id, 3);
        }
        // delivered three times with a limit of three: archived, the window is empty
        assertThat(share.startOffset()).isEqualTo(2);
        assertThat(share.acquire("m", batches(0, 1), 500, false, 2000)).isZero();
    }

    @Test
    void aRenewedLockOutlivesTheOriginalOne() {
        SharePartition share = new SharePartition("g", "t", 0, 0, timer);
        long id = share.acquire("m", batches(0, 4), 500, false, 2000);
        share.acknowledge("m", List.of(ack(0, 4, SharePartition.RENEW)), 5);
        assertThat(share.expire(id, 5)).isEmpty(); // the old lock no longer covers them
        assertThat(share.nextFetchOffset()).isEqualTo(5);
    }

    @Test
    void theInFlightLimitStopsNewRecordsButNotRedeliveries() {
        SharePartition share = new SharePartition("g", "t", 0, 0, timer);
        share.acquire("m", batches(0, 99), 500, false, 100);
        assertThat(share.acquire("m", batches(100, 199), 500, false, 100)).isZero();
        share.releaseMember("m", 5);
        long again = share.acquire("n", batches(0, 99), 500, false, 100);
        assertThat(share.acquiredRecords(again)).containsExactly(new SharePartition.Acquired(0, 99, (short) 2));
    }

    @Test
    void persistedStateReplaysToTheSameWindowWithAcquiredRecordsAvailable() {
        SharePartition share = new SharePartition("g", "t", 0, 0, timer);
        share.acquire("m", batches(0, 9), 500, false, 2000);
        share.acknowledge("m", List.of(ack(2, 3, SharePartition.ACCEPT), ack(5, 5, SharePartition.REJECT)), 5);
        List<ShareStateBatch> state = share.persistedState();

        SharePartition replayed = new SharePartition("g", "t", 0, 0, timer);
        replayed.applyPersisted(share.startOffset(), state);
        assertThat(replayed.nextFetchOffset()).isZero();
        long id = replayed.acquire("m", batches(0, 9), 500, false, 2000);
        assertThat(replayed.acquiredRecords(id)).containsExactly(
                new SharePartition.Acquired(0, 1, (short) 2),
                new SharePartition.Acquired(4, 4, (short) 2),
                new SharePartition.Acquired(6, 9, (short) 2));
        assertThat(replayed.terminalRecords()).isEqualTo(3);
    }
}
