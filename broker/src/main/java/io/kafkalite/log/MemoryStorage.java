package io.kafkalite.log;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Heap-backed storage used when Chronicle Queue cannot run in this JVM (its module flags are missing). It
 * behaves exactly like {@link ChronicleStorage} except that nothing survives {@link #close()}.
 */
public final class MemoryStorage implements Storage {

    private final Map<String, MemoryEntryStore> stores = new HashMap<>();

    @Override
    public PartitionLogs openPartitionLogs(long segmentBytes) {
        return new PartitionLogs(new HeapBatchStore(), null);
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
    public void close() {
        stores.clear();
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
