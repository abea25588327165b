package io.kafkalite.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import net.openhft.chronicle.bytes.Bytes;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batches of every partition in one log of Chronicle Queue segments under {@code <data>/log/}: each segment is a
 * single memory-mapped {@link QueueFile}, each entry a 20-byte owner (topic id, partition) followed by the batch
 * exactly as stored. An address is the segment id and the batch's position in the segment's file, so fetches
 * send batches straight from the file ({@code sendfile}) and the broker loop reads them through a read-only map.
 *
 * <p>Appends go to the newest segment; when it reaches {@code segmentBytes} a new one starts (a restart also starts
 * one). Space comes back by segments: one that no index references any more is deleted once a checkpoint of the
 * indexes that does not reference it is durable; one that is mostly released has its live batches copied to the
 * newest segment first. A deleted segment's file stays open until fetch responses still sending from it are done.
 */
public final class ChronicleBatchStore implements BatchStore {

    private static final Logger LOG = LoggerFactory.getLogger(ChronicleBatchStore.class);

    /** Owner of an entry: topic id (two longs) and partition index. */
    static final int OWNER_BYTES = 20;
    private static final int MIN_BLOCK_SHIFT = 24;
    private static final Pattern SEGMENT_NAME = Pattern.compile("(\\d{10})\\.b(\\d{2})");
    /** Segments whose live share falls below this are copied forward so that their file can go. */
    private static final double RELOCATE_BELOW = 0.5;
    /** A sealed segment that took in less than this fraction of a segment's size is merged into the newest one. */
    private static final int SMALL_SEGMENT_FRACTION = 8;
    /** A deleted segment's file is closed after this even if a fetch response never finished sending from it. */
    private static final long RETIRED_GRACE_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Path directory;
    private final long segmentBytes;
    private final long minFreeBytes;
    private final StorageFailures failures;
    private final TreeMap<Integer, Segment> segments = new TreeMap<>();
    private final List<Segment> retired = new ArrayList<>();
    /** Written in Chronicle's byte order, so that its tailer reads the owner back with readLong and readInt. */
    private final ByteBuffer owner = ByteBuffer.allocate(OWNER_BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    private Segment active;
    private Relocation relocation;
    /** Whether files were released since the last checkpoint-and-delete round. */
    private boolean deletable;
    /** Until recovery is over, live bytes come from the recovered indexes and releases are ignored. */
    private boolean recovering = true;
    private long appendCount;

    /**
     * Opens the log in {@code directory}, creating it if needed. Existing segments are kept for reading; the next
     * append starts a new segment.
     *
     * @param segmentBytes a segment is full once it holds this many bytes
     * @param minFreeBytes appends fail rather than leave less free disk space than this
     */
    public ChronicleBatchStore(Path directory, long segmentBytes, long minFreeBytes, StorageFailures failures) {
        this.directory = directory;
        this.segmentBytes = segmentBytes;
        this.minFreeBytes = minFreeBytes;
        this.failures = failures;
        try {
            Files.createDirectories(directory);
            try (Stream<Path> children = Files.list(directory)) {
                for (Path child : children.toList()) {
                    Matcher name = SEGMENT_NAME.matcher(child.getFileName().toString());
                    if (name.matches()) {
                        int id = Integer.parseInt(name.group(1));
                        segments.put(id, new Segment(id, child, Integer.parseInt(name.group(2))));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the log in " + directory + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- append and read

    @Override
    public long append(PartitionKey key, ByteBuffer batch) {
        int length = OWNER_BYTES + batch.remaining();
        Segment segment = writableSegment(length);
        owner.clear();
        owner.putLong(key.topicId().getMostSignificantBits())
                .putLong(key.topicId().getLeastSignificantBits())
                .putInt(key.partition())
                .flip();
        long position;
        try {
            position = segment.file().append(owner, batch);
        } catch (IOException | RuntimeException e) {
            throw failures.writeFailed(directory, e);
        }
        segment.end = position + batch.remaining();
        segment.written += batch.remaining();
        segment.live += batch.remaining();
        appendCount++;
        return address(segment.id, position);
    }

    /** The segment to append {@code length} bytes to, starting a new one when the newest is full or too small. */
    private Segment writableSegment(int length) {
        Segment current = active;
        if (current != null && current.written + length <= segmentBytes && length <= current.file().maxEntryBytes()) {
            return current;
        }
        int blockShift = MIN_BLOCK_SHIFT;
        while ((1L << blockShift) / QueueFile.BLOCK_TO_EXCERPT - 64 < length) {
            blockShift++;
        }
        if (blockShift > 40) {
            throw new KafkaStorageException("A batch of " + length + " bytes is larger than storage supports");
        }
        int id = segments.isEmpty() ? 1 : segments.lastKey() + 1;
        Segment next = new Segment(id, directory.resolve(String.format("%010d.b%02d", id, blockShift)), blockShift);
        try {
            next.open(minFreeBytes);
        } catch (RuntimeException e) {
            if (current != null && length <= current.file().maxEntryBytes() && current.end + length < (1L << 32)) {
                // keep appending to the full segment rather than refuse records: it only grows past its nominal size
                LOG.warn("Cannot start a new log segment in {} ({}); appending to segment {} past its size",
                        directory, e.getMessage(), current.id);
                return current;
            }
            throw failures.writeFailed(directory, e);
        }
        segments.put(id, next);
        if (current != null) {
            current.seal();
            deletable |= current.live <= 0;
        }
        active = next;
        return next;
    }

    /** Starts the segment to append to now rather than on the first append (a Chronicle queue takes a few ms). */
    @Override
    public void prepare() {
        if (active == null) {
            try {
                writableSegment(0);
            } catch (KafkaStorageException e) {
                LOG.warn("Cannot prepare the log in {}: {}", directory, e.getMessage());
            }
        }
    }

    @Override
    public ByteBuffer view(long address, int size) {
        return segment(address).view(position(address), size);
    }

    @Override
    public BaseRecords records(long[] addresses, int[] sizes, int count) {
        Segment[] owners = new Segment[count];
        FileChannel[] channels = new FileChannel[count];
        long[] positions = new long[count];
        for (int i = 0; i < count; i++) {
            owners[i] = segment(addresses[i]);
            channels[i] = owners[i].channel();
            positions[i] = position(addresses[i]);
        }
        return new FileRegionRecords(owners, channels, positions, sizes, count);
    }

    @Override
    public void release(long address, int size) {
        Segment segment = segments.get(segmentId(address));
        if (segment != null && !recovering) {
            segment.live -= size;
            if (segment.live <= 0 && segment != active) {
                deletable = true;
            }
        }
    }

    private Segment segment(long address) {
        Segment segment = segments.get(segmentId(address));
        if (segment == null) {
            throw new IllegalStateException("no log segment " + segmentId(address) + " for address " + address);
        }
        return segment;
    }

    static long address(int segmentId, long position) {
        return ((long) segmentId << 32) | position;
    }

    static int segmentId(long address) {
        return (int) (address >>> 32);
    }

    static long position(long address) {
        return address & 0xFFFF_FFFFL;
    }

    // ---------------------------------------------------------------- recovery

    @Override
    public boolean durable() {
        return true;
    }

    /** The newest segment and the sequence number after its last entry. */
    @Override
    public long mark() {
        if (segments.isEmpty()) {
            return 0;
        }
        Segment newest = active != null ? active : segments.lastEntry().getValue();
        return ((long) newest.id << 32) | (newest.lastSequence() + 1);
    }

    /** The mark, and how many bytes each segment took in: what it held once tells how much of it is garbage now. */
    @Override
    public void writeCheckpoint(CheckpointFile.Writer out) {
        out.putLong(mark());
        out.putInt(segments.size());
        for (Segment segment : segments.values()) {
            out.putInt(segment.id);
            out.putLong(segment.written);
        }
    }

    @Override
    public long readCheckpoint(CheckpointFile.Reader in) {
        long mark = in.getLong();
        int count = in.getInt();
        for (int i = 0; i < count; i++) {
            Segment segment = segments.get(in.getInt());
            long written = in.getLong();
            if (segment != null) {
                segment.written = written;
            }
        }
        return mark;
    }

    @Override
    public void scan(long mark, EntryVisitor visitor) {
        int fromSegment = (int) (mark >>> 32);
        long fromSequence = mark & 0xFFFF_FFFFL;
        for (Segment segment : segments.tailMap(fromSegment, true).values()) {
            long after = segment.id == fromSegment ? fromSequence - 1 : -1;
            segment.forEach(after, (sequence, entry) -> {
                long start = entry.readPosition();
                Uuid topicId = new Uuid(entry.readLong(), entry.readLong());
                int partition = entry.readInt();
                long position = start + OWNER_BYTES;
                int size = (int) (entry.readLimit() - position);
                segment.end = Math.max(segment.end, position + size);
                segment.written += size;
                visitor.visit(new PartitionKey(topicId, partition), address(segment.id, position), segment.view(position, size));
                return true;
            });
        }
    }

    @Override
    public void markLive(long address, int size) {
        Segment segment = segments.get(segmentId(address));
        if (segment != null) {
            segment.live += size;
        }
    }

    @Override
    public void recovered() {
        recovering = false;
        deletable = true;
    }

    @Override
    public long appendCount() {
        return appendCount;
    }

    // ---------------------------------------------------------------- reclaim

    @Override
    public boolean reclaim(ReclaimListener listener, long deadlineNanos) {
        closeRetired(false);
        if (deletable) {
            deleteUnreferenced(listener);
        }
        if (relocation == null) {
            relocation = chooseRelocation();
        }
        if (relocation != null) {
            if (relocation.run(listener, deadlineNanos)) {
                relocation.segment.endScan();
                relocation = null;
                deletable = true;
            }
            return true;
        }
        return false;
    }

    private void deleteUnreferenced(ReclaimListener listener) {
        deletable = false;
        List<Segment> dead = new ArrayList<>();
        for (Segment segment : segments.values()) {
            if (segment != active && segment.live <= 0 && (relocation == null || relocation.segment != segment)) {
                dead.add(segment);
            }
        }
        if (dead.isEmpty()) {
            return;
        }
        // the checkpoint must not reference the segments, and recovery must not scan them: both hold once it is written
        listener.checkpoint();
        for (Segment segment : dead) {
            segments.remove(segment.id);
            segment.retire();
            retired.add(segment);
        }
        closeRetired(false);
    }

    /**
     * The sealed segment most worth copying out: the one whose share of live bytes is lowest, if below
     * {@link #RELOCATE_BELOW}, else a small one (a segment a restart sealed early) so that files do not pile up.
     */
    private Relocation chooseRelocation() {
        Segment sparsest = null;
        double lowest = RELOCATE_BELOW;
        for (Segment segment : segments.values()) {
            if (segment == active || segment.live <= 0) {
                continue;
            }
            double share = (double) segment.live / Math.max(segment.written, segment.live);
            if (share < lowest || (sparsest == null && segment.written < segmentBytes / SMALL_SEGMENT_FRACTION
                    && active != null && active.written + segment.live <= segmentBytes)) {
                lowest = Math.min(lowest, share);
                sparsest = segment;
            }
        }
        if (sparsest == null) {
            return null;
        }
        sparsest.beginScan();
        return new Relocation(sparsest);
    }

    private void closeRetired(boolean force) {
        long now = System.nanoTime();
        for (Iterator<Segment> it = retired.iterator(); it.hasNext(); ) {
            Segment segment = it.next();
            if (force || segment.pins.get() == 0 || now - segment.retiredAtNanos > RETIRED_GRACE_NANOS) {
                segment.closeFile();
                it.remove();
            }
        }
    }

    @Override
    public long storedBytes() {
        long total = 0;
        for (Segment segment : segments.values()) {
            total += segment.fileBytes();
        }
        return total;
    }

    /** How many segments hold batches (for tests and benchmarks). */
    public int segmentCount() {
        return segments.size();
    }

    @Override
    public void close() {
        for (Segment segment : segments.values()) {
            segment.closeFile();
        }
        segments.clear();
        closeRetired(true);
        active = null;
        relocation = null;
    }

    @Override
    public String toString() {
        return "log in " + directory + " (" + segments.size() + " segments)";
    }

    /** Copies the live batches of one sparse segment to the newest one, a few milliseconds at a time. */
    private final class Relocation {
        final Segment segment;
        long afterSequence = -1;

        Relocation(Segment segment) {
            this.segment = segment;
        }

        /** Returns whether the segment holds no live batch any more. */
        boolean run(ReclaimListener listener, long deadline) {
            if (!segments.containsKey(segment.id)) {
                return true;
            }
            boolean[] timeUp = {false};
            try {
                segment.forEach(afterSequence, (sequence, entry) -> {
                    long start = entry.readPosition();
                    PartitionKey key = new PartitionKey(new Uuid(entry.readLong(), entry.readLong()), entry.readInt());
                    long position = start + OWNER_BYTES;
                    int size = (int) (entry.readLimit() - position);
                    long address = address(segment.id, position);
                    ByteBuffer batch = segment.view(position, size);
                    long baseOffset = batch.getLong(0);
                    if (listener.isLive(key, baseOffset, address)) {
                        long moved = append(key, batch);
                        listener.moved(key, baseOffset, address, moved);
                        release(address, size);
                    }
                    afterSequence = sequence;
                    timeUp[0] = Deadlines.passed(deadline);
                    return !timeUp[0];
                });
            } catch (KafkaStorageException e) {
                LOG.warn("Copying live batches out of segment {} stopped: {}", segment.id, e.getMessage());
                return true;
            }
            return !timeUp[0] || segment.live <= 0;
        }
    }

    /** One segment: a Chronicle queue file while it is written, a read channel and map once it is full. */
    static final class Segment {
        final int id;
        final Path directory;
        final int blockShift;
        final AtomicInteger pins = new AtomicInteger();
        private QueueFile file;
        private boolean writing;
        /** While live batches are copied out, Chronicle's queue stays open between slices. */
        private boolean scanning;
        private MappedByteBuffer map;
        long end;
        long written;
        long live;
        long retiredAtNanos;

        Segment(int id, Path directory, int blockShift) {
            this.id = id;
            this.directory = directory;
            this.blockShift = blockShift;
        }

        /** Creates the segment for writing. */
        void open(long minFreeBytes) {
            file = QueueFile.open(directory, 1L << blockShift, minFreeBytes);
            writing = true;
        }

        QueueFile file() {
            if (file == null) {
                file = QueueFile.existing(directory, 1L << blockShift);
            }
            return file;
        }

        long lastSequence() {
            QueueFile queue = file();
            try {
                return queue.lastSequence();
            } finally {
                if (!writing && !scanning) {
                    queue.closeQueue();
                }
            }
        }

        void beginScan() {
            scanning = true;
        }

        void endScan() {
            scanning = false;
            if (!writing && file != null) {
                file.closeQueue();
            }
        }

        /** Stops writing: Chronicle's queue (its maps and two file handles) is closed, the read channel stays. */
        void seal() {
            writing = false;
            if (file != null) {
                file.closeQueue();
            }
        }

        /** Reads entries through Chronicle's tailer; a full segment's queue is open only meanwhile. */
        void forEach(long afterSequence, QueueFile.EntryReader reader) {
            QueueFile queue = file();
            try {
                queue.forEach(afterSequence, reader);
            } finally {
                if (!writing && !scanning) {
                    queue.closeQueue();
                }
            }
        }

        FileChannel channel() {
            try {
                return file().channel();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read log segment " + directory + ": " + e.getMessage(), e);
            }
        }

        /** Bytes of the file through a read-only map, remapped when the segment has grown past it. */
        ByteBuffer view(long position, int size) {
            long needed = position + size;
            if (map == null || map.capacity() < needed) {
                try {
                    FileChannel channel = channel();
                    long length = Math.max(needed, channel.size());
                    MappedByteBuffer old = map;
                    map = channel.map(FileChannel.MapMode.READ_ONLY, 0, length);
                    Unmapper.unmap(old);
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot map log segment " + directory + ": " + e.getMessage(), e);
                }
            }
            return map.slice((int) position, size);
        }

        long fileBytes() {
            try {
                return file == null ? 0 : file.channel().size();
            } catch (IOException e) {
                return 0;
            }
        }

        void pin() {
            pins.incrementAndGet();
        }

        /** Called by the network thread when a fetch response has been sent from this segment. */
        void unpin() {
            pins.decrementAndGet();
        }

        /** Deletes the segment's files; its read channel stays open until {@link #closeFile}. */
        void retire() {
            retiredAtNanos = System.nanoTime();
            seal();
            Unmapper.unmap(map);
            map = null;
            try {
                ChronicleStorage.deleteRecursively(directory);
            } catch (UncheckedIOException e) {
                LOG.warn("Could not delete log segment {}: {}", directory, e.getMessage());
            }
        }

        void closeFile() {
            Unmapper.unmap(map);
            map = null;
            if (file != null) {
                file.close();
            }
        }

        @Override
        public String toString() {
            return "segment " + id;
        }
    }
}
