package io.kafkalite.txn;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.kafkalite.group.GroupCoordinator;
import io.kafkalite.metadata.BrokerConfig;
import io.kafkalite.metadata.MetadataJournal;
import io.kafkalite.metadata.MetadataJournal.TransactionRecord;
import io.kafkalite.metadata.Topic;
import io.kafkalite.metadata.TopicRegistry;
import io.kafkalite.partition.Partition;
import io.kafkalite.partition.PartitionRegistry;
import io.kafkalite.time.BrokerTimer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction coordinator of this node, with the semantics of Kafka's: one {@link Transaction} per
 * transactional id, producer ids and epochs that fence zombies, partitions and consumer groups joining a
 * transaction, and EndTxn writing a COMMIT or ABORT marker into every partition of the transaction and completing
 * its pending offset commits. Both transaction versions: version 1 (partitions added by AddPartitionsToTxn, the
 * epoch stays for the producer's life) and version 2 (KIP-890: partitions join with the first produce, the epoch is
 * bumped at every transaction end).
 *
 * <p>On one node the coordinator writes the markers itself, within the request: a transaction goes from Ongoing to
 * CompleteCommit or CompleteAbort in one step, journaled before and after, so a broker killed half-way finishes
 * the job when it restarts. Timeouts, recovery and transactional id expiry run on the broker timer. Runs on the
 * broker loop thread only.
 */
public final class TransactionCoordinator implements MetadataJournal.Participant {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionCoordinator.class);
    /** One node is always the coordinator, at one epoch. */
    private static final int COORDINATOR_EPOCH = 0;
    /** The consumer-offsets partition Kafka would add for a group (offsets.topic.num.partitions is 1 here). */
    static final TopicPartition OFFSETS_PARTITION = new TopicPartition("__consumer_offsets", 0);

    private final Map<String, Transaction> transactions = new HashMap<>();
    private final BrokerConfig config;
    private final ProducerIdAllocator producerIds;
    private final TopicRegistry topics;
    private final PartitionRegistry partitions;
    private final GroupCoordinator groups;
    private final MetadataJournal journal;
    private final BrokerTimer timer;

    public TransactionCoordinator(BrokerConfig config, ProducerIdAllocator producerIds, TopicRegistry topics,
                                  PartitionRegistry partitions, GroupCoordinator groups, MetadataJournal journal,
                                  BrokerTimer timer) {
        this.config = config;
        this.producerIds = producerIds;
        this.topics = topics;
        this.partitions = partitions;
        this.groups = groups;
        this.journal = journal;
        this.timer = timer;
    }

    /** A producer id and epoch, or the error that prevented giving one. */
    public record ProducerIdAndEpoch(Errors error, long producerId, short epoch) {
        static ProducerIdAndEpoch failed(Errors error) {
            return new ProducerIdAndEpoch(error, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH);
        }
    }

    // ---------------------------------------------------------------- InitProducerId

    /**
     * InitProducerId with a transactional id: a producer id for a new id; for a known one the epoch is bumped,
     * which fences the previous incarnation, after aborting its open transaction.
     *
     * @param expectedProducerId the id the producer had (KIP-360 recovery), or -1
     * @param expectedEpoch the epoch the producer had, or -1
     */
    public ProducerIdAndEpoch initProducerId(String transactionalId, int timeoutMs, long expectedProducerId,
                                             short expectedEpoch) {
        if (transactionalId.isEmpty()) {
            return ProducerIdAndEpoch.failed(Errors.INVALID_REQUEST);
        }
        if (timeoutMs <= 0 || timeoutMs > config.transactionMaxTimeoutMs()) {
            LOG.info("Refusing transaction.timeout.ms={} of transactional id '{}': the broker allows at most "
                    + "transaction.max.timeout.ms={}", timeoutMs, transactionalId, config.transactionMaxTimeoutMs());
            return ProducerIdAndEpoch.failed(Errors.INVALID_TRANSACTION_TIMEOUT);
        }
        long now = timer.clock().epochMillis();
        Transaction transaction = transactions.get(transactionalId);
        if (transaction == null) {
            transaction = new Transaction(transactionalId, producerIds.allocate(), timeoutMs, now);
            transactions.put(transactionalId, transaction);
        }
        boolean expected = expectedProducerId != RecordBatch.NO_PRODUCER_ID;
        if (expected && !(transaction.producerEpoch == RecordBatch.NO_PRODUCER_EPOCH
                || expectedProducerId == transaction.producerId
                || expectedProducerId == transaction.previousProducerId && isEpochExhausted(expectedEpoch))) {
            return ProducerIdAndEpoch.failed(Errors.PRODUCER_FENCED);
        }
        if (transaction.state == TransactionState.ONGOING) {
            // Fence the producer that left it open (epoch + 1) and abort; the bump below then gives the caller what
            // Kafka's coordinator gives after the client retries its CONCURRENT_TRANSACTIONS answer.
            LOG.info("Aborting the open transaction of {} for a new producer incarnation", transaction);
            abortFenced(transaction);
        }
        try {
            if (transaction.isEpochExhausted() && (!expected || expectedEpoch == transaction.producerEpoch)) {
                transaction.lastProducerEpoch = expected ? transaction.producerEpoch : RecordBatch.NO_PRODUCER_EPOCH;
                transaction.previousProducerId = transaction.producerId;
                transaction.producerId = producerIds.allocate();
                transaction.producerEpoch = 0;
            } else {
                incrementEpoch(transaction, expected ? expectedEpoch : null);
            }
        } catch (ApiException e) {
            return ProducerIdAndEpoch.failed(Errors.forException(e));
        }
        transaction.timeoutMs = timeoutMs;
        transaction.state = TransactionState.EMPTY;
        transaction.partitions.clear();
        transaction.groups.clear();
        transaction.startTimestamp = -1;
        transaction.lastUpdateTimestamp = now;
        persist(transaction);
        scheduleExpiry(transaction);
        LOG.info("Initialized transactional id '{}' with producer id {} and epoch {}", transactionalId,
                transaction.producerId, transaction.producerEpoch);
        return new ProducerIdAndEpoch(Errors.NONE, transaction.producerId, transaction.producerEpoch);
    }

    private static boolean isEpochExhausted(short epoch) {
        return epoch >= Short.MAX_VALUE - 1;
    }

    /** Kafka's epoch rules for a re-initialising producer (KIP-360: a retry of a bump is answered, not bumped again). */
    private static void incrementEpoch(Transaction transaction, Short expectedEpoch) {
        short bumped = (short) (transaction.producerEpoch + 1);
        if (expectedEpoch == null) {
            transaction.producerEpoch = bumped;
            transaction.lastProducerEpoch = RecordBatch.NO_PRODUCER_EPOCH;
        } else if (transaction.producerEpoch == RecordBatch.NO_PRODUCER_EPOCH || expectedEpoch == transaction.producerEpoch) {
            transaction.lastProducerEpoch = transaction.producerEpoch;
            transaction.producerEpoch = bumped;
        } else if (expectedEpoch != transaction.lastProducerEpoch) {
            throw Errors.PRODUCER_FENCED.exception("Producer epoch " + expectedEpoch + " of " + transaction
                    + " is neither its current nor its previous epoch");
        }
    }

    // ---------------------------------------------------------------- joining a transaction

    /**
     * AddPartitionsToTxn, and the implicit add of transaction version 2 (a produce or a transactional offset
     * commit of a partition not yet in the transaction). Starts the transaction when it is idle.
     */
    public Errors addPartitions(String transactionalId, long producerId, short epoch,
                                Collection<TopicPartition> added, boolean epochBumpPerTransaction) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return Errors.INVALID_REQUEST; // as Kafka's coordinator answers, before looking at the producer
        }
        Transaction transaction = transactions.get(transactionalId);
        Errors error = checkProducer(transaction, producerId, epoch);
        if (error != Errors.NONE) {
            return error;
        }
        if (transaction.state == TransactionState.ONGOING && transaction.partitions.containsAll(added)) {
            return Errors.NONE;
        }
        begin(transaction, epochBumpPerTransaction);
        transaction.partitions.addAll(added);
        persist(transaction);
        return Errors.NONE;
    }

    /**
     * AddOffsetsToTxn (and the implicit add of transaction version 2): the group's offset commits join the
     * transaction, so its end completes them.
     */
    public Errors addGroup(String transactionalId, long producerId, short epoch, String groupId,
                           boolean epochBumpPerTransaction) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return Errors.INVALID_REQUEST; // as Kafka's coordinator answers, before looking at the producer
        }
        Transaction transaction = transactions.get(transactionalId);
        Errors error = checkProducer(transaction, producerId, epoch);
        if (error != Errors.NONE) {
            return error;
        }
        if (transaction.state == TransactionState.ONGOING && transaction.groups.contains(groupId)) {
            return Errors.NONE;
        }
        begin(transaction, epochBumpPerTransaction);
        transaction.groups.add(groupId);
        transaction.partitions.add(OFFSETS_PARTITION);
        persist(transaction);
        return Errors.NONE;
    }

    /**
     * Whether a producer may write transactional records to {@code partition} now (transaction version 1: it must
     * have been added). Kafka's answers: INVALID_PRODUCER_ID_MAPPING for an unknown id, PRODUCER_FENCED for
     * another epoch, TRANSACTION_ABORTABLE for a partition not in the transaction.
     */
    public Errors verifyPartition(String transactionalId, long producerId, short epoch, TopicPartition partition) {
        Transaction transaction = transactions.get(transactionalId);
        Errors error = checkProducer(transaction, producerId, epoch);
        if (error != Errors.NONE) {
            return error;
        }
        boolean added = transaction.state == TransactionState.ONGOING && transaction.partitions.contains(partition);
        return added ? Errors.NONE : Errors.TRANSACTION_ABORTABLE;
    }

    /** Whether a transactional offset commit for {@code groupId} belongs to the producer's transaction (version 1). */
    public Errors verifyGroup(String transactionalId, long producerId, short epoch, String groupId) {
        Transaction transaction = transactions.get(transactionalId);
        Errors error = checkProducer(transaction, producerId, epoch);
        if (error != Errors.NONE) {
            return error;
        }
        boolean added = transaction.state == TransactionState.ONGOING && transaction.groups.contains(groupId);
        return added ? Errors.NONE : Errors.TRANSACTION_ABORTABLE;
    }

    private static Errors checkProducer(Transaction transaction, long producerId, short epoch) {
        if (transaction == null || transaction.producerId != producerId) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        if (transaction.producerEpoch != epoch) {
            return Errors.PRODUCER_FENCED;
        }
        return Errors.NONE;
    }

    private void begin(Transaction transaction, boolean epochBumpPerTransaction) {
        long now = timer.clock().epochMillis();
        if (transaction.state != TransactionState.ONGOING) {
            transaction.state = TransactionState.ONGOING;
            transaction.partitions.clear();
            transaction.groups.clear();
            transaction.startTimestamp = now;
            transaction.epochBumpPerTransaction = epochBumpPerTransaction;
            timer.cancel(new ExpiryKey(transaction.transactionalId));
            scheduleTimeout(transaction, transaction.timeoutMs);
        }
        transaction.lastUpdateTimestamp = now;
    }

    // ---------------------------------------------------------------- EndTxn

    /**
     * EndTxn: commits or aborts the open transaction. Version 2 bumps the epoch and answers the producer id and
     * epoch to use next, and tells a retried EndTxn (the previous epoch) from a new one.
     */
    public ProducerIdAndEpoch endTransaction(String transactionalId, long producerId, short epoch, boolean commit,
                                             boolean epochBumpPerTransaction) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return ProducerIdAndEpoch.failed(Errors.INVALID_REQUEST);
        }
        Transaction transaction = transactions.get(transactionalId);
        if (transaction == null) {
            return ProducerIdAndEpoch.failed(Errors.INVALID_PRODUCER_ID_MAPPING);
        }
        return epochBumpPerTransaction
                ? endWithEpochBump(transaction, producerId, epoch, commit)
                : endWithFixedEpoch(transaction, producerId, epoch, commit);
    }

    private ProducerIdAndEpoch endWithFixedEpoch(Transaction transaction, long producerId, short epoch, boolean commit) {
        if (transaction.producerId != producerId) {
            return ProducerIdAndEpoch.failed(Errors.INVALID_PRODUCER_ID_MAPPING);
        }
        if (transaction.producerEpoch != epoch) {
            return ProducerIdAndEpoch.failed(Errors.PRODUCER_FENCED);
        }
        switch (transaction.state) {
            case ONGOING -> {
                complete(transaction, commit, transaction.producerEpoch, RecordBatch.NO_PRODUCER_ID, false);
                return ProducerIdAndEpoch.failed(Errors.NONE);
            }
            case COMPLETE_COMMIT, COMPLETE_ABORT -> {
                // a retry of the EndTxn that ended it is answered again; the other outcome is a state error
                boolean same = (transaction.state == TransactionState.COMPLETE_COMMIT) == commit;
                return ProducerIdAndEpoch.failed(same ? Errors.NONE : Errors.INVALID_TXN_STATE);
            }
            default -> {
                return ProducerIdAndEpoch.failed(Errors.INVALID_TXN_STATE);
            }
        }
    }

    private ProducerIdAndEpoch endWithEpochBump(Transaction transaction, long producerId, short epoch, boolean commit) {
        boolean retryOnOverflow = transaction.previousProducerId == producerId && epoch == Short.MAX_VALUE - 1
                && transaction.producerEpoch == 0;
        boolean retryOnEpochBump = transaction.producerEpoch == epoch + 1;
        boolean retry = retryOnEpochBump || retryOnOverflow;
        if (transaction.producerId != producerId && !retryOnOverflow) {
            return ProducerIdAndEpoch.failed(Errors.INVALID_PRODUCER_ID_MAPPING);
        }
        boolean validEpoch = switch (transaction.state) {
            case ONGOING, EMPTY -> epoch == transaction.producerEpoch;
            case COMPLETE_COMMIT, COMPLETE_ABORT -> retry || epoch == transaction.producerEpoch;
            default -> retryOnEpochBump;
        };
        if (!validEpoch) {
            return ProducerIdAndEpoch.failed(Errors.PRODUCER_FENCED);
        }
        ProducerIdAndEpoch current = new ProducerIdAndEpoch(Errors.NONE, transaction.producerId, transaction.producerEpoch);
        switch (transaction.state) {
            case ONGOING -> {
                return completeWithBump(transaction, commit);
            }
            case COMPLETE_COMMIT -> {
                if (commit) {
                    return retry ? current : ProducerIdAndEpoch.failed(Errors.INVALID_TXN_STATE);
                }
                return retry ? ProducerIdAndEpoch.failed(Errors.INVALID_TXN_STATE) : completeWithBump(transaction, false);
            }
            case COMPLETE_ABORT -> {
                if (!commit) {
                    return retry ? current : completeWithBump(transaction, false);
                }
                return ProducerIdAndEpoch.failed(Errors.INVALID_TXN_STATE);
            }
            case EMPTY -> {
                return commit ? ProducerIdAndEpoch.failed(Errors.INVALID_TXN_STATE) : completeWithBump(transaction, false);
            }
            default -> {
                return ProducerIdAndEpoch.failed(Errors.INVALID_TXN_STATE);
            }
        }
    }

    /** Version 2: markers carry the bumped epoch; an exhausted epoch moves the transactional id to a new producer id. */
    private ProducerIdAndEpoch completeWithBump(Transaction transaction, boolean commit) {
        if (transaction.state != TransactionState.ONGOING) {
            // an abort with nothing open (version 2 allows it) still bumps the epoch
            transaction.startTimestamp = timer.clock().epochMillis();
            transaction.partitions.clear();
            transaction.groups.clear();
        }
        long nextProducerId = transaction.isEpochExhausted() ? producerIds.allocate() : RecordBatch.NO_PRODUCER_ID;
        transaction.epochBumpPerTransaction = true;
        complete(transaction, commit, (short) (transaction.producerEpoch + 1), nextProducerId, false);
        return new ProducerIdAndEpoch(Errors.NONE, transaction.producerId, transaction.producerEpoch);
    }

    /** Fences the producer of an open transaction (epoch + 1) and aborts it, as on a timeout or a re-init. */
    private void abortFenced(Transaction transaction) {
        complete(transaction, false, (short) (transaction.producerEpoch + 1), RecordBatch.NO_PRODUCER_ID, true);
    }

    /**
     * Ends the transaction: journals the prepare state, writes a marker at {@code markerEpoch} into each partition,
     * completes the groups' pending offsets, and journals the completed state with the new epoch (and new
     * producer id when {@code nextProducerId} is set).
     *
     * @param fence the producer is being fenced: under version 1 its old epoch then counts for nothing, so a
     *     re-init naming it is fenced too (Kafka clears the last epoch); version 2 keeps it as the last epoch
     */
    private void complete(Transaction transaction, boolean commit, short markerEpoch, long nextProducerId,
                          boolean fence) {
        long now = timer.clock().epochMillis();
        timer.cancel(new TimeoutKey(transaction.transactionalId));
        transaction.state = commit ? TransactionState.PREPARE_COMMIT : TransactionState.PREPARE_ABORT;
        if (markerEpoch != transaction.producerEpoch) {
            boolean keepLastEpoch = !fence || transaction.epochBumpPerTransaction;
            transaction.lastProducerEpoch = keepLastEpoch ? transaction.producerEpoch : RecordBatch.NO_PRODUCER_EPOCH;
            transaction.producerEpoch = markerEpoch;
        }
        transaction.lastUpdateTimestamp = now;
        persist(transaction);
        writeMarkers(transaction, commit, now);
        if (nextProducerId != RecordBatch.NO_PRODUCER_ID) {
            transaction.previousProducerId = transaction.producerId;
            transaction.producerId = nextProducerId;
            transaction.producerEpoch = 0;
        }
        transaction.state = commit ? TransactionState.COMPLETE_COMMIT : TransactionState.COMPLETE_ABORT;
        transaction.partitions.clear();
        transaction.groups.clear();
        persist(transaction);
        scheduleExpiry(transaction);
        LOG.debug("{} {}", commit ? "Committed" : "Aborted", transaction);
    }

    private void writeMarkers(Transaction transaction, boolean commit, long now) {
        for (TopicPartition tp : transaction.partitions) {
            if (tp.equals(OFFSETS_PARTITION)) {
                continue;
            }
            Topic topic = topics.get(tp.topic());
            if (topic == null || !topic.hasPartition(tp.partition())) {
                continue; // deleted while the transaction was open: nothing left to mark
            }
            Partition partition = partitions.partition(topic, tp.partition());
            try {
                partition.appendTransactionMarker(transaction.producerId, transaction.producerEpoch, COORDINATOR_EPOCH,
                        commit, transaction.epochBumpPerTransaction, now);
            } catch (ApiException e) {
                LOG.warn("Could not write the {} marker of {} to {}: {}", commit ? "COMMIT" : "ABORT", transaction, tp,
                        e.getMessage());
            }
        }
        for (String group : transaction.groups) {
            groups.completeTransaction(group, transaction.producerId, commit);
        }
    }

    // ---------------------------------------------------------------- timers

    private void scheduleTimeout(Transaction transaction, long delayMs) {
        String transactionalId = transaction.transactionalId;
        long producerId = transaction.producerId;
        timer.scheduleAfter(new TimeoutKey(transactionalId), TimeUnit.MILLISECONDS.toNanos(Math.max(0, delayMs)), () -> {
            Transaction current = transactions.get(transactionalId);
            if (current != null && current.producerId == producerId && current.state == TransactionState.ONGOING) {
                LOG.info("Aborting {}: it has been open longer than its transaction.timeout.ms={}", current,
                        current.timeoutMs);
                abortFenced(current);
            }
        });
    }

    private void scheduleExpiry(Transaction transaction) {
        String transactionalId = transaction.transactionalId;
        long expiration = config.transactionalIdExpirationMs();
        long delayMs = Math.max(0, transaction.lastUpdateTimestamp + expiration - timer.clock().epochMillis());
        timer.scheduleAfter(new ExpiryKey(transactionalId), TimeUnit.MILLISECONDS.toNanos(delayMs), () -> {
            Transaction current = transactions.get(transactionalId);
            if (current != null && current.state.isIdle()) {
                transactions.remove(transactionalId);
                journal.transactionalIdExpired(transactionalId);
                LOG.info("Transactional id '{}' expired after transactional.id.expiration.ms={} without a transaction",
                        transactionalId, expiration);
            }
        });
    }

    /**
     * After the journal was replayed: finishes transactions a restart interrupted while their markers were being
     * written, and restarts the timeout of open ones and the expiry of idle ones.
     */
    public void recover() {
        long now = timer.clock().epochMillis();
        for (Transaction transaction : List.copyOf(transactions.values())) {
            switch (transaction.state) {
                case PREPARE_COMMIT, PREPARE_ABORT -> {
                    boolean commit = transaction.state == TransactionState.PREPARE_COMMIT;
                    LOG.info("Completing {} interrupted by a restart", transaction);
                    writeMarkersOfInterrupted(transaction, commit, now);
                    transaction.state = commit ? TransactionState.COMPLETE_COMMIT : TransactionState.COMPLETE_ABORT;
                    transaction.partitions.clear();
                    transaction.groups.clear();
                    persist(transaction);
                    scheduleExpiry(transaction);
                }
                case ONGOING -> scheduleTimeout(transaction, transaction.startTimestamp + transaction.timeoutMs - now);
                default -> scheduleExpiry(transaction);
            }
        }
    }

    /** Writes the markers a restart interrupted, to the partitions where the transaction is still open. */
    private void writeMarkersOfInterrupted(Transaction transaction, boolean commit, long now) {
        for (TopicPartition tp : transaction.partitions) {
            Topic topic = topics.get(tp.topic());
            if (topic != null && topic.hasPartition(tp.partition())) {
                Partition partition = partitions.partition(topic, tp.partition());
                if (partition.hasOpenTransaction(transaction.producerId)) {
                    partition.appendTransactionMarker(transaction.producerId, transaction.producerEpoch,
                            COORDINATOR_EPOCH, commit, transaction.epochBumpPerTransaction, now);
                }
            }
        }
        for (String group : transaction.groups) {
            groups.completeTransaction(group, transaction.producerId, commit);
        }
    }

    // ---------------------------------------------------------------- admin views

    /** A transaction as DescribeTransactions and ListTransactions show it. */
    public record TransactionView(String transactionalId, long producerId, short producerEpoch, String state,
                                  int timeoutMs, long startTimestamp, Set<TopicPartition> partitions) {
    }

    /** The transactional id's current transaction, or null for an unknown id. */
    public TransactionView describe(String transactionalId) {
        Transaction transaction = transactions.get(transactionalId);
        return transaction == null ? null : view(transaction);
    }

    /**
     * ListTransactions: every transactional id matching all given filters (empty filters match everything).
     *
     * @param minDurationMs only transactions that started longer ago than this, or -1
     * @param idPattern a regular expression the transactional id must match, or null
     */
    public List<TransactionView> list(Set<String> states, Set<Long> producerIdFilter, long minDurationMs,
                                      Pattern idPattern) {
        long now = timer.clock().epochMillis();
        List<TransactionView> listed = new ArrayList<>();
        for (Transaction transaction : transactions.values()) {
            if (!states.isEmpty() && !states.contains(transaction.state.kafkaName())
                    || !producerIdFilter.isEmpty() && !producerIdFilter.contains(transaction.producerId)
                    || minDurationMs >= 0 && now - transaction.startTimestamp <= minDurationMs
                    || idPattern != null && !idPattern.matcher(transaction.transactionalId).matches()) {
                continue;
            }
            listed.add(view(transaction));
        }
        return listed;
    }

    private static TransactionView view(Transaction transaction) {
        return new TransactionView(transaction.transactionalId, transaction.producerId, transaction.producerEpoch,
                transaction.state.kafkaName(), transaction.timeoutMs, transaction.startTimestamp,
                Set.copyOf(transaction.partitions));
    }

    // ---------------------------------------------------------------- journal

    private void persist(Transaction transaction) {
        journal.transaction(transaction.toRecord());
    }

    @Override
    public void onTransaction(TransactionRecord record) {
        transactions.put(record.transactionalId(), Transaction.fromRecord(record));
    }

    @Override
    public void onTransactionalIdExpired(String transactionalId) {
        transactions.remove(transactionalId);
    }

    @Override
    public void writeSnapshot(MetadataJournal snapshot) {
        transactions.values().forEach(transaction -> snapshot.transaction(transaction.toRecord()));
    }

    private record TimeoutKey(String transactionalId) {
    }

    private record ExpiryKey(String transactionalId) {
    }
}
