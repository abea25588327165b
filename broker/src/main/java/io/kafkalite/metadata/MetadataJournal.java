package io.kafkalite.metadata;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.kafkalite.log.EntryStore;
import io.kafkalite.log.Storage;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persisted history of broker metadata: topics, configs, log start offsets, producer id blocks, committed
 * offsets of consumer groups (transactional ones too), the state of transactional ids, SCRAM credentials,
 * ACLs, group configs and the delivery state of share groups' partitions, one event per entry, replayed on start
 * (and by a restart(): a broker in a temporary directory keeps its journal on the heap).
 *
 * <p>The journal is compacted by snapshots: once the events since the last snapshot outnumber what a snapshot
 * would hold, every {@link Participant} writes the events that rebuild its current state into a new generation of
 * the journal, which then takes the events that follow. A marker naming the current generation is replaced
 * atomically once the snapshot is complete, so a crash meanwhile leaves the old generation in charge; the old one is
 * deleted after. Replaying a generation is replaying its snapshot and then its tail, with the same participants.
 */
public final class MetadataJournal implements AutoCloseable {

    /** Directory of the journal's generations in the storage (the data directory, or the heap). */
    public static final String DIRECTORY = "metadata";
    private static final String CURRENT_MARKER = DIRECTORY + "/current";
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
    private static final byte TXN_OFFSET_COMMITTED = 19;
    private static final byte TXN_OFFSETS_COMPLETED = 20;
    // Transaction coordinator events.
    private static final byte TRANSACTION = 24;
    private static final byte TRANSACTIONAL_ID_EXPIRED = 25;
    // Security events.
    private static final byte SCRAM_CREDENTIAL = 32;
    private static final byte SCRAM_CREDENTIAL_DELETED = 33;
    private static final byte ACL_CREATED = 34;
    private static final byte ACL_DELETED = 35;
    // Group configs and share-partition state (what Kafka's share coordinator keeps).
    private static final byte GROUP_CONFIGURED = 40;
    private static final byte SHARE_STATE_INITIALIZED = 41;
    private static final byte SHARE_STATE_WRITTEN = 42;
    private static final byte SHARE_STATE_DELETED = 43;

    private final Storage storage;
    private EntryStore store;
    private int generation;
    private List<Participant> participants = List.of();
    private long eventsSinceSnapshot;
    private long snapshotEvents;
    /** Told (once per snapshot) when one becomes due, so that it is taken between requests soon after. */
    private Runnable onSnapshotDue = () -> { };
    private boolean snapshotRequested;

    private MetadataJournal(Storage storage) {
        this.storage = storage;
    }

    /** A journal that keeps nothing, for unit tests of the subsystems that write to it. */
    public static MetadataJournal none() {
        return new MetadataJournal(null);
    }

    /**
     * Opens the journal in {@code storage}: its current generation, after deleting any other one left behind (the
     * one a snapshot replaced, or the one whose snapshot a crash interrupted).
     */
    public static MetadataJournal open(Storage storage) {
        MetadataJournal journal = new MetadataJournal(storage);
        String current = storage.readMarker(CURRENT_MARKER);
        if (current == null) {
            journal.generation = 1;
            storage.writeMarker(CURRENT_MARKER, "1");
        } else {
            try {
                journal.generation = Integer.parseInt(current.trim());
            } catch (NumberFormatException e) {
                throw new IllegalStateException("The metadata journal's marker " + CURRENT_MARKER + " is damaged ('"
                        + current + "')", e);
            }
        }
        storage.delete(storeName(journal.generation - 1));
        storage.delete(storeName(journal.generation + 1));
        journal.store = storage.open(storeName(journal.generation));
        return journal;
    }

    private static String storeName(int generation) {
        String digits = Integer.toString(generation);
        // zero-padded to ten digits so names sort by generation (by hand: String.format loads java.util.Formatter)
        return DIRECTORY + "/" + "0".repeat(10 - digits.length()) + digits;
    }

    /**
     * Replays every event in order to every participant, and keeps them as what a snapshot is made of: every
     * subsystem whose state lives in the journal must be one of them, or a snapshot would lose its state.
     */
    public void replay(Participant... journalParticipants) {
        this.participants = List.of(journalParticipants);
        if (store == null) {
            return;
        }
        long started = System.nanoTime();
        long[] events = {0};
        store.forEach((sequence, entry) -> {
            byte[] bytes = new byte[entry.remaining()];
            entry.duplicate().get(bytes);
            Consumer<Listener> event;
            try {
                event = decode(new DataInputStream(new ByteArrayInputStream(bytes)));
            } catch (IOException e) {
                throw new UncheckedIOException("metadata journal entry " + sequence + " is unreadable", e);
            }
            for (Participant participant : journalParticipants) {
                event.accept(participant);
            }
            events[0]++;
        });
        eventsSinceSnapshot = events[0];
        if (events[0] > 0) {
            LOG.info("Replayed {} metadata events (generation {}) in {} ms", events[0], generation,
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    /**
     * Asks to be told when a snapshot becomes due; the owner of the broker timer then takes it between requests
     * (a snapshot must not run inside a handler that is half-way through a change).
     */
    public void onSnapshotDue(Runnable callback) {
        this.onSnapshotDue = callback;
    }

    /** Whether the events since the last snapshot are enough that replaying a new one would be shorter. */
    public boolean snapshotDue() {
        return store != null && eventsSinceSnapshot >= Math.max(MIN_EVENTS_BEFORE_SNAPSHOT, snapshotEvents);
    }

    /**
     * Writes a snapshot of every participant's state as a new generation and makes it current, deleting the old
     * one. Call it between requests, when no subsystem is half-way through a change.
     *
     * @throws RuntimeException when the snapshot cannot be written; the current generation stays in charge
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
            for (Participant participant : participants) {
                participant.writeSnapshot(this);
            }
            storage.writeMarker(CURRENT_MARKER, Integer.toString(next));
        } catch (RuntimeException e) {
            store.delete();
            store = previous;
            eventsSinceSnapshot = previousEvents;
            throw e;
        }
        previous.delete();
        generation = next;
        snapshotEvents = eventsSinceSnapshot;
        eventsSinceSnapshot = 0;
        snapshotRequested = false;
        LOG.debug("Metadata journal compacted into generation {}: {} events replaced {} in {} ms", next,
                snapshotEvents, previousEvents, (System.nanoTime() - started) / 1_000_000);
    }

    /** Decodes one event, once, into the call that hands it to a listener (every participant gets the same). */
    private static Consumer<Listener> decode(DataInputStream in) throws IOException {
        byte type = in.readByte();
        switch (type) {
            case CLUSTER_ID -> {
                String clusterId = in.readUTF();
                return listener -> listener.onClusterId(clusterId);
            }
            case TOPIC_CREATED -> {
                String name = in.readUTF();
                Uuid id = new Uuid(in.readLong(), in.readLong());
                int partitions = in.readInt();
                Map<String, String> configs = readMap(in);
                return listener -> listener.onTopicCreated(name, id, partitions, configs);
            }
            case PARTITIONS_ADDED -> {
                String name = in.readUTF();
                int partitionCount = in.readInt();
                return listener -> listener.onPartitionsAdded(name, partitionCount);
            }
            case TOPIC_CONFIGURED -> {
                String name = in.readUTF();
                Map<String, String> configs = readMap(in);
                return listener -> listener.onTopicConfigured(name, configs);
            }
            case TOPIC_DELETED -> {
                String name = in.readUTF();
                return listener -> listener.onTopicDeleted(name);
            }
            case LOG_START_OFFSET -> {
                String name = in.readUTF();
                int partition = in.readInt();
                long offset = in.readLong();
                return listener -> listener.onLogStartOffset(name, partition, offset);
            }
            case PRODUCER_ID_BLOCK -> {
                long nextUnallocated = in.readLong();
                return listener -> listener.onProducerIdBlock(nextUnallocated);
            }
            case OFFSET_COMMITTED -> {
                String group = in.readUTF();
                String topic = in.readUTF();
                int partition = in.readInt();
                long offset = in.readLong();
                int leaderEpoch = in.readInt();
                String metadata = in.readBoolean() ? in.readUTF() : null;
                return listener -> listener.onOffsetCommitted(group, topic, partition, offset, leaderEpoch, metadata);
            }
            case OFFSET_DELETED -> {
                String group = in.readUTF();
                String topic = in.readUTF();
                int partition = in.readInt();
                return listener -> listener.onOffsetDeleted(group, topic, partition);
            }
            case GROUP_OFFSETS_DELETED -> {
                String group = in.readUTF();
                return listener -> listener.onGroupOffsetsDeleted(group);
            }
            case TXN_OFFSET_COMMITTED -> {
                String group = in.readUTF();
                long producerId = in.readLong();
                String topic = in.readUTF();
                int partition = in.readInt();
                long offset = in.readLong();
                int leaderEpoch = in.readInt();
                String metadata = in.readBoolean() ? in.readUTF() : null;
                return listener -> listener.onTransactionalOffsetCommitted(group, producerId, topic, partition, offset,
                        leaderEpoch, metadata);
            }
            case TXN_OFFSETS_COMPLETED -> {
                String group = in.readUTF();
                long producerId = in.readLong();
                boolean committed = in.readBoolean();
                return listener -> listener.onTransactionalOffsetsCompleted(group, producerId, committed);
            }
            case TRANSACTION -> {
                TransactionRecord transaction = readTransaction(in);
                return listener -> listener.onTransaction(transaction);
            }
            case TRANSACTIONAL_ID_EXPIRED -> {
                String transactionalId = in.readUTF();
                return listener -> listener.onTransactionalIdExpired(transactionalId);
            }
            case SCRAM_CREDENTIAL -> {
                String user = in.readUTF();
                byte mechanism = in.readByte();
                byte[] salt = readBytes(in);
                byte[] storedKey = readBytes(in);
                byte[] serverKey = readBytes(in);
                int iterations = in.readInt();
                return listener -> listener.onScramCredential(user, mechanism, salt, storedKey, serverKey, iterations);
            }
            case SCRAM_CREDENTIAL_DELETED -> {
                String user = in.readUTF();
                byte mechanism = in.readByte();
                return listener -> listener.onScramCredentialDeleted(user, mechanism);
            }
            case ACL_CREATED -> {
                AclBinding acl = readAcl(in);
                return listener -> listener.onAclCreated(acl);
            }
            case ACL_DELETED -> {
                AclBinding acl = readAcl(in);
                return listener -> listener.onAclDeleted(acl);
            }
            case GROUP_CONFIGURED -> {
                String group = in.readUTF();
                Map<String, String> configs = readMap(in);
                return listener -> listener.onGroupConfigured(group, configs);
            }
            case SHARE_STATE_INITIALIZED -> {
                String group = in.readUTF();
                String topic = in.readUTF();
                int partition = in.readInt();
                long startOffset = in.readLong();
                return listener -> listener.onShareStateInitialized(group, topic, partition, startOffset);
            }
            case SHARE_STATE_WRITTEN -> {
                String group = in.readUTF();
                String topic = in.readUTF();
                int partition = in.readInt();
                long startOffset = in.readLong();
                List<ShareStateBatch> batches = readShareStateBatches(in);
                return listener -> listener.onShareStateWritten(group, topic, partition, startOffset, batches);
            }
            case SHARE_STATE_DELETED -> {
                String group = in.readUTF();
                String topic = in.readUTF();
                int partition = in.readInt();
                return listener -> listener.onShareStateDeleted(group, topic, partition);
            }
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

    /** Records a transactional offset commit, pending until its transaction ends ({@code metadata} may be null). */
    public void transactionalOffsetCommitted(String group, long producerId, TopicPartition partition, long offset,
                                             int leaderEpoch, String metadata) {
        write(out -> {
            out.writeByte(TXN_OFFSET_COMMITTED);
            out.writeUTF(group);
            out.writeLong(producerId);
            out.writeUTF(partition.topic());
            out.writeInt(partition.partition());
            out.writeLong(offset);
            out.writeInt(leaderEpoch);
            out.writeBoolean(metadata != null);
            if (metadata != null) {
                out.writeUTF(metadata);
            }
        });
    }

    /** Records that a producer's pending transactional offsets of a group became committed, or were dropped. */
    public void transactionalOffsetsCompleted(String group, long producerId, boolean committed) {
        write(out -> {
            out.writeByte(TXN_OFFSETS_COMPLETED);
            out.writeUTF(group);
            out.writeLong(producerId);
            out.writeBoolean(committed);
        });
    }

    /** Records the state of a transactional id after a transition. */
    public void transaction(TransactionRecord transaction) {
        write(out -> {
            out.writeByte(TRANSACTION);
            out.writeUTF(transaction.transactionalId());
            out.writeLong(transaction.producerId());
            out.writeLong(transaction.previousProducerId());
            out.writeShort(transaction.producerEpoch());
            out.writeShort(transaction.lastProducerEpoch());
            out.writeInt(transaction.timeoutMs());
            out.writeUTF(transaction.state());
            out.writeLong(transaction.startTimestamp());
            out.writeLong(transaction.lastUpdateTimestamp());
            out.writeBoolean(transaction.epochBumpPerTransaction());
            out.writeInt(transaction.partitions().size());
            for (TopicPartition partition : transaction.partitions()) {
                out.writeUTF(partition.topic());
                out.writeInt(partition.partition());
            }
            out.writeInt(transaction.groups().size());
            for (String group : transaction.groups()) {
                out.writeUTF(group);
            }
        });
    }

    private static TransactionRecord readTransaction(DataInputStream in) throws IOException {
        String transactionalId = in.readUTF();
        long producerId = in.readLong();
        long previousProducerId = in.readLong();
        short epoch = in.readShort();
        short lastEpoch = in.readShort();
        int timeoutMs = in.readInt();
        String state = in.readUTF();
        long start = in.readLong();
        long lastUpdate = in.readLong();
        boolean epochBump = in.readBoolean();
        int partitionCount = in.readInt();
        List<TopicPartition> partitions = new ArrayList<>(partitionCount);
        for (int i = 0; i < partitionCount; i++) {
            partitions.add(new TopicPartition(in.readUTF(), in.readInt()));
        }
        int groupCount = in.readInt();
        List<String> groups = new ArrayList<>(groupCount);
        for (int i = 0; i < groupCount; i++) {
            groups.add(in.readUTF());
        }
        return new TransactionRecord(transactionalId, producerId, previousProducerId, epoch, lastEpoch, timeoutMs,
                state, start, lastUpdate, epochBump, partitions, groups);
    }

    /** Records that a transactional id was forgotten after {@code transactional.id.expiration.ms}. */
    public void transactionalIdExpired(String transactionalId) {
        write(out -> {
            out.writeByte(TRANSACTIONAL_ID_EXPIRED);
            out.writeUTF(transactionalId);
        });
    }

    /** Records a user's SCRAM credential for a mechanism (Admin's ScramMechanism type byte). */
    public void scramCredential(String user, byte mechanism, byte[] salt, byte[] storedKey, byte[] serverKey,
                                int iterations) {
        write(out -> {
            out.writeByte(SCRAM_CREDENTIAL);
            out.writeUTF(user);
            out.writeByte(mechanism);
            writeBytes(out, salt);
            writeBytes(out, storedKey);
            writeBytes(out, serverKey);
            out.writeInt(iterations);
        });
    }

    public void scramCredentialDeleted(String user, byte mechanism) {
        write(out -> {
            out.writeByte(SCRAM_CREDENTIAL_DELETED);
            out.writeUTF(user);
            out.writeByte(mechanism);
        });
    }

    public void aclCreated(AclBinding acl) {
        write(out -> {
            out.writeByte(ACL_CREATED);
            writeAcl(out, acl);
        });
    }

    public void aclDeleted(AclBinding acl) {
        write(out -> {
            out.writeByte(ACL_DELETED);
            writeAcl(out, acl);
        });
    }

    private static void writeAcl(DataOutputStream out, AclBinding acl) throws IOException {
        out.writeByte(acl.pattern().resourceType().code());
        out.writeUTF(acl.pattern().name());
        out.writeByte(acl.pattern().patternType().code());
        out.writeUTF(acl.entry().principal());
        out.writeUTF(acl.entry().host());
        out.writeByte(acl.entry().operation().code());
        out.writeByte(acl.entry().permissionType().code());
    }

    private static AclBinding readAcl(DataInputStream in) throws IOException {
        ResourcePattern pattern = new ResourcePattern(ResourceType.fromCode(in.readByte()), in.readUTF(),
                PatternType.fromCode(in.readByte()));
        return new AclBinding(pattern, new AccessControlEntry(in.readUTF(), in.readUTF(),
                AclOperation.fromCode(in.readByte()), AclPermissionType.fromCode(in.readByte())));
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return bytes;
    }


    /** Records the configs set on a group (all of them, replacing the previous ones). */
    public void groupConfigured(String group, Map<String, String> configs) {
        write(out -> {
            out.writeByte(GROUP_CONFIGURED);
            out.writeUTF(group);
            writeMap(out, configs);
        });
    }

    /**
     * Records that a share group starts consuming a partition at {@code startOffset} with no record delivered yet
     * (first assignment, or an Admin alterShareGroupOffsets), replacing any earlier state of that share-partition.
     */
    public void shareStateInitialized(String group, String topic, int partition, long startOffset) {
        write(out -> {
            out.writeByte(SHARE_STATE_INITIALIZED);
            out.writeUTF(group);
            out.writeUTF(topic);
            out.writeInt(partition);
            out.writeLong(startOffset);
        });
    }

    /**
     * Records a change of a share-partition's state, as Kafka's WriteShareGroupState does: its start offset and the
     * delivery state and count of the record ranges that changed.
     */
    public void shareStateWritten(String group, String topic, int partition, long startOffset,
                                  List<ShareStateBatch> batches) {
        write(out -> {
            out.writeByte(SHARE_STATE_WRITTEN);
            out.writeUTF(group);
            out.writeUTF(topic);
            out.writeInt(partition);
            out.writeLong(startOffset);
            out.writeInt(batches.size());
            for (ShareStateBatch batch : batches) {
                out.writeLong(batch.firstOffset());
                out.writeLong(batch.lastOffset());
                out.writeByte(batch.deliveryState());
                out.writeShort(batch.deliveryCount());
            }
        });
    }

    private static List<ShareStateBatch> readShareStateBatches(DataInputStream in) throws IOException {
        int count = in.readInt();
        List<ShareStateBatch> batches = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            batches.add(new ShareStateBatch(in.readLong(), in.readLong(), in.readByte(), in.readShort()));
        }
        return batches;
    }

    /** Records that a share group no longer has state for a partition (offsets deleted, group deleted). */
    public void shareStateDeleted(String group, String topic, int partition) {
        write(out -> {
            out.writeByte(SHARE_STATE_DELETED);
            out.writeUTF(group);
            out.writeUTF(topic);
            out.writeInt(partition);
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
        if (!snapshotRequested && snapshotDue()) {
            snapshotRequested = true;
            onSnapshotDue.run();
        }
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
     * A subsystem whose state lives in the journal: it replays the events ({@link Listener}) and, for a snapshot,
     * writes with the journal's ordinary event methods the events that rebuild its current state on a broker that
     * has none: a topic registry one topic-created event per topic, an offset store one offset-committed event per
     * offset, and so on. Replay needs nothing new: a snapshot is events like any other.
     */
    public interface Participant extends Listener {
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

        default void onTransactionalOffsetCommitted(String group, long producerId, String topic, int partition,
                                                    long offset, int leaderEpoch, String metadata) {
        }

        default void onTransactionalOffsetsCompleted(String group, long producerId, boolean committed) {
        }

        default void onTransaction(TransactionRecord transaction) {
        }

        default void onTransactionalIdExpired(String transactionalId) {
        }

        default void onScramCredential(String user, byte mechanism, byte[] salt, byte[] storedKey, byte[] serverKey,
                                       int iterations) {
        }

        default void onScramCredentialDeleted(String user, byte mechanism) {
        }

        default void onAclCreated(AclBinding acl) {
        }

        default void onAclDeleted(AclBinding acl) {
        }

        default void onGroupConfigured(String group, Map<String, String> configs) {
        }

        default void onShareStateInitialized(String group, String topic, int partition, long startOffset) {
        }

        default void onShareStateWritten(String group, String topic, int partition, long startOffset,
                                         List<ShareStateBatch> batches) {
        }

        default void onShareStateDeleted(String group, String topic, int partition) {
        }
    }

    /**
     * The delivery state of the records {@code firstOffset..lastOffset} of a share-partition: Kafka's record state ids
     * (0 available, 2 acknowledged, 4 archived) and how often they were delivered.
     */
    public record ShareStateBatch(long firstOffset, long lastOffset, byte deliveryState, short deliveryCount) {
    }

    /**
     * A transactional id's state as journaled: its producer id and epoch (and the ones before), timeout, state
     * name, the partitions and groups of its transaction, and whether it bumps the epoch at every transaction end
     * (transaction version 2).
     */
    public record TransactionRecord(String transactionalId, long producerId, long previousProducerId,
                                    short producerEpoch, short lastProducerEpoch, int timeoutMs, String state,
                                    long startTimestamp, long lastUpdateTimestamp, boolean epochBumpPerTransaction,
                                    List<TopicPartition> partitions, List<String> groups) {
    }
}
