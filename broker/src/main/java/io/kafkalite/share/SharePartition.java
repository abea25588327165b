package io.kafkalite.share;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import io.kafkalite.metadata.MetadataJournal.ShareStateBatch;
import org.apache.kafka.common.errors.InvalidRecordStateException;
import org.apache.kafka.common.errors.InvalidRequestException;

/**
 * The delivery state of one share group's records of one partition, as Kafka's SharePartition keeps it: the
 * share-partition start offset (everything before it is done), the end offset (the last record ever acquired), and
 * between them runs of records that are AVAILABLE (to be delivered again), ACQUIRED by a member until it
 * acknowledges them or its acquisition lock times out, ACKNOWLEDGED or ARCHIVED. Offsets of the window with no run
 * (after a restart: acquired records are not persisted) are available and were never delivered.
 *
 * <p>A record is delivered at most {@code deliveryCountLimit} times: released (by the member, by a lock timeout, by
 * its member leaving) once that often, it is archived instead. Not thread-safe: the broker loop owns it.
 */
public final class SharePartition {

    /** Kafka's record states, with the ids its share coordinator persists. */
    enum RecordState {
        AVAILABLE((byte) 0), ACQUIRED((byte) 1), ACKNOWLEDGED((byte) 2), ARCHIVED((byte) 4);

        final byte id;

        RecordState(byte id) {
            this.id = id;
        }

        boolean isTerminal() {
            return this == ACKNOWLEDGED || this == ARCHIVED;
        }

        static RecordState forId(byte id) {
            for (RecordState state : values()) {
                if (state.id == id) {
                    return state;
                }
            }
            throw new IllegalArgumentException("Unknown share record state id " + id);
        }
    }

    /** Acknowledge types of ShareFetch and ShareAcknowledge: a gap (no record at the offset), accept, ... */
    public static final byte GAP = 0;
    public static final byte ACCEPT = 1;
    public static final byte RELEASE = 2;
    public static final byte REJECT = 3;
    /** Renew the acquisition lock (KIP-1222, ShareFetch and ShareAcknowledge v2). */
    public static final byte RENEW = 4;

    /** Schedules and cancels the acquisition lock timeouts of this partition's acquisitions. */
    interface LockTimer {
        void schedule(SharePartition partition, long acquisitionId);

        void cancel(SharePartition partition, long acquisitionId);
    }

    /** A range of acquired records and how often they have been delivered, as ShareFetch reports them. */
    public record Acquired(long firstOffset, long lastOffset, short deliveryCount) {
    }

    /** One acknowledgement batch of ShareFetch or ShareAcknowledge: one type for all offsets, or one per offset. */
    public record AckBatch(long firstOffset, long lastOffset, List<Byte> types) {
    }

    private final String groupId;
    private final String topic;
    private final int partition;
    private final LockTimer lockTimer;
    private long startOffset;
    private long endOffset;
    private final TreeMap<Long, Run> runs = new TreeMap<>();
    /** Live acquisitions: records acquired together share a lock timeout. */
    private final Map<Long, Acquisition> acquisitions = new HashMap<>();
    private long nextAcquisitionId = 1;

    SharePartition(String groupId, String topic, int partition, long startOffset, LockTimer lockTimer) {
        this.groupId = groupId;
        this.topic = topic;
        this.partition = partition;
        this.lockTimer = lockTimer;
        this.startOffset = startOffset;
        this.endOffset = startOffset - 1;
    }

    String groupId() {
        return groupId;
    }

    String topic() {
        return topic;
    }

    int partition() {
        return partition;
    }

    long startOffset() {
        return startOffset;
    }

    long endOffset() {
        return endOffset;
    }

    /** The first offset a fetch may acquire: the first available record of the window, else the one after it. */
    long nextFetchOffset() {
        long position = startOffset;
        for (Run run : runs.values()) {
            if (run.first > position) {
                return position; // a gap: available, never delivered
            }
            if (run.state == RecordState.AVAILABLE) {
                return Math.max(position, run.first);
            }
            position = run.last + 1;
        }
        return position;
    }

    /** Records in the window that are done (acknowledged or archived), for the lag Admin shows. */
    long terminalRecords() {
        long count = 0;
        for (Run run : runs.values()) {
            if (run.state.isTerminal()) {
                count += run.last - run.first + 1;
            }
        }
        return count;
    }

    /** Whether a fetch could acquire something below {@code readableEnd}, given the in-flight limit. */
    boolean canAcquire(long readableEnd, int maxInFlight) {
        long next = nextFetchOffset();
        if (next >= readableEnd) {
            return false;
        }
        return next <= endOffset || endOffset - startOffset + 1 < maxInFlight;
    }

    // ---------------------------------------------------------------- acquire

    /**
     * Acquires for {@code memberId} the available records of the fetched batches, whole batches unless
     * {@code recordLimit} (KIP-1206's record-limit mode) makes {@code maxRecords} exact. New records stop once
     * {@code maxInFlight} records are in flight. Returns the id of the acquisition (0 when nothing was acquired),
     * whose lock timeout has been scheduled.
     *
     * @param batchBounds first and last offset of each fetched batch, in order
     */
    long acquire(String memberId, List<long[]> batchBounds, int maxRecords, boolean recordLimit, int maxInFlight) {
        long acquisitionId = nextAcquisitionId++;
        Acquisition acquisition = new Acquisition();
        long count = 0;
        batches:
        for (long[] bounds : batchBounds) {
            if (count >= maxRecords) {
                break;
            }
            long position = Math.max(bounds[0], startOffset);
            long to = bounds[1];
            while (position <= to && (!recordLimit || count < maxRecords)) {
                long limitEnd = recordLimit ? position + (maxRecords - count) - 1 : Long.MAX_VALUE;
                if (position > endOffset) {
                    if (endOffset - startOffset + 1 >= maxInFlight) {
                        break batches;
                    }
                    long end = Math.min(to, limitEnd);
                    Run run = new Run(position, end, RecordState.ACQUIRED, (short) 1, memberId, acquisitionId);
                    runs.put(position, run);
                    endOffset = end;
                    count += acquisition.add(run);
                    position = end + 1;
                    continue;
                }
                Run run = runContaining(position);
                if (run == null) {
                    Long next = runs.higherKey(position);
                    long end = Math.min(Math.min(to, endOffset), next == null ? Long.MAX_VALUE : next - 1);
                    end = Math.min(end, limitEnd);
                    Run gap = new Run(position, end, RecordState.ACQUIRED, (short) 1, memberId, acquisitionId);
                    runs.put(position, gap);
                    count += acquisition.add(gap);
                    position = end + 1;
                } else if (run.state == RecordState.AVAILABLE) {
                    long end = Math.min(Math.min(run.last, to), limitEnd);
                    Run part = isolate(run, position, end);
                    part.state = RecordState.ACQUIRED;
                    part.deliveryCount++;
                    part.memberId = memberId;
                    part.acquisitionId = acquisitionId;
                    count += acquisition.add(part);
                    position = end + 1;
                } else {
                    position = run.last + 1;
                }
            }
        }
        if (count == 0) {
            return 0;
        }
        acquisitions.put(acquisitionId, acquisition);
        lockTimer.schedule(this, acquisitionId);
        return acquisitionId;
    }

    /** The records an acquisition still holds, merged into ranges of equal delivery count. */
    List<Acquired> acquiredRecords(long acquisitionId) {
        Acquisition acquisition = acquisitions.get(acquisitionId);
        List<Acquired> result = new ArrayList<>();
        if (acquisition == null) {
            return result;
        }
        for (Run run : runsBetween(acquisition.first, acquisition.last).values()) {
            if (run.state != RecordState.ACQUIRED || run.acquisitionId != acquisitionId) {
                continue;
            }
            Acquired last = result.isEmpty() ? null : result.get(result.size() - 1);
            if (last != null && last.lastOffset() + 1 == run.first && last.deliveryCount() == run.deliveryCount) {
                result.set(result.size() - 1, new Acquired(last.firstOffset(), run.last, last.deliveryCount()));
            } else {
                result.add(new Acquired(run.first, run.last, run.deliveryCount));
            }
        }
        return result;
    }

    /**
     * Archives records of an acquisition that a read_committed share group must never see (an aborted transaction's
     * records); returns the changed runs to persist.
     */
    List<ShareStateBatch> archiveAcquired(long acquisitionId, long from, long to) {
        List<ShareStateBatch> changed = new ArrayList<>();
        Acquisition acquisition = acquisitions.get(acquisitionId);
        if (acquisition == null) {
            return changed;
        }
        for (Run run : List.copyOf(runsBetween(Math.max(from, startOffset), to).values())) {
            if (run.state != RecordState.ACQUIRED || run.acquisitionId != acquisitionId) {
                continue;
            }
            Run part = isolate(run, Math.max(from, run.first), Math.min(to, run.last));
            part.state = RecordState.ARCHIVED;
            finishAcquisition(part);
            changed.add(persisted(part));
        }
        advanceStartOffset();
        return changed;
    }

    // ---------------------------------------------------------------- acknowledge and release

    /**
     * Applies a member's acknowledgements: all of them or, when one names records the member does not hold,
     * none (as Kafka rolls back the whole request for the partition). Returns the changed runs to persist.
     *
     * @throws InvalidRecordStateException for records not acquired by {@code memberId}
     * @throws InvalidRequestException for offsets past the acquired records
     */
    List<ShareStateBatch> acknowledge(String memberId, List<AckBatch> batches, int deliveryCountLimit) {
        for (AckBatch batch : batches) {
            validate(memberId, batch);
        }
        List<ShareStateBatch> changed = new ArrayList<>();
        long renewId = 0;
        for (AckBatch batch : batches) {
            if (batch.lastOffset() < startOffset) {
                continue;
            }
            long from = Math.max(batch.firstOffset(), startOffset);
            if (batch.types().size() == 1) {
                renewId = apply(from, batch.lastOffset(), batch.types().get(0), deliveryCountLimit, changed, renewId);
                continue;
            }
            long runStart = from;
            for (long offset = from; offset <= batch.lastOffset(); offset++) {
                byte type = batch.types().get((int) (offset - batch.firstOffset()));
                boolean endsHere = offset == batch.lastOffset()
                        || batch.types().get((int) (offset + 1 - batch.firstOffset())) != type;
                if (endsHere) {
                    renewId = apply(runStart, offset, type, deliveryCountLimit, changed, renewId);
                    runStart = offset + 1;
                }
            }
        }
        if (renewId != 0) {
            lockTimer.schedule(this, renewId);
        }
        advanceStartOffset();
        return changed;
    }

    private void validate(String memberId, AckBatch batch) {
        if (batch.lastOffset() < startOffset) {
            return; // already done: Kafka ignores acknowledgements below the start offset
        }
        if (batch.lastOffset() > endOffset) {
            throw new InvalidRequestException("Offsets " + batch.firstOffset() + ".." + batch.lastOffset() + " of "
                    + this + " go past the acquired records (last acquired offset " + endOffset + ")");
        }
        long position = Math.max(batch.firstOffset(), startOffset);
        while (position <= batch.lastOffset()) {
            Run run = runContaining(position);
            if (run == null || run.state != RecordState.ACQUIRED) {
                throw new InvalidRecordStateException("Offset " + position + " of " + this
                        + " is not acquired: it cannot be acknowledged (the acquisition lock may have timed out)");
            }
            if (!run.memberId.equals(memberId)) {
                throw new InvalidRecordStateException("Offset " + position + " of " + this + " was acquired by another "
                        + "member: member " + memberId + " cannot acknowledge it");
            }
            position = run.last + 1;
        }
    }

    /** Applies one acknowledge type to acquired records {@code from..to}; returns the acquisition of renewed locks. */
    private long apply(long from, long to, byte type, int deliveryCountLimit, List<ShareStateBatch> changed,
                       long renewId) {
        for (Run run : List.copyOf(runsBetween(from, to).values())) {
            Run part = isolate(run, Math.max(from, run.first), Math.min(to, run.last));
            if (type == RENEW) {
                if (renewId == 0) {
                    renewId = nextAcquisitionId++;
                    acquisitions.put(renewId, new Acquisition());
                }
                finishAcquisition(part);
                part.acquisitionId = renewId;
                acquisitions.get(renewId).add(part);
                continue;
            }
            part.state = switch (type) {
                case ACCEPT -> RecordState.ACKNOWLEDGED;
                case RELEASE -> releasedState(part, deliveryCountLimit);
                default -> RecordState.ARCHIVED; // GAP and REJECT
            };
            finishAcquisition(part);
            changed.add(persisted(part));
        }
        return renewId;
    }

    /** Releases every record {@code memberId} holds (its share session closed or it left the group). */
    List<ShareStateBatch> releaseMember(String memberId, int deliveryCountLimit) {
        List<ShareStateBatch> changed = new ArrayList<>();
        for (Run run : List.copyOf(runs.values())) {
            if (run.state == RecordState.ACQUIRED && run.memberId.equals(memberId)) {
                run.state = releasedState(run, deliveryCountLimit);
                finishAcquisition(run);
                changed.add(persisted(run));
            }
        }
        advanceStartOffset();
        return changed;
    }

    /** The acquisition lock of {@code acquisitionId} timed out: its records still acquired become available again. */
    List<ShareStateBatch> expire(long acquisitionId, int deliveryCountLimit) {
        List<ShareStateBatch> changed = new ArrayList<>();
        Acquisition acquisition = acquisitions.remove(acquisitionId);
        if (acquisition == null) {
            return changed;
        }
        for (Run run : List.copyOf(runsBetween(acquisition.first, acquisition.last).values())) {
            if (run.state == RecordState.ACQUIRED && run.acquisitionId == acquisitionId) {
                run.state = releasedState(run, deliveryCountLimit);
                run.memberId = "";
                run.acquisitionId = 0;
                changed.add(persisted(run));
            }
        }
        advanceStartOffset();
        return changed;
    }

    private static RecordState releasedState(Run run, int deliveryCountLimit) {
        return run.deliveryCount >= deliveryCountLimit ? RecordState.ARCHIVED : RecordState.AVAILABLE;
    }

    private void finishAcquisition(Run run) {
        Acquisition acquisition = acquisitions.get(run.acquisitionId);
        if (acquisition != null) {
            acquisition.remaining -= run.last - run.first + 1;
            if (acquisition.remaining <= 0) {
                acquisitions.remove(run.acquisitionId);
                lockTimer.cancel(this, run.acquisitionId);
            }
        }
        if (run.state != RecordState.ACQUIRED) {
            run.memberId = "";
            run.acquisitionId = 0;
        }
    }

    /** Moves the start offset past the done records at the front of the window. */
    private void advanceStartOffset() {
        Map.Entry<Long, Run> first;
        while ((first = runs.firstEntry()) != null && first.getKey() <= startOffset && first.getValue().state.isTerminal()) {
            startOffset = Math.max(startOffset, first.getValue().last + 1);
            runs.pollFirstEntry();
        }
        if (startOffset > endOffset) {
            endOffset = startOffset - 1;
        }
    }

    /**
     * Moves the start offset to {@code offset} (the log start offset passed it, or Admin reset it): records before it
     * are gone, whatever their state.
     */
    void moveStartOffset(long offset) {
        if (offset <= startOffset) {
            return;
        }
        Run straddling = runContaining(offset);
        if (straddling != null && straddling.first < offset) {
            split(straddling, offset);
        }
        runs.headMap(offset, false).clear();
        startOffset = offset;
        advanceStartOffset();
    }

    // ---------------------------------------------------------------- persisted state

    /** Applies a journaled write (replay): the start offset and the state of the ranges that changed. */
    void applyPersisted(long persistedStartOffset, List<ShareStateBatch> batches) {
        for (ShareStateBatch batch : batches) {
            overwrite(batch.firstOffset(), batch.lastOffset(), RecordState.forId(batch.deliveryState()),
                    batch.deliveryCount());
            endOffset = Math.max(endOffset, batch.lastOffset());
        }
        moveStartOffset(persistedStartOffset);
        if (startOffset > endOffset) {
            endOffset = startOffset - 1;
        }
    }

    /** The whole persisted state: every run of the window, acquired records as available (they are not persisted). */
    List<ShareStateBatch> persistedState() {
        List<ShareStateBatch> state = new ArrayList<>(runs.size());
        runs.values().forEach(run -> state.add(persisted(run)));
        return state;
    }

    private static ShareStateBatch persisted(Run run) {
        RecordState state = run.state == RecordState.ACQUIRED ? RecordState.AVAILABLE : run.state;
        return new ShareStateBatch(run.first, run.last, state.id, run.deliveryCount);
    }

    private void overwrite(long first, long last, RecordState state, short deliveryCount) {
        Run before = runContaining(first);
        if (before != null && before.first < first) {
            split(before, first);
        }
        Run after = runContaining(last + 1);
        if (after != null && after.first <= last) {
            split(after, last + 1);
        }
        runs.subMap(first, true, last, true).clear();
        runs.put(first, new Run(first, last, state, deliveryCount, "", 0));
    }

    // ---------------------------------------------------------------- runs

    private Run runContaining(long offset) {
        Map.Entry<Long, Run> floor = runs.floorEntry(offset);
        return floor != null && floor.getValue().last >= offset ? floor.getValue() : null;
    }

    /** Runs overlapping {@code from..to}. */
    private NavigableMap<Long, Run> runsBetween(long from, long to) {
        Long floor = runs.floorKey(from);
        long start = floor != null && runs.get(floor).last >= from ? floor : from;
        return runs.subMap(start, true, to, true);
    }

    /** Splits runs so that one covers exactly {@code from..to} (which must lie inside {@code run}); returns it. */
    private Run isolate(Run run, long from, long to) {
        Run middle = run.first < from ? split(run, from) : run;
        if (middle.last > to) {
            split(middle, to + 1);
        }
        return middle;
    }

    private Run split(Run run, long at) {
        Run tail = new Run(at, run.last, run.state, run.deliveryCount, run.memberId, run.acquisitionId);
        run.last = at - 1;
        runs.put(at, tail);
        return tail;
    }

    @Override
    public String toString() {
        return "share-partition " + topic + "-" + partition + " of group " + groupId;
    }

    /** Consecutive records in the same state. */
    private static final class Run {
        final long first;
        long last;
        RecordState state;
        short deliveryCount;
        String memberId;
        long acquisitionId;

        Run(long first, long last, RecordState state, short deliveryCount, String memberId, long acquisitionId) {
            this.first = first;
            this.last = last;
            this.state = state;
            this.deliveryCount = deliveryCount;
            this.memberId = memberId;
            this.acquisitionId = acquisitionId;
        }
    }

    /** The span of one acquisition and how many of its records are still acquired. */
    private static final class Acquisition {
        long first = Long.MAX_VALUE;
        long last = -1;
        long remaining;

        long add(Run run) {
            first = Math.min(first, run.first);
            last = Math.max(last, run.last);
            long count = run.last - run.first + 1;
            remaining += count;
            return count;
        }
    }
}
