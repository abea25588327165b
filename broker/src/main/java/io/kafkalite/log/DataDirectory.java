package io.kafkalite.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A data directory claimed by one broker: locked (a second broker on the same directory would corrupt it) and
 * marked with the layout of its files, so that a directory written in another layout is refused with a clear
 * message instead of being misread.
 */
public final class DataDirectory implements AutoCloseable {

    private static final String LOCK_FILE = ".lock";
    private static final String FORMAT_FILE = "kafkalite.format";
    /** 2: every partition in one shared log ({@code log/}), the journal in generations ({@code metadata/}). */
    private static final String FORMAT = "2";
    /** What the first layout (one Chronicle queue per partition) left at the top of the directory. */
    private static final String FIRST_LAYOUT_JOURNAL = "__kafkalite_metadata";

    private final Path path;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDirectory(Path path, FileChannel lockChannel, FileLock lock) {
        this.path = path;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Creates a new empty directory under {@code parent}, named {@code prefix} and a random number, readable by this
     * user only where the file system has POSIX permissions, as {@link Files#createTempDirectory} does. Unlike that,
     * the name comes from {@link ThreadLocalRandom}, not a {@code SecureRandom} (whose first use costs a fresh JVM
     * ~15 ms): creating the directory fails if the name exists, so a guessed name cannot be planted, only collide.
     *
     * @throws IOException when {@code parent} does not take a new directory
     */
    public static Path createTemporary(Path parent, String prefix) throws IOException {
        boolean posix = parent.getFileSystem().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] ownerOnly = posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE))}
                : new FileAttribute<?>[0];
        while (true) {
            Path candidate = parent.resolve(prefix + Long.toUnsignedString(ThreadLocalRandom.current().nextLong()));
            try {
                return Files.createDirectory(candidate, ownerOnly);
            } catch (FileAlreadyExistsException e) {
                // another name then
            }
        }
    }

    /**
     * Locks {@code path} (which must exist) for this broker and checks or writes its layout marker.
     *
     * @throws IllegalStateException when another broker holds the directory or it was written in another layout
     * @throws UncheckedIOException when the directory cannot be written
     */
    public static DataDirectory claim(Path path) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalStateException("Data directory " + path + " is in use by another Kafkalite broker; "
                        + "give each broker a directory of its own");
            }
            checkFormat(path);
            return new DataDirectory(path, channel, lock);
        } catch (IOException e) {
            close(channel);
            throw new UncheckedIOException("Cannot use data directory " + path + ": " + e.getMessage()
                    + " (it must be writable by the user running the broker)", e);
        } catch (RuntimeException e) {
            close(channel);
            throw e;
        }
    }

    private static void checkFormat(Path path) throws IOException {
        Path marker = path.resolve(FORMAT_FILE);
        if (Files.exists(marker)) {
            String format = Files.readString(marker, StandardCharsets.US_ASCII).trim();
            if (!format.equals(FORMAT)) {
                throw new IllegalStateException("Data directory " + path + " has storage format " + format
                        + "; this Kafkalite reads format " + FORMAT + ". Use the Kafkalite version that wrote it, "
                        + "or an empty directory");
            }
            return;
        }
        if (Files.exists(path.resolve(FIRST_LAYOUT_JOURNAL))) {
            throw new IllegalStateException("Data directory " + path + " was written by an earlier Kafkalite that kept "
                    + "one queue per partition; this version keeps all partitions in one shared log and cannot read "
                    + "it. Start with an empty data directory");
        }
        Files.writeString(marker, FORMAT + "\n", StandardCharsets.US_ASCII);
    }

    public Path path() {
        return path;
    }

    /** Releases the lock. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // the channel's close below releases it too
        }
        close(lockChannel);
    }

    private static void close(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }
}
