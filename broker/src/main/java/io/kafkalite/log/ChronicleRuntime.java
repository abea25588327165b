package io.kafkalite.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
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

    /** Every flag Chronicle needs on the JVMs we support (17 to 25); the build and the jar manifest use the same. */
    public static final List<String> JVM_FLAGS = List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED");

    private ChronicleRuntime() {
    }

    /** The flags from {@link #JVM_FLAGS} that Chronicle cannot do without and this JVM was not started with. */
    public static List<String> missingJvmFlags() {
        Module self = ChronicleRuntime.class.getModule();
        Module base = Object.class.getModule();
        List<String> missing = new ArrayList<>();
        if (!base.isOpen("java.lang.reflect", self)) {
            missing.add("--add-opens=java.base/java.lang.reflect=ALL-UNNAMED");
        }
        if (!base.isExported("sun.nio.ch", self)) {
            missing.add("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED");
        }
        if (!base.isExported("jdk.internal.ref", self)) {
            missing.add("--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED");
        }
        if (Runtime.version().feature() >= 21 && !base.isOpen("java.lang", self)) {
            missing.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
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
            scratch = Files.createTempDirectory(dataDirectory, ".warmup");
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
