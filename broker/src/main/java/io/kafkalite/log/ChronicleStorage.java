package io.kafkalite.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Storage on Chronicle Queue: one queue directory per store under the data directory, memory-mapped, each
 * entry one excerpt. Call {@link ChronicleRuntime#configure()} before the first use in a JVM.
 */
public final class ChronicleStorage implements Storage {

    /** Chronicle maps files in blocks; an excerpt must fit comfortably in one. */
    private static final long MIN_BLOCK_SIZE = 4L << 20;

    private final Path directory;
    private final List<ChronicleEntryStore> open = new ArrayList<>();

    public ChronicleStorage(Path directory) {
        this.directory = directory;
    }

    @Override
    public EntryStore open(String name, int maxEntryBytes) {
        long blockSize = Math.max(MIN_BLOCK_SIZE, Long.highestOneBit(Math.max(1, maxEntryBytes)) << 3);
        SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(directory.resolve(name))
                .rollCycle(RollCycles.FAST_DAILY)
                .blockSize(blockSize)
                .checkInterrupts(false)
                .build();
        ChronicleEntryStore store = new ChronicleEntryStore(queue);
        open.add(store);
        return store;
    }

    @Override
    public boolean exists(String name) {
        return Files.isDirectory(directory.resolve(name));
    }

    @Override
    public void close() {
        for (ChronicleEntryStore store : List.copyOf(open)) {
            store.close();
        }
    }

    private final class ChronicleEntryStore implements EntryStore {
        private final SingleChronicleQueue queue;
        private final ExcerptAppender appender;
        private final ExcerptTailer tailer;
        private boolean closed;

        ChronicleEntryStore(SingleChronicleQueue queue) {
            this.queue = queue;
            this.appender = queue.createAppender();
            this.tailer = queue.createTailer();
        }

        @Override
        public long append(ByteBuffer entry) {
            try (DocumentContext dc = appender.writingDocument()) {
                Bytes<?> bytes = dc.wire().bytes();
                if (entry.hasArray()) {
                    // writeSome(ByteBuffer) ignores a heap slice's array offset: write the array range instead.
                    bytes.write(entry.array(), entry.arrayOffset() + entry.position(), entry.remaining());
                } else {
                    bytes.writeSome(entry.duplicate());
                }
            }
            return appender.lastIndexAppended();
        }

        @Override
        public void readConsecutive(long firstAddress, int count, ByteBuffer target) {
            if (!tailer.moveToIndex(firstAddress)) {
                throw new IllegalStateException("no entry at index " + Long.toHexString(firstAddress) + " in " + queue.file());
            }
            for (int i = 0; i < count; i++) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        throw new IllegalStateException("entry " + i + " of " + count + " after index "
                                + Long.toHexString(firstAddress) + " is missing in " + queue.file());
                    }
                    copyInto(dc.wire().bytes(), target);
                }
            }
        }

        @Override
        public void forEach(EntryVisitor visitor) {
            tailer.toStart();
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        return;
                    }
                    Bytes<?> bytes = dc.wire().bytes();
                    ByteBuffer copy = ByteBuffer.allocate((int) bytes.readRemaining());
                    copyInto(bytes, copy);
                    visitor.visit(dc.index(), copy.flip());
                }
            }
        }

        private void copyInto(Bytes<?> bytes, ByteBuffer target) {
            int length = (int) bytes.readRemaining();
            if (target.hasArray()) {
                // read(byte[], ...) is one bulk copy; read(ByteBuffer) goes a byte at a time for heap buffers
                bytes.read(target.array(), target.arrayOffset() + target.position(), length);
            } else {
                ByteBuffer window = target.duplicate();
                window.limit(window.position() + length);
                bytes.read(window);
            }
            target.position(target.position() + length);
        }

        @Override
        public void delete() {
            Path dir = queue.file().toPath();
            close();
            deleteRecursively(dir);
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                appender.close();
                tailer.close();
                queue.close();
                open.remove(this);
            }
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }
}
