package io.kafkalite.log;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a failed write to the data directory into the {@link KafkaStorageException} a producer gets
 * ({@code KAFKA_STORAGE_ERROR}), saying what ran out and what to do, and logs it (once a minute per kind, not once
 * per refused batch). The broker keeps serving: reads, groups and metadata are unaffected, and appends succeed
 * again once the cause is gone.
 */
public final class StorageFailures {

    private static final Logger LOG = LoggerFactory.getLogger(StorageFailures.class);
    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final long[] lastLogged = new long[Kind.values().length];
    private final long minFreeBytes;

    /** @param minFreeBytes the free space appends leave alone ({@code kafkalite.log.min.free.bytes}) */
    public StorageFailures(long minFreeBytes) {
        this.minFreeBytes = minFreeBytes;
    }

    /** What went wrong with the data directory. */
    public enum Kind { DISK_FULL, FILE_DESCRIPTORS, NOT_WRITABLE, OTHER }

    /** The exception for a failed append to {@code directory}, logged. */
    public KafkaStorageException writeFailed(Path directory, Throwable cause) {
        if (cause instanceof KafkaStorageException storage) {
            return storage;
        }
        Kind kind = classify(cause);
        String message = switch (kind) {
            case DISK_FULL -> "The disk holding " + directory + " is full: " + (freeBytes(directory) >> 20)
                    + " MiB free, of which the broker keeps " + (minFreeBytes >> 20) + " MiB (kafkalite.log.min.free.bytes) "
                    + "for offset commits and the bookkeeping that frees space. Free space there, lower retention.ms or "
                    + "retention.bytes, or delete topics; appends succeed again as soon as there is room.";
            case FILE_DESCRIPTORS -> "The broker ran out of file descriptors (" + descriptors() + "): raise the limit "
                    + "(ulimit -n) or close idle client connections. Appends succeed again once descriptors are free.";
            case NOT_WRITABLE -> "The data directory " + directory + " is not writable (" + cause.getMessage()
                    + "): make it writable by the user running the broker.";
            case OTHER -> "Writing to " + directory + " failed (" + cause + "): check that the data directory is a "
                    + "writable directory on a healthy disk.";
        };
        log(kind, message, cause);
        return new KafkaStorageException(message, cause);
    }

    private void log(Kind kind, String message, Throwable cause) {
        long now = System.nanoTime();
        if (lastLogged[kind.ordinal()] == 0 || now - lastLogged[kind.ordinal()] > LOG_EVERY_NANOS) {
            lastLogged[kind.ordinal()] = now;
            LOG.error("{} Producers get KAFKA_STORAGE_ERROR meanwhile; everything acknowledged is kept.", message, cause);
        }
    }

    static Kind classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
                return Kind.DISK_FULL;
            }
            if (message.contains("Too many open files")) {
                return Kind.FILE_DESCRIPTORS;
            }
            if (t instanceof AccessDeniedException || message.contains("Permission denied")
                    || message.contains("Read-only file system")) {
                return Kind.NOT_WRITABLE;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Kind.OTHER;
    }

    private static long freeBytes(Path directory) {
        try {
            return Files.getFileStore(directory).getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    private static String descriptors() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getOpenFileDescriptorCount() + " open of a limit of " + unix.getMaxFileDescriptorCount();
        }
        return "limit unknown";
    }
}
