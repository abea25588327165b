package io.kafkalite.api;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.kafkalite.metadata.Topic;
import io.kafkalite.partition.AbortedTransaction;
import io.kafkalite.partition.Partition;
import io.kafkalite.partition.PartitionListener;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Fetch, with long polling: a fetch that finds fewer than {@code min_bytes} is parked on the partitions it reads
 * until an append (or a transaction marker moving the last stable offset) gives it enough, or {@code max_wait_ms}
 * passes (in real time, also on a manual broker clock: see {@link io.kafkalite.time.BrokerTimer}). Stored batches are returned byte for byte; read_committed fetches stop at the last
 * stable offset and get the aborted transactions among the batches.
 *
 * <p>Fetch sessions (KIP-227) are not kept: every response carries session id 0, which tells clients to send
 * full fetch requests, as a Kafka broker with a full session cache does. An incremental request (an epoch other
 * than 0, a new session, or -1, none) names a session this broker never made: FETCH_SESSION_ID_NOT_FOUND, as Kafka
 * answers it, after which a client starts over with a full request.
 */
final class FetchHandler implements ApiHandler {

    /** The session epoch of a request that opens a session, and of one that uses none (KIP-227). */
    private static final int NEW_SESSION_EPOCH = 0;
    private static final int NO_SESSION_EPOCH = -1;

    private final BrokerState state;
    private final Set<ParkedFetch> parked = new LinkedHashSet<>();

    FetchHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(ApiRequest request) {
        FetchRequestData data = request.data();
        if (data.sessionEpoch() != NEW_SESSION_EPOCH && data.sessionEpoch() != NO_SESSION_EPOCH) {
            request.respond(new FetchResponseData().setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code()).setSessionId(0));
            return;
        }
        if (!tryComplete(request, data, false)) {
            park(request, data);
        }
    }

    private void park(ApiRequest request, FetchRequestData data) {
        List<Partition> watched = new ArrayList<>();
        for (FetchTopic fetchTopic : data.topics()) {
            Topic topic = resolve(fetchTopic);
            for (FetchPartition fp : fetchTopic.partitions()) {
                watched.add(state.partition(topic, fp.partition())); // tryComplete answered any unknown partition
            }
        }
        ParkedFetch fetch = new ParkedFetch(request, data, watched);
        parked.add(fetch);
        watched.forEach(p -> p.addListener(fetch));
        state.timer().scheduleAfterRealTime(fetch, TimeUnit.MILLISECONDS.toNanos(data.maxWaitMs()), () -> {
            fetch.unpark();
            if (!request.isDisconnected()) {
                tryComplete(request, data, true);
            }
        });
    }

    /**
     * Answers now the parked fetches of a client that is leaving its group. A consumer's close() sends
     * LeaveGroup on its coordinator connection while its last long poll is parked on another; Kafka lets that
     * poll run out ({@code fetch.max.wait.ms}, 500 ms by default, per consumer closed). Answering early is
     * always allowed: the fetch returns what there is, possibly nothing.
     */
    void completeParkedFetchesOf(String clientId, String host) {
        for (ParkedFetch fetch : List.copyOf(parked)) {
            ApiRequest request = fetch.request;
            if (request.clientId().equals(clientId) && request.clientHost().equals(host)) {
                fetch.unpark();
                if (!request.isDisconnected()) {
                    tryComplete(request, fetch.data, true);
                }
            }
        }
    }

    /**
     * Answers the fetch if it has enough data, an error, or no more time; returns whether it answered. A fetch
     * naming no partitions (a consumer closing its fetch session) is answered at once, as Kafka does: otherwise
     * the consumer's close() would wait out a second long poll.
     */
    private boolean tryComplete(ApiRequest request, FetchRequestData data, boolean expired) {
        if (!expired && data.maxWaitMs() > 0 && !data.topics().isEmpty() && !hasError(request, data)
                && availableBytes(data) < data.minBytes()) {
            return false;
        }
        request.respond(read(request, data));
        return true;
    }

    private FetchResponseData read(ApiRequest request, FetchRequestData data) {
        boolean readCommitted = data.isolationLevel() == IsolationLevel.READ_COMMITTED.id();
        int remaining = data.maxBytes();
        List<FetchableTopicResponse> topics = new ArrayList<>(data.topics().size());
        for (FetchTopic fetchTopic : data.topics()) {
            Topic topic = resolve(fetchTopic);
            List<PartitionData> partitions = new ArrayList<>(fetchTopic.partitions().size());
            for (FetchPartition fp : fetchTopic.partitions()) {
                PartitionData pd = new PartitionData()
                        .setPartitionIndex(fp.partition())
                        .setRecords(MemoryRecords.EMPTY);
                Errors error = check(request, fetchTopic, topic, fp);
                if (error != Errors.NONE) {
                    partitions.add(pd.setErrorCode(error.code()).setHighWatermark(-1).setLastStableOffset(-1).setLogStartOffset(-1));
                    continue;
                }
                Partition partition = state.partition(topic, fp.partition());
                pd.setHighWatermark(partition.highWatermark())
                        .setLastStableOffset(partition.lastStableOffset())
                        .setLogStartOffset(partition.logStartOffset());
                boolean firstData = remaining == data.maxBytes();
                Partition.FetchedRecords fetched = partition.read(fp.fetchOffset(),
                        Math.min(remaining, fp.partitionMaxBytes()), firstData, readCommitted);
                remaining -= fetched.records().sizeInBytes();
                pd.setRecords(fetched.records());
                if (readCommitted) {
                    pd.setAbortedTransactions(abortedTransactions(fetched.abortedTransactions()));
                }
                partitions.add(pd);
            }
            topics.add(new FetchableTopicResponse()
                    .setTopic(fetchTopic.topic())
                    .setTopicId(fetchTopic.topicId())
                    .setPartitions(partitions));
        }
        return new FetchResponseData().setErrorCode(Errors.NONE.code()).setSessionId(0).setResponses(topics);
    }

    private static List<FetchResponseData.AbortedTransaction> abortedTransactions(List<AbortedTransaction> aborted) {
        List<FetchResponseData.AbortedTransaction> result = new ArrayList<>(aborted.size());
        for (AbortedTransaction transaction : aborted) {
            result.add(new FetchResponseData.AbortedTransaction()
                    .setProducerId(transaction.producerId())
                    .setFirstOffset(transaction.firstOffset()));
        }
        return result;
    }

    private Topic resolve(FetchTopic fetchTopic) {
        return fetchTopic.topic() == null || fetchTopic.topic().isEmpty()
                ? state.topics().get(fetchTopic.topicId()) : state.topics().get(fetchTopic.topic());
    }

    private Errors check(ApiRequest request, FetchTopic fetchTopic, Topic topic, FetchPartition fp) {
        boolean byId = fetchTopic.topic() == null || fetchTopic.topic().isEmpty();
        if (topic == null && byId) {
            return Errors.UNKNOWN_TOPIC_ID;
        }
        // READ before existence: an unauthorized principal learns nothing about other topics
        if (!state.authorization().allows(request, AclOperation.READ, ResourceType.TOPIC,
                byId ? topic.name() : fetchTopic.topic())) {
            return Errors.TOPIC_AUTHORIZATION_FAILED;
        }
        ApiException injected = request.injectedError(topic == null ? fetchTopic.topic() : topic.name(), fp.partition());
        if (injected != null) {
            return Errors.forException(injected); // test control fails this partition
        }
        if (topic == null) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        if (!topic.hasPartition(fp.partition())) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        if (fp.currentLeaderEpoch() > 0) {
            return Errors.UNKNOWN_LEADER_EPOCH;
        }
        Partition partition = state.partition(topic, fp.partition());
        long fetchOffset = fp.fetchOffset();
        if (fetchOffset < partition.logStartOffset() || fetchOffset > partition.highWatermark()) {
            return Errors.OFFSET_OUT_OF_RANGE;
        }
        return Errors.NONE;
    }

    private boolean hasError(ApiRequest request, FetchRequestData data) {
        for (FetchTopic fetchTopic : data.topics()) {
            Topic topic = resolve(fetchTopic);
            for (FetchPartition fp : fetchTopic.partitions()) {
                if (check(request, fetchTopic, topic, fp) != Errors.NONE) {
                    return true;
                }
            }
        }
        return false;
    }

    private long availableBytes(FetchRequestData data) {
        boolean readCommitted = data.isolationLevel() == IsolationLevel.READ_COMMITTED.id();
        long total = 0;
        for (FetchTopic fetchTopic : data.topics()) {
            Topic topic = resolve(fetchTopic);
            for (FetchPartition fp : fetchTopic.partitions()) {
                if (total >= data.minBytes()) {
                    return total;
                }
                total += state.partition(topic, fp.partition())
                        .bytesAvailable(fp.fetchOffset(), readCommitted, data.minBytes() - total);
            }
        }
        return total;
    }

    /** A long poll waiting on its partitions and on its deadline on the broker timer. */
    private final class ParkedFetch implements PartitionListener {
        final ApiRequest request;
        final FetchRequestData data;
        final List<Partition> watched;

        ParkedFetch(ApiRequest request, FetchRequestData data, List<Partition> watched) {
            this.request = request;
            this.data = data;
            this.watched = watched;
        }

        @Override
        public void onPartitionChanged(Partition partition) {
            if (request.isDisconnected()) {
                unpark();
            } else if (tryComplete(request, data, false)) {
                unpark();
            }
        }

        void unpark() {
            parked.remove(this);
            watched.forEach(p -> p.removeListener(this));
            state.timer().cancel(this);
        }
    }
}
