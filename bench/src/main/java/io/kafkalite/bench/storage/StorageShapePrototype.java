package io.kafkalite.bench.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The prototype behind the storage decision in ARCHITECTURE.md: the two shapes issue 9 names, measured on
 * Chronicle Queue alone (no broker), one record per partition as a test suite writes them.
 *
 * <pre>
 * java $CHRONICLE_FLAGS -cp $(broker runtime classpath) StorageShapePrototype.java queues 2000 100000 65536 test4
 * java $CHRONICLE_FLAGS -cp ... StorageShapePrototype.java queues 10000 256 65536 test4   # bounded open set (LRU)
 * java $CHRONICLE_FLAGS -cp ... StorageShapePrototype.java shared 10000
 * </pre>
 *
 * Prints per-partition first-write times (median, p99), the total, file descriptors, memory maps and RSS after the
 * writes, the disk used, and the time to read every partition back (reopening closed queues).
 */
public final class StorageShapePrototype {

    private static final int RECORD_BYTES = 100;

    public static void main(String[] args) throws IOException {
        System.setProperty("chronicle.announcer.disable", "true");
        System.setProperty("chronicle.disk.monitor.disable", "true");
        System.setProperty("background.releaser", "false");
        System.setProperty("disable.resource.warning", "true");
        System.setProperty("jvm.resource.tracing", "false");
        net.openhft.posix.PosixAPI.useNoOpPosixApi();
        String mode = args[0];
        int partitions = Integer.parseInt(args[1]);
        Path dir = Files.createTempDirectory("storage-shape-");
        warmUp(dir.resolve("warmup"));
        try {
            if (mode.equals("queues")) {
                perPartitionQueues(dir, partitions, Integer.parseInt(args[2]), Long.parseLong(args[3]), rollCycle(args[4]));
            } else {
                sharedLog(dir, partitions);
            }
        } finally {
            deleteRecursively(dir);
        }
    }

    private static RollCycle rollCycle(String name) {
        return switch (name) {
            case "test4" -> TestRollCycles.TEST4_DAILY;
            case "fast" -> RollCycles.FAST_DAILY;
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static void warmUp(Path dir) {
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir).build()) {
            ExcerptAppender appender = queue.createAppender();
            appender.writeBytes(Bytes.from("warm"));
            ExcerptTailer tailer = queue.createTailer();
            try (DocumentContext dc = tailer.readingDocument()) {
                dc.isPresent();
            }
            appender.close();
            tailer.close();
        }
        deleteRecursively(dir);
    }

    /** Shape 1: one queue per partition, at most {@code openLimit} open (least recently used closed). */
    private static void perPartitionQueues(Path dir, int partitions, int openLimit, long blockSize, RollCycle cycle) {
        byte[] record = new byte[RECORD_BYTES];
        long[] firstWrite = new long[partitions];
        ArrayDeque<SingleChronicleQueue> open = new ArrayDeque<>();
        long start = System.nanoTime();
        for (int p = 0; p < partitions; p++) {
            long t0 = System.nanoTime();
            SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir.resolve("p-" + p))
                    .blockSize(blockSize).rollCycle(cycle).checkInterrupts(false).build();
            try (ExcerptAppender appender = queue.createAppender()) {
                try (DocumentContext dc = appender.writingDocument()) {
                    dc.wire().bytes().write(record);
                }
            }
            firstWrite[p] = System.nanoTime() - t0;
            open.addLast(queue);
            if (open.size() > openLimit) {
                open.pollFirst().close();
            }
        }
        long total = System.nanoTime() - start;
        report("per-partition queues (open limit " + openLimit + ", block " + blockSize + ", " + cycle + ")",
                partitions, firstWrite, total, dir);
        open.forEach(SingleChronicleQueue::close);
        open.clear();
        long[] readBack = new long[partitions];
        long readStart = System.nanoTime();
        for (int p = 0; p < partitions; p++) {
            long t0 = System.nanoTime();
            SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir.resolve("p-" + p))
                    .blockSize(blockSize).rollCycle(cycle).checkInterrupts(false).build();
            try (ExcerptTailer tailer = queue.createTailer(); DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent() || dc.wire().bytes().readRemaining() != RECORD_BYTES) {
                    throw new IllegalStateException("partition " + p + " lost its record");
                }
            }
            readBack[p] = System.nanoTime() - t0;
            open.addLast(queue);
            if (open.size() > openLimit) {
                open.pollFirst().close();
            }
        }
        System.out.printf("  read back (reopening): total %.0f ms, median %.3f ms%n",
                (System.nanoTime() - readStart) / 1e6, percentile(readBack, 50) / 1e6);
        open.forEach(SingleChronicleQueue::close);
    }

    /** Shape 2: one shared queue, each entry a 20-byte partition header plus the batch; positions kept in memory. */
    private static void sharedLog(Path dir, int partitions) throws IOException {
        byte[] record = new byte[RECORD_BYTES];
        long[] firstWrite = new long[partitions];
        long[] positions = new long[partitions];
        long start = System.nanoTime();
        SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir.resolve("log"))
                .blockSize(4L << 20).rollCycle(RollCycles.FAST_DAILY).checkInterrupts(false).build();
        ExcerptAppender appender = queue.createAppender();
        for (int p = 0; p < partitions; p++) {
            long t0 = System.nanoTime();
            try (DocumentContext dc = appender.writingDocument()) {
                Bytes<?> bytes = dc.wire().bytes();
                positions[p] = bytes.writePosition();
                bytes.writeLong(p).writeLong(0).writeInt(0).write(record);
            }
            firstWrite[p] = System.nanoTime() - t0;
        }
        long total = System.nanoTime() - start;
        report("shared log", partitions, firstWrite, total, dir);
        // read back every partition's batch by file position, as fetch serves it (pread / sendfile from the file)
        Path file;
        try (Stream<Path> files = Files.list(dir.resolve("log"))) {
            file = files.filter(f -> f.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        long readStart = System.nanoTime();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(20 + RECORD_BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int p = 0; p < partitions; p++) {
                buffer.clear();
                channel.read(buffer, positions[p]);
                if (buffer.getLong(0) != p) {
                    throw new IllegalStateException("partition " + p + " reads another partition's entry");
                }
            }
        }
        System.out.printf("  read back (pread by position): total %.0f ms%n", (System.nanoTime() - readStart) / 1e6);
        appender.close();
        queue.close();
    }

    private static void report(String shape, int partitions, long[] firstWrite, long totalNanos, Path dir) {
        System.out.printf("%s, %d partitions x 1 record of %d B%n", shape, partitions, RECORD_BYTES);
        System.out.printf("  first write: median %.3f ms, p99 %.3f ms; total %.0f ms%n",
                percentile(firstWrite, 50) / 1e6, percentile(firstWrite, 99) / 1e6, totalNanos / 1e6);
        System.out.printf("  fds %d, maps %d, RSS %d MB, disk %d MB%n", count("/proc/self/fd"), lines("/proc/self/maps"),
                rssKb() / 1024, du(dir) >> 20);
    }

    private static long percentile(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)];
    }

    private static long count(String dir) {
        try (Stream<Path> s = Files.list(Path.of(dir))) {
            return s.count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static long lines(String file) {
        try (Stream<String> s = Files.lines(Path.of(file))) {
            return s.count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static long rssKb() {
        try (Stream<String> s = Files.lines(Path.of("/proc/self/status"))) {
            return s.filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).sum();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Allocated bytes (sparse files count what they use). */
    private static long du(Path dir) {
        try {
            Process process = new ProcessBuilder("du", "-sk", dir.toString()).start();
            String out = new String(process.getInputStream().readAllBytes()).trim();
            return Long.parseLong(out.split("\\s+")[0]) * 1024;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
