package io.kafkalite.metadata;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.kafkalite.log.EntryStore;
import io.kafkalite.log.Storage;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persisted history of broker metadata: topics, configs, log start offsets, producer id blocks and committed
 * offsets of consumer groups, one event per entry, replayed on start. A broker without durable storage keeps no
 * journal.
 *
 * <p>The journal is compacted by snapshots: once the events since the last snapshot outnumber what a snapshot
 * would hold, every {@link SnapshotSource} writes the events that rebuild its current state into a new generation
 * of the journal, which then takes the events that follow. A file naming the current generation is replaced
 * atomically once the snapshot is complete, so a crash meanwhile leaves the old generation in charge; the old one is
 * deleted after. Replaying a generation is replaying its snapshot and then its tail, with the same listeners.
 */
public final class MetadataJournal implements AutoCloseable {

    /** Directory of the journal's generations inside the data directory. */
    public static final String DIRECTORY = "metadata";
    private static final String CURRENT_FILE = "current";
    /** A snapshot is due once the events since the last one are at least this many, and more than it held. */
    private static final long MIN_EVENTS_BEFORE_SNAPSHOT = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(MetadataJournal.class);

    private static final byte CLUSTER_ID = 1;
    private static final byte TOPIC_CREATED = 2;
    private static final byte PARTITIONS_ADDED = 3;
    private static final byte TOPIC_CONFIGURED = 4;
    private static final byte TOPIC_DELETED = 5;
    private static final byte LOG_START_OFFSET = 6;
    private static final byte PRODUCER_ID_BLOCK = 7;
    // Group coordinator events (numbered apart so other subsystems can add theirs without clashing).
    private static final byte OFFSET_COMMITTED = 16;
    private static final byte OFFSET_DELETED = 17;
    private static final byte GROUP_OFFSETS_DELETED = 18;

    private final Storage storage;
    private final Path directory;
    private EntryStore store;
    private int generation;
    private List<SnapshotSource> sources = List.of();
    private long eventsSinceSnapshot;
    private long snapshotEvents;

    private MetadataJournal(Storage storage, Path directory) {
        this.storage = storage;
        this.directory = directory;
    }

    /** A journal that keeps nothing, for a broker whose data directory is deleted when it closes. */
    public static MetadataJournal none() {
        return new MetadataJournal(null, null);
    }

    /**
     * Opens the journal under {@code dataDirectory}: the current generation, after deleting any other (an older one
     * a snapshot replaced, or a newer one whose snapshot a crash interrupted).
     */
    public static MetadataJournal open(Storage storage, Path dataDirectory) {
        MetadataJournal journal = new MetadataJournal(storage, dataDirectory.resolve(DIRECTORY));
        try {
            Files.createDirectories(journal.directory);
            Path current = journal.directory.resolve(CURRENT_FILE);
            if (Files.exists(current)) {
                journal.generation = Integer.parseInt(Files.readString(current, StandardCharsets.US_ASCII).trim());
            } else {
                journal.generation = 1;
                journal.writeCurrent(1);
            }
            try (Stream<Path> children = Files.list(journal.directory)) {
                for (Path child : children.toList()) {
                    String name = child.getFileName().toString();
                    if (Files.isDirectory(child) && !name.equals(generationName(journal.generation))) {
                        storage.delete(DIRECTORY + "/" + name);
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new UncheckedIOException("Cannot open the metadata journal in " + journal.directory + ": " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
        journal.store = storage.open(storeName(journal.generation));
        return journal;
    }

    private static String generationName(int generation) {
        return String.format("%010d", generation);
    }

    private static String storeName(int generation) {
        return DIRECTORY + "/" + generationName(generation);
    }

    private void writeCurrent(int current) throws IOException {
        Path temporary = directory.resolve(CURRENT_FILE + ".tmp");
        Files.writeString(temporary, Integer.toString(current), StandardCharsets.US_ASCII);
        Files.move(temporary, directory.resolve(CURRENT_FILE), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Replays every event in order, each to every listener. */
    public void replay(Listener... listeners) {
        if (store == null) {
            return;
        }
        Listener all = fanOut(listeners);
        long[] events = {0};
        store.forEach((sequence, entry) -> {
            byte[] bytes = new byte[entry.remaining()];
            entry.duplicate().get(bytes);
            try {
                read(new DataInputStream(new ByteArrayInputStream(bytes)), all);
            } catch (IOException e) {
                throw new UncheckedIOException("metadata journal entry " + sequence + " is unreadable", e);
            }
            events[0]++;
        });
        eventsSinceSnapshot = events[0];
    }

    /** One listener that passes each event to all of {@code listeners}: every event is decoded once. */
    private static Listener fanOut(Listener... listeners) {
        return (Listener) Proxy.newProxyInstance(Listener.class.getClassLoader(), new Class<?>[] {Listener.class},
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (method.getName()) {
                            case "equals" -> proxy == args[0];
                            case "hashCode" -> System.identityHashCode(proxy);
                            default -> "journal listeners " + List.of(listeners);
                        };
                    }
                    for (Listener listener : listeners) {
                        try {
                            method.invoke(listener, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }
                    return null;
                });
    }

    /** The subsystems whose state a snapshot carries, in the order their events are written. */
    public void snapshotSources(SnapshotSource... snapshotSources) {
        this.sources = List.of(snapshotSources);
    }

    /** Whether the events since the last snapshot are enough that replaying a new one would be shorter. */
    public boolean snapshotDue() {
        return store != null && eventsSinceSnapshot >= Math.max(MIN_EVENTS_BEFORE_SNAPSHOT, snapshotEvents);
    }

    /**
     * Writes a snapshot of every source's state as a new generation and makes it current, deleting the old one.
     * Call it between requests, when no subsystem is half-way through a change.
     *
     * @throws UncheckedIOException when the snapshot cannot be written; the current generation stays in charge
     */
    public void snapshot() {
        if (store == null) {
            return;
        }
        long started = System.nanoTime();
        int next = generation + 1;
        storage.delete(storeName(next));
        EntryStore previous = store;
        long previousEvents = eventsSinceSnapshot;
        store = storage.open(storeName(next));
        eventsSinceSnapshot = 0;
        try {
            for (SnapshotSource source : sources) {
                source.writeSnapshot(this);
            }
            writeCurrent(next);
        } catch (IOException | RuntimeException e) {
            store.delete();
            store = previous;
            eventsSinceSnapshot = previousEvents;
            throw e instanceof UncheckedIOException unchecked ? unchecked
                    : new UncheckedIOException("Cannot write a metadata journal snapshot: " + e.getMessage(),
                            e instanceof IOException io ? io : new IOException(e));
        }
        previous.delete();
        generation = next;
        snapshotEvents = eventsSinceSnapshot;
        eventsSinceSnapshot = 0;
        LOG.debug("Metadata journal compacted into generation {}: {} events replaced {} in {} ms", next,
                snapshotEvents, previousEvents, (System.nanoTime() - started) / 1_000_000);
    }

    private static void read(DataInputStream in, Listener listener) throws IOException {
        byte type = in.readByte();
        switch (type) {
            case CLUSTER_ID -> listener.onClusterId(in.readUTF());
            case TOPIC_CREATED -> listener.onTopicCreated(in.readUTF(), new Uuid(in.readLong(), in.readLong()),
                    in.readInt(), readMap(in));
            case PARTITIONS_ADDED -> listener.onPartitionsAdded(in.readUTF(), in.readInt());
            case TOPIC_CONFIGURED -> listener.onTopicConfigured(in.readUTF(), readMap(in));
            case TOPIC_DELETED -> listener.onTopicDeleted(in.readUTF());
            case LOG_START_OFFSET -> listener.onLogStartOffset(in.readUTF(), in.readInt(), in.readLong());
            case PRODUCER_ID_BLOCK -> listener.onProducerIdBlock(in.readLong());
            case OFFSET_COMMITTED -> listener.onOffsetCommitted(in.readUTF(), in.readUTF(), in.readInt(), in.readLong(),
                    in.readInt(), in.readBoolean() ? in.readUTF() : null);
            case OFFSET_DELETED -> listener.onOffsetDeleted(in.readUTF(), in.readUTF(), in.readInt());
            case GROUP_OFFSETS_DELETED -> listener.onGroupOffsetsDeleted(in.readUTF());
            default -> throw new IOException("unknown metadata event type " + type
                    + ": the data directory was written by a newer Kafkalite");
        }
    }

    public void clusterId(String clusterId) {
        write(out -> {
            out.writeByte(CLUSTER_ID);
            out.writeUTF(clusterId);
        });
    }

    void topicCreated(Topic topic) {
        write(out -> {
            out.writeByte(TOPIC_CREATED);
            out.writeUTF(topic.name());
            out.writeLong(topic.id().getMostSignificantBits());
            out.writeLong(topic.id().getLeastSignificantBits());
            out.writeInt(topic.partitionCount());
            writeMap(out, topic.configOverrides());
        });
    }

    void partitionsAdded(String topic, int partitionCount) {
        write(out -> {
            out.writeByte(PARTITIONS_ADDED);
            out.writeUTF(topic);
            out.writeInt(partitionCount);
        });
    }

    void topicConfigured(String topic, Map<String, String> overrides) {
        write(out -> {
            out.writeByte(TOPIC_CONFIGURED);
            out.writeUTF(topic);
            writeMap(out, overrides);
        });
    }

    void topicDeleted(String topic) {
        write(out -> {
            out.writeByte(TOPIC_DELETED);
            out.writeUTF(topic);
        });
    }

    /** Records a partition's new log start offset. */
    public void logStartOffset(String topic, int partition, long offset) {
        write(out -> {
            out.writeByte(LOG_START_OFFSET);
            out.writeUTF(topic);
            out.writeInt(partition);
            out.writeLong(offset);
        });
    }

    /** Records that producer ids below {@code nextUnallocated} may have been handed out. */
    public void producerIdBlock(long nextUnallocated) {
        write(out -> {
            out.writeByte(PRODUCER_ID_BLOCK);
            out.writeLong(nextUnallocated);
        });
    }

    /** Records a committed offset of a group ({@code metadata} may be null). */
    public void offsetCommitted(String group, String topic, int partition, long offset, int leaderEpoch, String metadata) {
        write(out -> {
            out.writeByte(OFFSET_COMMITTED);
            out.writeUTF(group);
            out.writeUTF(topic);
            out.writeInt(partition);
            out.writeLong(offset);
            out.writeInt(leaderEpoch);
            out.writeBoolean(metadata != null);
            if (metadata != null) {
                out.writeUTF(metadata);
            }
        });
    }

    public void offsetDeleted(String group, String topic, int partition) {
        write(out -> {
            out.writeByte(OFFSET_DELETED);
            out.writeUTF(group);
            out.writeUTF(topic);
            out.writeInt(partition);
        });
    }

    /** Records that a group was deleted with all its committed offsets. */
    public void groupOffsetsDeleted(String group) {
        write(out -> {
            out.writeByte(GROUP_OFFSETS_DELETED);
            out.writeUTF(group);
        });
    }

    private void write(EventWriter writer) {
        if (store == null) {
            return;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        store.append(ByteBuffer.wrap(bytes.toByteArray()));
        eventsSinceSnapshot++;
    }

    private static void writeMap(DataOutputStream out, Map<String, String> map) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<String, String> e : map.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
    }

    private static Map<String, String> readMap(DataInputStream in) throws IOException {
        int size = in.readInt();
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            map.put(in.readUTF(), in.readUTF());
        }
        return map;
    }

    @Override
    public void close() {
        if (store != null) {
            store.close();
        }
    }

    @FunctionalInterface
    private interface EventWriter {
        void write(DataOutputStream out) throws IOException;
    }

    /**
     * A subsystem whose state lives in the journal. For a snapshot it writes, with the journal's ordinary event
     * methods, the events that rebuild its current state on a broker that has none: a topic registry one
     * topic-created event per topic, an offset store one offset-committed event per offset, and so on. Replay then
     * needs nothing new: the snapshot is events like any other.
     */
    @FunctionalInterface
    public interface SnapshotSource {
        void writeSnapshot(MetadataJournal snapshot);
    }

    /** Receives replayed events; each method defaults to ignoring its event. */
    public interface Listener {
        default void onClusterId(String clusterId) {
        }

        default void onTopicCreated(String name, Uuid id, int partitions, Map<String, String> configs) {
        }

        default void onPartitionsAdded(String name, int partitionCount) {
        }

        default void onTopicConfigured(String name, Map<String, String> configs) {
        }

        default void onTopicDeleted(String name) {
        }

        default void onLogStartOffset(String name, int partition, long offset) {
        }

        default void onProducerIdBlock(long nextUnallocated) {
        }

        default void onOffsetCommitted(String group, String topic, int partition, long offset, int leaderEpoch,
                                       String metadata) {
        }

        default void onOffsetDeleted(String group, String topic, int partition) {
        }

        default void onGroupOffsetsDeleted(String group) {
        }
    }
}
