package io.kafkalite.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import net.openhft.posix.PosixAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Chronicle Queue needs from the JVM, and the settings that keep it quiet: no announcer banner, no
 * disk-space monitor or background releaser threads. (Analytics are excluded from the dependency tree.)
 */
public final class ChronicleRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(ChronicleRuntime.class);

    /**
     * The JVM flags Chronicle Queue needs for what Kafkalite does with it (map queue files, release them, keep them
     * open when a thread is interrupted), the same on Java 17, 21 and 25. This is the one list: the build's
     * {@code argLine}, the standalone jar's manifest and the README copy it, and a test checks that they agree.
     */
    public static final List<String> JVM_FLAGS = List.of(
            // FileChannelImpl.map0 / UnixFileDispatcherImpl.map0 map the queue files (without: read-only queues)
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            // jdk.internal.ref.Cleaner releases mapped buffers when a queue closes
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            // keeps a queue's file channel open when the thread using it is interrupted
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED");

    /**
     * Flags that only Java 23 and later know (Java 17 to 22 refuse to start with them): they silence the
     * "terminally deprecated method in sun.misc.Unsafe has been called" warning that Chronicle and Agrona trigger
     * on Java 24+. The jar manifest cannot carry them, so they go on the command line.
     */
    public static final List<String> JAVA_23_PLUS_FLAGS = List.of("--sun-misc-unsafe-memory-access=allow");

    private ChronicleRuntime() {
    }

    /**
     * The flags of {@link #JVM_FLAGS} this JVM was not started with (nor given through the jar manifest).
     *
     * @return the missing flags, empty when Chronicle can run
     */
    public static List<String> missingJvmFlags() {
        Module self = ChronicleRuntime.class.getModule();
        List<String> missing = new ArrayList<>();
        for (String flag : JVM_FLAGS) {
            // --add-exports=module/package=ALL-UNNAMED or --add-opens=module/package=ALL-UNNAMED
            String[] option = flag.split("=", 3);
            String[] target = option[1].split("/", 2);
            Module module = ModuleLayer.boot().findModule(target[0]).orElse(null);
            boolean granted = module != null && (option[0].equals("--add-opens")
                    ? module.isOpen(target[1], self)
                    : module.isExported(target[1], self));
            if (!granted) {
                missing.add(flag);
            }
        }
        return missing;
    }

    /** Sets Chronicle's switches unless the user chose otherwise; must run before Chronicle classes load. */
    public static void configure() {
        setDefault("chronicle.announcer.disable", "true");
        setDefault("chronicle.disk.monitor.disable", "true");
        setDefault("background.releaser", "false");
        setDefault("disable.resource.warning", "true");
        setDefault("jvm.resource.tracing", "false");
        // Chronicle's native POSIX bindings (jnr-ffi) only tune what a queue does (preallocation, affinity); the
        // pure-Java fallback keeps behaviour, saves ~0.1 s of first-use class loading and needs no native access.
        PosixAPI.useNoOpPosixApi();
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /**
     * Loads Chronicle's classes by writing, reading and sending one entry in a scratch log under
     * {@code dataDirectory}, so that the first partition written later does not pay ~0.6 s of class loading on the
     * broker thread.
     */
    public static void warmUp(Path dataDirectory) {
        Path scratch = null;
        try {
            scratch = DataDirectory.createTemporary(dataDirectory, ".warmup");
            PartitionLogs logs = new ChronicleStorage(scratch).openPartitionLogs(1 << 20);
            try (logs) {
                logs.recover(key -> 0);
                BatchStore store = logs.store();
                PartitionKey key = new PartitionKey(org.apache.kafka.common.Uuid.ZERO_UUID, 0);
                long address = store.append(key, ByteBuffer.wrap(new byte[] {1, 2, 3}));
                store.view(address, 3).get();
                store.records(new long[] {address}, new int[] {3}, 1).toSend();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("Chronicle warm-up failed; the first partition will load Chronicle instead", e);
        } finally {
            if (scratch != null) {
                ChronicleStorage.deleteRecursively(scratch);
            }
        }
    }
}
