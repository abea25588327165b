package io.kafkalite.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The main class of a broker JVM: {@code BrokerHost kafkalite|kafka [data-dir=D] [client-listener=NAME]
 * [config:name=value]...}. Starts the broker, prints {@code ready bootstrap=H:P startMs=T} (plus
 * {@code clientBootstrap=H:P}, the address of listener NAME, when clients are to use another listener), then obeys one command per stdin line:
 * {@code stats} (heap after GC and the broker's own threads) and {@code stop}. A closed stdin (the benchmark
 * went away) stops the broker too.
 */
public final class BrokerHost {

    private BrokerHost() {
    }

    public static void main(String[] args) throws Exception {
        Broker broker = Broker.of(args[0]);
        Path dataDirectory = null;
        String clientListener = null;
        Map<String, String> configs = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("data-dir=")) {
                dataDirectory = Path.of(args[i].substring("data-dir=".length()));
            } else if (args[i].startsWith("client-listener=")) {
                clientListener = args[i].substring("client-listener=".length());
            } else if (args[i].startsWith("config:")) {
                String setting = args[i].substring("config:".length());
                configs.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
            }
        }
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        long t0 = System.nanoTime();
        Target target = broker.target(dataDirectory, configs);
        target.start();
        long started = System.nanoTime();
        System.out.printf(Locale.ROOT, "ready bootstrap=%s startMs=%.3f%s%n", target.bootstrapServers(),
                (started - t0) / 1e6,
                clientListener == null ? "" : " clientBootstrap=" + target.bootstrapServers(clientListener));
        System.out.flush();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = commands.readLine()) != null && !command.equals("stop")) {
            if (command.equals("stats")) {
                settle();
                long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                int threads = ManagementFactory.getThreadMXBean().getThreadCount() - threadsBefore;
                System.out.printf(Locale.ROOT, "stats heapMb=%.2f threads=%d%n", heap / 1048576.0, threads);
                System.out.flush();
            }
        }
        long closing = System.nanoTime();
        target.close();
        System.out.printf(Locale.ROOT, "stopped closeMs=%.3f%n", (System.nanoTime() - closing) / 1e6);
        System.out.flush();
        System.exit(0); // the real broker may leave non-daemon threads behind
    }

    /** Lets finished connections' threads end and the collector run, so heap and threads are the broker's own. */
    private static void settle() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(300); // not a measured wait
        }
    }
}
