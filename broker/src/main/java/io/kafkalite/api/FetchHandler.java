package io.kafkalite.api;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.kafkalite.log.PartitionLog;
import io.kafkalite.metadata.Topic;
import org.apache.kafka.common.acl.AclOperation;
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
 * Fetch, with long polling: a fetch that finds fewer than {@code min_bytes} is parked until an append gives it
 * enough or {@code max_wait_ms} passes. Stored batches are returned byte for byte.
 *
 * <p>Fetch sessions (KIP-227) are not kept: every response carries session id 0, which tells clients to send
 * full fetch requests, as a Kafka broker with a full session cache does.
 */
final class FetchHandler implements ApiHandler, BrokerLoop.TimedWork {

    private final BrokerState state;
    private final List<ParkedFetch> parked = new ArrayList<>();

    FetchHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(ApiRequest request) {
        FetchRequestData data = request.data();
        if (!tryComplete(request, data, false)) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(data.maxWaitMs());
            parked.add(new ParkedFetch(request, deadline));
        }
    }

    /** Re-checks parked fetches after records were appended (or topics changed). */
    void onRecordsAppended() {
        if (parked.isEmpty()) {
            return;
        }
        Iterator<ParkedFetch> it = parked.iterator();
        while (it.hasNext()) {
            ParkedFetch fetch = it.next();
            if (fetch.request.isDisconnected() || tryComplete(fetch.request, fetch.request.data(), false)) {
                it.remove();
            }
        }
    }

    /**
     * Answers now the parked fetches of a client that is leaving its group. A consumer's close() sends
     * LeaveGroup on its coordinator connection while its last long poll is parked on another; Kafka lets that
     * poll run out ({@code fetch.max.wait.ms}, 500 ms by default, per consumer closed). Answering early is
     * always allowed: the fetch returns what there is, possibly nothing.
     */
    void completeParkedFetchesOf(String clientId, String host) {
        Iterator<ParkedFetch> it = parked.iterator();
        while (it.hasNext()) {
            ApiRequest request = it.next().request;
            if (request.header().clientId().equals(clientId) && request.clientHost().equals(host)) {
                it.remove();
                if (!request.isDisconnected()) {
                    tryComplete(request, request.data(), true);
                }
            }
        }
    }

    @Override
    public long deadlineNanos() {
        long earliest = Long.MAX_VALUE;
        for (ParkedFetch fetch : parked) {
            earliest = Math.min(earliest, fetch.deadlineNanos);
        }
        return earliest;
    }

    @Override
    public int run(long nowNanos) {
        int completed = 0;
        Iterator<ParkedFetch> it = parked.iterator();
        while (it.hasNext()) {
            ParkedFetch fetch = it.next();
            if (fetch.deadlineNanos <= nowNanos) {
                it.remove();
                if (!fetch.request.isDisconnected()) {
                    tryComplete(fetch.request, fetch.request.data(), true);
                }
                completed++;
            }
        }
        return completed;
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
                PartitionLog log = state.logIfExists(topic, fp.partition());
                long end = log == null ? state.logEndOffset(topic, fp.partition()) : log.logEndOffset();
                long start = log == null ? state.logStartOffset(topic, fp.partition()) : log.logStartOffset();
                pd.setHighWatermark(end).setLastStableOffset(end).setLogStartOffset(start);
                if (data.isolationLevel() == 1) {
                    pd.setAbortedTransactions(List.of());
                }
                if (log != null && remaining > 0) {
                    boolean firstData = remaining == data.maxBytes();
                    MemoryRecords records = log.read(fp.fetchOffset(), Math.min(remaining, fp.partitionMaxBytes()), firstData);
                    remaining -= records.sizeInBytes();
                    pd.setRecords(records);
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
        if (!state.authorization().allows(request, AclOperation.READ, ResourceType.TOPIC, byId ? topic.name() : fetchTopic.topic())) {
            return Errors.TOPIC_AUTHORIZATION_FAILED;
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
        long start = state.logStartOffset(topic, fp.partition());
        long end = state.logEndOffset(topic, fp.partition());
        if (fp.fetchOffset() < start || fp.fetchOffset() > end) {
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
        long total = 0;
        for (FetchTopic fetchTopic : data.topics()) {
            Topic topic = resolve(fetchTopic);
            for (FetchPartition fp : fetchTopic.partitions()) {
                PartitionLog log = state.logIfExists(topic, fp.partition());
                if (log != null && total < data.minBytes()) {
                    total += log.bytesFrom(fp.fetchOffset(), data.minBytes() - total);
                }
            }
        }
        return total;
    }

    private record ParkedFetch(ApiRequest request, long deadlineNanos) {
    }
}
