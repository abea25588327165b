package io.kafkalite.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the operating system says about a process (Linux {@code /proc}): CPU time, resident memory, open files.
 * Read from outside the process, so a broker that has run out of file descriptors can still be measured.
 */
final class OsProcess {

    /** /proc reports CPU time in USER_HZ ticks, which Linux fixes at 100 per second for user space. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private OsProcess() {
    }

    /** User plus system CPU time of every thread the process ever ran, in nanoseconds (10 ms resolution). */
    private static long tickCpuNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // the command name (field 2) may hold spaces: count fields from the ')' that closes it
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long utime = Long.parseLong(fields[11]); // field 14
        long stime = Long.parseLong(fields[12]); // field 15
        return (utime + stime) * NANOS_PER_TICK;
    }

    /**
     * CPU time each live thread of the process has used, in nanoseconds, by thread id: the scheduler's own count
     * ({@code /proc/<pid>/task/<tid>/schedstat}, first field), exact where {@link #tickCpuNanos} rounds to 10 ms.
     * A thread that ends while it is read is left out.
     */
    private static Map<String, Long> threadCpuNanos(long pid) throws IOException {
        Map<String, Long> threads = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String schedstat = Files.readString(task.resolve("schedstat"));
                    threads.put(task.getFileName().toString(),
                            Long.parseLong(schedstat.substring(0, schedstat.indexOf(' '))));
                } catch (NoSuchFileException ended) {
                    // the thread ended between listing and reading
                }
            }
        }
        return threads;
    }

    /**
     * A process's CPU time for measuring parts of a run: each reading adds what the process used since the one
     * before, from its threads' exact counts when every thread is accounted for, else from the process's 10 ms ticks
     * (which also count threads that have ended). A broker's threads live as long as it does, so its figures are
     * exact; a client that closes a producer in between falls back to ticks for that part.
     */
    static final class CpuClock {

        private final long pid;
        private long tickNanos;
        private Map<String, Long> threadNanos;
        private long total;

        CpuClock(long pid) {
            this.pid = pid;
        }

        /** CPU time used since this clock's first reading (0 at the first), in nanoseconds. */
        synchronized long nanos() throws IOException {
            long ticks = tickCpuNanos(pid);
            Map<String, Long> threads = threadCpuNanos(pid);
            if (threadNanos != null) {
                long byTicks = ticks - tickNanos;
                long byThreads = usedSince(threadNanos, threads);
                // a thread gone since the last reading, or one that came and went in between (the ticks then
                // count more than rounding explains), took time the live threads' counts no longer show
                boolean allSeen = threads.keySet().containsAll(threadNanos.keySet())
                        && byTicks - byThreads <= 2 * NANOS_PER_TICK;
                total += allSeen ? byThreads : byTicks;
            }
            tickNanos = ticks;
            threadNanos = threads;
            return total;
        }

        /** What the threads of {@code after} used since {@code before}; a thread new since then, all of its time. */
        private static long usedSince(Map<String, Long> before, Map<String, Long> after) {
            long used = 0;
            for (Map.Entry<String, Long> thread : after.entrySet()) {
                used += thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
            }
            return used;
        }
    }

    static double rssMb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid + "/status");
    }

    static long openFiles(long pid) throws IOException {
        try (Stream<Path> files = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return files.count();
        }
    }
}
