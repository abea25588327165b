package io.kafkalite.log;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Heap-backed storage: every partition when Chronicle Queue cannot run in this JVM (its module flags are missing),
 * and the metadata journal of a broker in a temporary directory. It behaves exactly like {@link ChronicleStorage}
 * except that nothing survives {@link #close()}; until then, logs and stores opened again find what was stored (a
 * broker restarted in the same JVM recovers from them).
 */
public final class MemoryStorage implements Storage {

    private final Map<String, MemoryEntryStore> stores = new HashMap<>();
    private final Map<String, String> markers = new HashMap<>();
    private HeapBatchStore batches;

    @Override
    public PartitionLogs openPartitionLogs(long segmentBytes) {
        if (batches == null) {
            batches = new HeapBatchStore();
        }
        return new PartitionLogs(batches, null);
    }

    @Override
    public EntryStore open(String name) {
        return stores.computeIfAbsent(name, n -> new MemoryEntryStore(() -> stores.remove(n)));
    }


    @Override
    public void delete(String name) {
        stores.remove(name);
    }

    @Override
    public String readMarker(String name) {
        return markers.get(name);
    }

    @Override
    public void writeMarker(String name, String text) {
        markers.put(name, text);
    }

    /** Lets go of everything stored. */
    @Override
    public void close() {
        stores.clear();
        markers.clear();
        batches = null;
    }

    private static final class MemoryEntryStore implements EntryStore {
        private final List<byte[]> entries = new ArrayList<>();
        private final Runnable onDelete;

        MemoryEntryStore(Runnable onDelete) {
            this.onDelete = onDelete;
        }

        @Override
        public void append(ByteBuffer entry) {
            byte[] copy = new byte[entry.remaining()];
            entry.duplicate().get(copy);
            entries.add(copy);
        }

        @Override
        public void forEach(EntryVisitor visitor) {
            for (int i = 0; i < entries.size(); i++) {
                visitor.visit(i, ByteBuffer.wrap(entries.get(i)).asReadOnlyBuffer());
            }
        }

        @Override
        public void delete() {
            entries.clear();
            onDelete.run();
        }

        @Override
        public void close() {
            // entries stay for the life of the storage, as files would
        }
    }
}
