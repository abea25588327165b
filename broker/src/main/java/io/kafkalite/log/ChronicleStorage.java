package io.kafkalite.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import net.openhft.chronicle.bytes.Bytes;

/**
 * Storage on Chronicle Queue under the data directory: the partitions' shared log in {@code log/}
 * ({@link ChronicleBatchStore}) and each journal store in a directory of its own, one memory-mapped file each. Call
 * {@link ChronicleRuntime#configure()} before the first use in a JVM.
 */
public final class ChronicleStorage implements Storage {

    /** Directory of the partitions' log inside the data directory. */
    public static final String LOG_DIRECTORY = "log";
    private static final String CHECKPOINT_FILE = "index.checkpoint";
    private static final long JOURNAL_BLOCK_SIZE = 4L << 20;

    private final Path directory;
    private final long minFreeBytes;
    private final StorageFailures failures;
    private final List<ChronicleEntryStore> open = new ArrayList<>();

    /** Storage with no free space kept back (the journal only stops at a full disk). */
    public ChronicleStorage(Path directory) {
        this(directory, 0);
    }

    /**
     * @param minFreeBytes appends of record batches fail rather than leave less free disk space than this, so that
     *     the journal and index checkpoints (which let the broker give space back) can still be written
     */
    public ChronicleStorage(Path directory, long minFreeBytes) {
        this.directory = directory;
        this.minFreeBytes = minFreeBytes;
        this.failures = new StorageFailures(minFreeBytes);
    }

    @Override
    public PartitionLogs openPartitionLogs(long segmentBytes) {
        Path logDirectory = directory.resolve(LOG_DIRECTORY);
        return new PartitionLogs(new ChronicleBatchStore(logDirectory, segmentBytes, minFreeBytes, failures),
                logDirectory.resolve(CHECKPOINT_FILE));
    }

    @Override
    public EntryStore open(String name) {
        ChronicleEntryStore store = new ChronicleEntryStore(directory.resolve(name));
        open.add(store);
        return store;
    }


    @Override
    public void delete(String name) {
        deleteRecursively(directory.resolve(name));
    }

    @Override
    public String readMarker(String name) {
        Path file = directory.resolve(name);
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void writeMarker(String name, String text) {
        Path file = directory.resolve(name);
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw failures.writeFailed(directory, e);
        }
    }

    @Override
    public void close() {
        for (ChronicleEntryStore store : List.copyOf(open)) {
            store.close();
        }
    }

    private final class ChronicleEntryStore implements EntryStore {
        private final QueueFile file;
        private boolean closed;

        ChronicleEntryStore(Path path) {
            this.file = QueueFile.open(path, JOURNAL_BLOCK_SIZE, 0);
        }

        @Override
        public void append(ByteBuffer entry) {
            try {
                file.append(null, entry);
            } catch (IOException | RuntimeException e) {
                throw failures.writeFailed(directory, e);
            }
        }

        @Override
        public void forEach(EntryVisitor visitor) {
            file.forEach(-1, (sequence, bytes) -> {
                visitor.visit(sequence, copy(bytes));
                return true;
            });
        }

        private static ByteBuffer copy(Bytes<?> bytes) {
            byte[] copy = new byte[(int) bytes.readRemaining()];
            bytes.read(copy);
            return ByteBuffer.wrap(copy);
        }

        @Override
        public void delete() {
            Path dir = file.directory();
            close();
            deleteRecursively(dir);
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                file.close();
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
