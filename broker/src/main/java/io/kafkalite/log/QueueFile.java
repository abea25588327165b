package io.kafkalite.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * One Chronicle queue written as a single memory-mapped file: its clock stands still, so it never rolls to another
 * cycle file, and whoever uses it decides when a file is full. Positions of written entries are positions in that
 * file, so a {@link FileChannel} can send them without Chronicle.
 *
 * <p>Chronicle writes through a memory map, and a write to a page the file system cannot back (a full disk) kills the
 * JVM with SIGBUS. So the file is filled with zeros ahead of the writer (Chronicle reads zeros as "nothing written
 * yet"): running out of space then fails that ordinary write with an {@link IOException} and the entry is refused.
 *
 * <p>Not thread-safe: it belongs to the broker loop thread.
 */
final class QueueFile implements AutoCloseable {

    /** Chronicle refuses an excerpt larger than a quarter of its block size. */
    static final int BLOCK_TO_EXCERPT = 4;
    /** Chronicle writes its index arrays between excerpts; this much past the last entry is kept allocated too. */
    private static final long CHRONICLE_SLACK = 1L << 20;
    private static final long PREALLOCATE_STEP = 4L << 20;
    /** A small log (most tests) only zero-fills this much ahead at first. */
    private static final long MIN_PREALLOCATE_STEP = 256L << 10;
    /**
     * How long Chronicle waits for a write lock or an unfinished entry before taking it over. The broker loop is the
     * only writer (the data directory is locked), so whatever holds one is a killed broker: Chronicle's 10 s
     * default would only delay the restart after a crash.
     */
    private static final long LOCK_TIMEOUT_MS = 100;
    private static final int MIN_HEAP_COPY_BYTES = 64 << 10;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();

    private final Path directory;
    private final long blockSize;
    /** Free disk space the file leaves alone: appends fail rather than take it (0: only a full disk stops them). */
    private final long minFreeBytes;
    private FileStore fileStore;
    /** Null while closed: a full segment keeps only its channel, and opens the queue again to be scanned. */
    private SingleChronicleQueue queue;
    private ExcerptAppender appender;
    private FileChannel channel;
    private Path file;
    /** Where heap entries are copied before they go into the map (see {@link #write}); grown on demand. */
    private ByteBuffer heapCopy;
    /** End of the last entry this run wrote; -1 before the first, when the end is only known to Chronicle. */
    private long end = -1;
    private long preallocatedTo;

    private QueueFile(Path directory, long blockSize, long minFreeBytes) {
        this.directory = directory;
        this.blockSize = blockSize;
        this.minFreeBytes = minFreeBytes;
    }

    /** A queue written earlier, opened only when it is read or written. */
    static QueueFile existing(Path directory, long blockSize) {
        return new QueueFile(directory, blockSize, 0);
    }

    /**
     * Opens (creating if needed) the queue in {@code directory}.
     *
     * @param minFreeBytes free disk space appends leave alone
     */
    static QueueFile open(Path directory, long blockSize, long minFreeBytes) {
        QueueFile file = new QueueFile(directory, blockSize, minFreeBytes);
        file.queue();
        return file;
    }

    private SingleChronicleQueue queue() {
        if (queue == null) {
            queue = SingleChronicleQueueBuilder.binary(directory)
                    .rollCycle(RollCycles.FAST_DAILY)
                    .timeProvider(() -> 0L)
                    .blockSize(blockSize)
                    .checkInterrupts(false)
                    .timeoutMS(LOCK_TIMEOUT_MS)
                    .build();
        }
        return queue;
    }

    Path directory() {
        return directory;
    }

    /** The largest entry (prefix and payload together) this file takes. */
    long maxEntryBytes() {
        return blockSize / BLOCK_TO_EXCERPT - 64;
    }

    /**
     * Appends one entry: {@code prefix} (may be null) then {@code payload}, both their remaining bytes.
     *
     * @return the position in the file where {@code payload} starts
     * @throws IOException when the file cannot grow (full disk, unwritable directory, no file descriptors)
     */
    long append(ByteBuffer prefix, ByteBuffer payload) throws IOException {
        int length = (prefix == null ? 0 : prefix.remaining()) + payload.remaining();
        if (length > maxEntryBytes()) {
            throw new IllegalArgumentException("entry of " + length + " bytes exceeds " + maxEntryBytes());
        }
        if (appender == null) {
            appender = queue().createAppender();
        }
        if (end >= 0) {
            preallocate(end + length + CHRONICLE_SLACK);
        }
        long payloadPosition;
        try (DocumentContext dc = appender.writingDocument()) {
            try {
                Bytes<?> bytes = dc.wire().bytes();
                if (end < 0) {
                    // first entry of this run: now Chronicle has told us where the file ends
                    end = bytes.writePosition();
                    preallocate(end + length + CHRONICLE_SLACK);
                }
                if (prefix != null) {
                    write(bytes, prefix);
                }
                payloadPosition = bytes.writePosition();
                write(bytes, payload);
                end = bytes.writePosition();
            } catch (IOException | RuntimeException | Error e) {
                dc.rollbackOnClose();
                throw e;
            }
        }
        return payloadPosition;
    }

    private void write(Bytes<?> bytes, ByteBuffer source) {
        if (source.hasArray()) {
            // Chronicle copies a heap array into the map with a Java loop on Java 9+ (half the loop thread's time when
            // producing 1 KiB records); from a direct buffer it is one native copy, and so is the JDK's copy into it
            ByteBuffer direct = directCopy(source.remaining());
            direct.put(source.duplicate()).flip();
            bytes.writeSome(direct);
        } else {
            bytes.writeSome(source.duplicate());
        }
    }

    /** A cleared direct buffer of at least {@code length} bytes, kept for the next heap entry. */
    private ByteBuffer directCopy(int length) {
        if (heapCopy == null || heapCopy.capacity() < length) {
            heapCopy = ByteBuffer.allocateDirect(Math.max(MIN_HEAP_COPY_BYTES, Integer.highestOneBit(length - 1) << 1));
        }
        return heapCopy.clear();
    }

    /** Fills the file with zeros up to at least {@code position}, so that Chronicle's writes there cannot fault. */
    private void preallocate(long position) throws IOException {
        if (position <= preallocatedTo) {
            return;
        }
        FileChannel target = channel();
        long from = Math.max(preallocatedTo, end);
        long to = Math.max(position, from + Math.min(PREALLOCATE_STEP, Math.max(MIN_PREALLOCATE_STEP, from / 2)));
        if (minFreeBytes > 0) {
            if (fileStore == null) {
                fileStore = Files.getFileStore(directory);
            }
            long usable = fileStore.getUsableSpace();
            if (usable - (to - from) < minFreeBytes) {
                throw new IOException("No space left on device: " + (usable >> 20) + " MiB free where " + directory
                        + " is, and kafkalite.log.min.free.bytes keeps " + (minFreeBytes >> 20)
                        + " MiB free for the broker's journal and index checkpoints");
            }
        }
        long at = from;
        while (at < to) {
            ByteBuffer zeros = ZEROS.duplicate();
            zeros.limit((int) Math.min(zeros.capacity(), to - at));
            at += target.write(zeros, at);
        }
        preallocatedTo = to;
    }

    /** The file's channel, for reads and sends; opened once the file exists. */
    FileChannel channel() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(file(), StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        return channel;
    }

    private Path file() throws IOException {
        if (file == null) {
            try (Stream<Path> files = Files.list(directory)) {
                file = files.filter(f -> f.getFileName().toString().endsWith(SingleChronicleQueue.SUFFIX))
                        .findFirst()
                        .orElseThrow(() -> new IOException("no Chronicle cycle file in " + directory));
            }
        }
        return file;
    }

    /** Whether anything was ever written (the cycle file exists). */
    boolean hasEntries() {
        try (Stream<Path> files = Files.list(directory)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(SingleChronicleQueue.SUFFIX));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Visits entries after the one with sequence number {@code afterSequence} (-1: from the first), in order, until
     * the reader returns false. The bytes given to the reader are positioned at the entry's start and valid during
     * the call only.
     */
    void forEach(long afterSequence, EntryReader reader) {
        if (!hasEntries()) {
            return;
        }
        SingleChronicleQueue queue = queue();
        try (ExcerptTailer tailer = queue.createTailer()) {
            if (afterSequence >= 0) {
                long index = queue.rollCycle().toIndex(queue.cycle(), afterSequence);
                if (!tailer.moveToIndex(index)) {
                    throw new IllegalStateException("entry " + afterSequence + " of " + directory + " is missing");
                }
                try (DocumentContext skipped = tailer.readingDocument()) {
                    if (!skipped.isPresent()) {
                        throw new IllegalStateException("entry " + afterSequence + " of " + directory + " is missing");
                    }
                }
            }
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        return;
                    }
                    Bytes<?> bytes = dc.wire().bytes();
                    if (!reader.read(queue.rollCycle().toSequenceNumber(dc.index()), bytes)) {
                        return;
                    }
                }
            }
        }
    }

    /** Sequence number of the last entry, or -1 when there is none. */
    long lastSequence() {
        if (appender != null && end >= 0) {
            return queue().rollCycle().toSequenceNumber(appender.lastIndexAppended());
        }
        long last = hasEntries() ? queue().lastIndex() : -1;
        return last < 0 ? -1 : queue().rollCycle().toSequenceNumber(last);
    }

    /** Closes Chronicle's queue (its maps and files); the channel stays open for reads until {@link #closeChannel}. */
    void closeQueue() {
        heapCopy = null;
        if (appender != null) {
            appender.close();
            appender = null;
        }
        if (queue != null) {
            queue.close();
            queue = null;
        }
    }

    void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing a read channel of a file about to be deleted: nothing to recover
            }
            channel = null;
        }
    }

    @Override
    public void close() {
        closeQueue();
        closeChannel();
    }

    /** Reads one entry from {@link #forEach}. */
    @FunctionalInterface
    interface EntryReader {
        /** @return whether to go on to the next entry */
        boolean read(long sequence, Bytes<?> entry);
    }
}
