package io.kafkalite.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Measurements that need a fresh JVM, run as child processes of {@link BenchmarkMain}. Each prints one line of
 * {@code key=value} pairs on stdout.
 */
public final class Probes {

    private Probes() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "cold-start" -> coldStart(args[1]);
            case "client-only" -> clientOnly(args[1]);
            case "footprint" -> footprint(args[1]);
            default -> throw new IllegalArgumentException("unknown probe " + args[0]);
        }
    }

    /** Fresh JVM: start() time, start to first acknowledged produce, close time. */
    private static void coldStart(String broker) throws Exception {
        long t0 = System.nanoTime();
        Target target = Target.create(broker);
        target.start();
        long started = System.nanoTime();
        firstProduce(target.bootstrapServers());
        long produced = System.nanoTime();
        target.close();
        long closed = System.nanoTime();
        System.out.printf("startMs=%.3f firstProduceMs=%.3f closeMs=%.3f%n",
                (started - t0) / 1e6, (produced - t0) / 1e6, (closed - produced) / 1e6);
    }

    /** Fresh JVM, broker already running elsewhere: what the client alone costs to its first acknowledged produce. */
    private static void clientOnly(String bootstrap) throws Exception {
        long t0 = System.nanoTime();
        firstProduce(bootstrap);
        System.out.printf("firstProduceMs=%.3f%n", (System.nanoTime() - t0) / 1e6);
    }

    private static void firstProduce(String bootstrap) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            producer.send(new ProducerRecord<>("cold-" + UUID.randomUUID(), new byte[10])).get();
        }
    }

    /** Fresh JVM: heap after GC, RSS and the broker's own threads, idle and after a workload. */
    private static void footprint(String broker) throws Exception {
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        Target target = Target.create(broker);
        target.start();
        settle();
        String idle = measure("idle", threadsBefore);
        try (Admin admin = Clients.admin(target.bootstrapServers())) {
            String topic = "footprint-" + UUID.randomUUID();
            Workloads.produceRate(target.bootstrapServers(), admin, topic, 200_000, 100);
            Workloads.consumeRate(target.bootstrapServers(), topic, 200_000);
        }
        settle();
        String loaded = measure("loaded", threadsBefore);
        target.close();
        System.out.println(idle + " " + loaded);
    }

    private static void settle() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(300); // let client threads wind down and the collector finish; not a measured wait
        }
    }

    private static String measure(String prefix, int threadsBefore) throws IOException {
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount() - threadsBefore;
        return String.format("%sHeapMb=%.2f %sRssMb=%.1f %sThreads=%d", prefix, heap / 1048576.0, prefix,
                rssKb() / 1024.0, prefix, threads);
    }

    static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    static long openFiles() throws IOException {
        try (var files = Files.list(Path.of("/proc/self/fd"))) {
            return files.count();
        }
    }
}
