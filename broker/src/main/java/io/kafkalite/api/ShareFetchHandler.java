package io.kafkalite.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.kafkalite.metadata.BrokerConfig;
import io.kafkalite.metadata.Topic;
import io.kafkalite.partition.Partition;
import io.kafkalite.partition.PartitionListener;
import io.kafkalite.share.SharePartition;
import io.kafkalite.share.SharePartitions;
import io.kafkalite.share.ShareSessions;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ShareAcknowledgeRequestData;
import org.apache.kafka.common.message.ShareAcknowledgeResponseData;
import org.apache.kafka.common.message.ShareFetchRequestData;
import org.apache.kafka.common.message.ShareFetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.resource.ResourceType;

/**
 * ShareFetch and ShareAcknowledge (KIP-932): share sessions, piggybacked and explicit acknowledgements, and the
 * acquisition of records for share consumers. A ShareFetch that acquires nothing is parked until an append to one of
 * its session's partitions, records becoming available again (released, lock timed out) or {@code max_wait_ms} (in
 * real time, as for Fetch: see {@link io.kafkalite.time.BrokerTimer}). A session whose connection is gone, or whose
 * member left its group, ends and what its consumer held is released, as in Kafka.
 *
 * <p>ACLs as Kafka checks them: READ on the group (else the whole request fails) and READ on each topic (else that
 * partition gets TOPIC_AUTHORIZATION_FAILED, for fetching and acknowledging).
 */
final class ShareFetchHandler implements ApiHandler {

    private static final int MAX_MEMBER_ID_LENGTH = 36;
    private static final byte RECORD_LIMIT_MODE = 1;
    private static final short RENEW_VERSION = 2;
    private static final long DISCONNECT_SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Object DISCONNECT_SWEEP = "share-session-disconnect-sweep";

    private final BrokerState state;
    private final SharePartitions shares;
    private final ShareSessions sessions;
    private final Set<ParkedShareFetch> parked = new LinkedHashSet<>();

    ShareFetchHandler(BrokerState state) {
        this.state = state;
        this.shares = state.shares();
        this.sessions = new ShareSessions(state.config().intValue(BrokerConfig.GROUP_SHARE_MAX_SHARE_SESSIONS));
        shares.onRecordsAvailable(this::onRecordsAvailable);
        state.groups().onShareMemberRemoved(this::onMemberRemoved);
    }

    @Override
    public void handle(ApiRequest request) {
        if (request.apiKey() == KafkaApi.SHARE_FETCH) {
            fetch(request);
        } else {
            acknowledge(request);
        }
    }

    // ---------------------------------------------------------------- ShareFetch

    private void fetch(ApiRequest request) {
        ShareFetchRequestData data = request.data();
        String invalid = invalidIds(data.groupId(), data.memberId());
        boolean renew = request.version() >= RENEW_VERSION && data.isRenewAck();
        if (invalid == null && renew && (data.maxBytes() != 0 || data.minBytes() != 0 || data.maxRecords() != 0
                || data.maxWaitMs() != 0)) {
            invalid = "maxBytes, minBytes, maxRecords and maxWaitMs must be 0 when isRenewAck is true";
        }
        if (invalid != null) {
            request.respond(fetchError(Errors.INVALID_REQUEST, invalid));
            return;
        }
        if (!state.authorization().allows(request, AclOperation.READ, ResourceType.GROUP, data.groupId())) {
            request.respond(fetchError(Errors.GROUP_AUTHORIZATION_FAILED, null));
            return;
        }
        Map<TopicIdPartition, ShareFetchResponseData.PartitionData> answered = new LinkedHashMap<>();
        List<TopicIdPartition> added = new ArrayList<>();
        boolean hasAcknowledgements = false;
        for (ShareFetchRequestData.FetchTopic fetchTopic : data.topics()) {
            Topic topic = state.topics().get(fetchTopic.topicId());
            for (ShareFetchRequestData.FetchPartition fp : fetchTopic.partitions()) {
                hasAcknowledgements |= !fp.acknowledgementBatches().isEmpty();
                Errors error = access(request, topic, fp.partitionIndex());
                TopicIdPartition id = new TopicIdPartition(fetchTopic.topicId(), fp.partitionIndex(),
                        topic == null ? null : topic.name());
                if (error == Errors.NONE) {
                    added.add(id);
                } else {
                    answered.put(id, partitionError(fp.partitionIndex(), error));
                }
            }
        }
        List<TopicIdPartition> forgotten = new ArrayList<>();
        for (ShareFetchRequestData.ForgottenTopic topic : data.forgottenTopicsData()) {
            Topic known = state.topics().get(topic.topicId());
            topic.partitions().forEach(p -> forgotten.add(new TopicIdPartition(topic.topicId(), p,
                    known == null ? null : known.name())));
        }
        ShareSessions.Session session;
        try {
            session = sessions.forFetch(data.groupId(), data.memberId(), data.shareSessionEpoch(), added, forgotten,
                    hasAcknowledgements, request::isDisconnected);
        } catch (ApiException e) {
            request.respond(fetchError(Errors.forException(e), e.getMessage()));
            return;
        }
        scheduleDisconnectSweep();
        for (ShareFetchRequestData.FetchTopic fetchTopic : data.topics()) {
            Topic topic = state.topics().get(fetchTopic.topicId());
            for (ShareFetchRequestData.FetchPartition fp : fetchTopic.partitions()) {
                if (fp.acknowledgementBatches().isEmpty() || topic == null) {
                    continue;
                }
                List<SharePartition.AckBatch> batches = new ArrayList<>();
                fp.acknowledgementBatches().forEach(b -> batches.add(
                        new SharePartition.AckBatch(b.firstOffset(), b.lastOffset(), b.acknowledgeTypes())));
                ShareAcknowledgeResponseData.PartitionData result = acknowledge(request, data.groupId(), data.memberId(),
                        topic, fp.partitionIndex(), batches, renew);
                TopicIdPartition id = new TopicIdPartition(topic.id(), fp.partitionIndex(), topic.name());
                answered.computeIfAbsent(id, k -> emptyPartition(fp.partitionIndex()))
                        .setAcknowledgeErrorCode(result.errorCode())
                        .setAcknowledgeErrorMessage(result.errorMessage());
            }
        }
        if (data.shareSessionEpoch() == ShareSessions.FINAL_EPOCH) {
            release(session);
            request.respond(fetchResponse(data.groupId(), answered));
            return;
        }
        if (renew) {
            // KIP-1222: a ShareFetch renewing locks acquires nothing, or the renewed locks could run out meanwhile
            request.respond(fetchResponse(data.groupId(), answered));
            return;
        }
        boolean fullResponse = data.shareSessionEpoch() == ShareSessions.INITIAL_EPOCH;
        if (tryAcquire(request, data, session, answered, fullResponse, data.maxWaitMs() <= 0)) {
            return;
        }
        park(request, data, session, answered);
    }

    /**
     * Acquires records of the session's partitions (rotating the first one by session epoch, so none starves) and
     * answers if anything was acquired, or when {@code answerAnyway}; returns whether it answered.
     */
    private boolean tryAcquire(ApiRequest request, ShareFetchRequestData data, ShareSessions.Session session,
                               Map<TopicIdPartition, ShareFetchResponseData.PartitionData> answered,
                               boolean fullResponse, boolean answerAnyway) {
        List<TopicIdPartition> partitions = new ArrayList<>(session.partitions());
        Map<TopicIdPartition, ShareFetchResponseData.PartitionData> response = new LinkedHashMap<>(answered);
        int remainingBytes = data.maxBytes();
        int remainingRecords = data.maxRecords();
        boolean recordLimit = request.version() >= RENEW_VERSION && data.shareAcquireMode() == RECORD_LIMIT_MODE;
        boolean acquiredAny = false;
        int first = partitions.isEmpty() ? 0 : Math.floorMod(data.shareSessionEpoch(), partitions.size());
        for (int i = 0; i < partitions.size(); i++) {
            TopicIdPartition id = partitions.get((first + i) % partitions.size());
            Topic topic = state.topics().get(id.topicId());
            Errors error = access(request, topic, id.partition());
            if (error != Errors.NONE) {
                response.put(id, partitionError(id.partition(), error));
                continue;
            }
            if (remainingRecords <= 0 || remainingBytes <= 0) {
                if (fullResponse) {
                    response.putIfAbsent(id, emptyPartition(id.partition()));
                }
                continue;
            }
            SharePartitions.Fetched fetched = shares.fetch(data.groupId(), data.memberId(), topic, id.partition(),
                    remainingBytes, remainingRecords, recordLimit);
            if (fetched.acquired().isEmpty()) {
                if (fullResponse) {
                    response.putIfAbsent(id, emptyPartition(id.partition()));
                }
                continue;
            }
            acquiredAny = true;
            remainingBytes -= fetched.records().sizeInBytes();
            for (SharePartition.Acquired acquired : fetched.acquired()) {
                remainingRecords -= (int) (acquired.lastOffset() - acquired.firstOffset() + 1);
            }
            List<ShareFetchResponseData.AcquiredRecords> acquired = new ArrayList<>();
            fetched.acquired().forEach(a -> acquired.add(new ShareFetchResponseData.AcquiredRecords()
                    .setFirstOffset(a.firstOffset()).setLastOffset(a.lastOffset()).setDeliveryCount(a.deliveryCount())));
            response.computeIfAbsent(id, k -> emptyPartition(id.partition()))
                    .setRecords(fetched.records())
                    .setAcquiredRecords(acquired);
        }
        if (!acquiredAny && !answerAnyway) {
            return false;
        }
        request.respond(fetchResponse(data.groupId(), response));
        return true;
    }

    private void park(ApiRequest request, ShareFetchRequestData data, ShareSessions.Session session,
                      Map<TopicIdPartition, ShareFetchResponseData.PartitionData> answered) {
        ParkedShareFetch fetch = new ParkedShareFetch(request, data, session, answered);
        for (TopicIdPartition id : session.partitions()) {
            Topic topic = state.topics().get(id.topicId());
            if (check(topic, id.partition()) == Errors.NONE) {
                Partition partition = state.partition(topic, id.partition());
                fetch.watched.add(partition);
                fetch.keys.add(new SharePartitions.Key(data.groupId(), new TopicPartition(topic.name(), id.partition())));
                partition.addListener(fetch);
            }
        }
        parked.add(fetch);
        state.timer().scheduleAfterRealTime(fetch, TimeUnit.MILLISECONDS.toNanos(data.maxWaitMs()), () -> {
            fetch.unpark();
            if (!request.isDisconnected()) {
                tryAcquire(request, data, session, answered, false, true);
            }
        });
    }

    /** Records of a share-partition were released or its start moved: parked fetches of its group may acquire. */
    private void onRecordsAvailable(SharePartitions.Key key) {
        for (ParkedShareFetch fetch : List.copyOf(parked)) {
            if (fetch.keys.contains(key)) {
                fetch.retry();
            }
        }
    }

    /** A share member left or timed out: its session ends and what it held goes back to the others. */
    private void onMemberRemoved(String groupId, String memberId) {
        for (ParkedShareFetch fetch : List.copyOf(parked)) {
            if (fetch.session.key().equals(new ShareSessions.Key(groupId, memberId))) {
                fetch.unpark();
                if (!fetch.request.isDisconnected()) {
                    tryAcquire(fetch.request, fetch.data, fetch.session, fetch.answered, false, true);
                }
            }
        }
        ShareSessions.Session session = sessions.remove(groupId, memberId);
        if (session != null) {
            release(session);
        }
    }

    private void release(ShareSessions.Session session) {
        List<TopicPartition> held = new ArrayList<>();
        for (TopicIdPartition id : session.partitions()) {
            Topic topic = state.topics().get(id.topicId());
            if (topic != null) {
                held.add(new TopicPartition(topic.name(), id.partition()));
            }
        }
        shares.releaseMember(session.key().groupId(), session.key().memberId(), held);
    }

    /** Ends the sessions of consumers that disconnected (Kafka does this when the connection closes). */
    private void scheduleDisconnectSweep() {
        if (state.timer().isScheduled(DISCONNECT_SWEEP)) {
            return;
        }
        state.timer().scheduleAfterRealTime(DISCONNECT_SWEEP, DISCONNECT_SWEEP_NANOS, () -> {
            sessions.removeDisconnected().forEach(this::release);
            if (!sessions.isEmpty()) {
                scheduleDisconnectSweep();
            }
        });
    }

    private ShareFetchResponseData fetchResponse(String groupId,
                                                 Map<TopicIdPartition, ShareFetchResponseData.PartitionData> partitions) {
        Map<Uuid, ShareFetchResponseData.ShareFetchableTopicResponse> topics = new LinkedHashMap<>();
        partitions.forEach((id, data) -> topics.computeIfAbsent(id.topicId(),
                t -> new ShareFetchResponseData.ShareFetchableTopicResponse().setTopicId(t)).partitions().add(data));
        ShareFetchResponseData response = new ShareFetchResponseData().setErrorCode(Errors.NONE.code())
                .setAcquisitionLockTimeoutMs(shares.recordLockDurationMs(groupId));
        topics.values().forEach(response.responses()::add);
        return response;
    }

    private ShareFetchResponseData.PartitionData emptyPartition(int partition) {
        ShareFetchResponseData.PartitionData data = new ShareFetchResponseData.PartitionData()
                .setPartitionIndex(partition)
                .setErrorCode(Errors.NONE.code())
                .setRecords(MemoryRecords.EMPTY);
        data.currentLeader().setLeaderId(state.nodeId()).setLeaderEpoch(0);
        return data;
    }

    private ShareFetchResponseData.PartitionData partitionError(int partition, Errors error) {
        return emptyPartition(partition).setErrorCode(error.code()).setErrorMessage(error.message());
    }

    private static ShareFetchResponseData fetchError(Errors error, String message) {
        return new ShareFetchResponseData().setErrorCode(error.code()).setErrorMessage(message);
    }

    // ---------------------------------------------------------------- ShareAcknowledge

    private void acknowledge(ApiRequest request) {
        ShareAcknowledgeRequestData data = request.data();
        String invalid = invalidIds(data.groupId(), data.memberId());
        if (invalid != null) {
            request.respond(new ShareAcknowledgeResponseData().setErrorCode(Errors.INVALID_REQUEST.code())
                    .setErrorMessage(invalid));
            return;
        }
        if (!state.authorization().allows(request, AclOperation.READ, ResourceType.GROUP, data.groupId())) {
            request.respond(new ShareAcknowledgeResponseData().setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()));
            return;
        }
        ShareSessions.Session session;
        try {
            session = sessions.forAcknowledge(data.groupId(), data.memberId(), data.shareSessionEpoch());
        } catch (ApiException e) {
            request.respond(new ShareAcknowledgeResponseData().setErrorCode(Errors.forException(e).code())
                    .setErrorMessage(e.getMessage()));
            return;
        }
        boolean renew = request.version() >= RENEW_VERSION && data.isRenewAck();
        ShareAcknowledgeResponseData response = new ShareAcknowledgeResponseData().setErrorCode(Errors.NONE.code())
                .setAcquisitionLockTimeoutMs(shares.recordLockDurationMs(data.groupId()));
        for (ShareAcknowledgeRequestData.AcknowledgeTopic ackTopic : data.topics()) {
            Topic topic = state.topics().get(ackTopic.topicId());
            ShareAcknowledgeResponseData.ShareAcknowledgeTopicResponse topicResponse =
                    new ShareAcknowledgeResponseData.ShareAcknowledgeTopicResponse().setTopicId(ackTopic.topicId());
            for (ShareAcknowledgeRequestData.AcknowledgePartition ap : ackTopic.partitions()) {
                ShareAcknowledgeResponseData.PartitionData result;
                if (topic == null) {
                    result = ackError(ap.partitionIndex(), Errors.UNKNOWN_TOPIC_ID, null);
                } else {
                    List<SharePartition.AckBatch> batches = new ArrayList<>();
                    ap.acknowledgementBatches().forEach(b -> batches.add(
                            new SharePartition.AckBatch(b.firstOffset(), b.lastOffset(), b.acknowledgeTypes())));
                    result = acknowledge(request, data.groupId(), data.memberId(), topic, ap.partitionIndex(), batches,
                            renew);
                }
                topicResponse.partitions().add(result);
            }
            response.responses().add(topicResponse);
        }
        if (data.shareSessionEpoch() == ShareSessions.FINAL_EPOCH) {
            release(session);
        }
        request.respond(response);
    }

    /** Validates and applies one partition's acknowledgements (Kafka's checks, then all or none). */
    private ShareAcknowledgeResponseData.PartitionData acknowledge(ApiRequest request, String groupId, String memberId,
                                                                 Topic topic, int partition,
                                                                 List<SharePartition.AckBatch> batches, boolean renew) {
        Errors error = access(request, topic, partition);
        if (error != Errors.NONE) {
            return ackError(partition, error, null);
        }
        String invalid = invalidBatches(batches, request.version() >= RENEW_VERSION, renew);
        if (invalid != null) {
            return ackError(partition, Errors.INVALID_REQUEST, invalid);
        }
        if (batches.isEmpty()) {
            return ackError(partition, Errors.NONE, null);
        }
        try {
            shares.acknowledge(groupId, memberId, new TopicPartition(topic.name(), partition), batches);
            return ackError(partition, Errors.NONE, null);
        } catch (ApiException e) {
            return ackError(partition, Errors.forException(e), e.getMessage());
        }
    }

    private ShareAcknowledgeResponseData.PartitionData ackError(int partition, Errors error, String message) {
        ShareAcknowledgeResponseData.PartitionData data = new ShareAcknowledgeResponseData.PartitionData()
                .setPartitionIndex(partition)
                .setErrorCode(error.code())
                .setErrorMessage(error == Errors.NONE ? null : message == null ? error.message() : message);
        data.currentLeader().setLeaderId(state.nodeId()).setLeaderEpoch(0);
        return data;
    }

    /** Kafka's checks of acknowledgement batches: ordered, well formed, known types (RENEW only in a renew request). */
    private static String invalidBatches(List<SharePartition.AckBatch> batches, boolean renewSupported, boolean renew) {
        long previousLast = -1;
        int maxType = renewSupported ? SharePartition.RENEW : SharePartition.REJECT;
        for (SharePartition.AckBatch batch : batches) {
            if (batch.firstOffset() > batch.lastOffset()) {
                return "Acknowledgement batch " + batch.firstOffset() + ".." + batch.lastOffset() + " ends before it starts";
            }
            if (batch.firstOffset() < previousLast) {
                return "Acknowledgement batches must be in offset order and must not overlap";
            }
            if (batch.types() == null || batch.types().isEmpty()) {
                return "Acknowledgement batch " + batch.firstOffset() + ".." + batch.lastOffset() + " has no type";
            }
            if (batch.types().size() > 1 && batch.lastOffset() - batch.firstOffset() != batch.types().size() - 1) {
                return "Acknowledgement batch " + batch.firstOffset() + ".." + batch.lastOffset() + " has "
                        + batch.types().size() + " types: give one, or one per offset";
            }
            for (byte type : batch.types()) {
                if (type < 0 || type > maxType) {
                    return "Unknown acknowledge type " + type;
                }
                if (type == SharePartition.RENEW && !renew) {
                    return "RENEW acknowledgements need isRenewAck";
                }
            }
            previousLast = batch.lastOffset();
        }
        return null;
    }

    private static String invalidIds(String groupId, String memberId) {
        if (groupId == null || groupId.isEmpty()) {
            return "GroupId can't be empty";
        }
        if (memberId == null || memberId.isEmpty() || memberId.length() > MAX_MEMBER_ID_LENGTH) {
            return "Invalid member id in the request.";
        }
        return null;
    }

    /** {@link #check}, then READ on the topic, as Kafka's share fetch checks it. */
    private Errors access(ApiRequest request, Topic topic, int partition) {
        Errors error = check(topic, partition);
        if (error == Errors.NONE
                && !state.authorization().allows(request, AclOperation.READ, ResourceType.TOPIC, topic.name())) {
            return Errors.TOPIC_AUTHORIZATION_FAILED;
        }
        return error;
    }

    private static Errors check(Topic topic, int partition) {
        if (topic == null) {
            return Errors.UNKNOWN_TOPIC_ID;
        }
        return topic.hasPartition(partition) ? Errors.NONE : Errors.UNKNOWN_TOPIC_OR_PARTITION;
    }

    /** A ShareFetch waiting for records on its session's partitions and on its deadline. */
    private final class ParkedShareFetch implements PartitionListener {
        final ApiRequest request;
        final ShareFetchRequestData data;
        final ShareSessions.Session session;
        final Map<TopicIdPartition, ShareFetchResponseData.PartitionData> answered;
        final List<Partition> watched = new ArrayList<>();
        final Set<SharePartitions.Key> keys = new HashSet<>();

        ParkedShareFetch(ApiRequest request, ShareFetchRequestData data, ShareSessions.Session session,
                         Map<TopicIdPartition, ShareFetchResponseData.PartitionData> answered) {
            this.request = request;
            this.data = data;
            this.session = session;
            this.answered = answered;
        }

        @Override
        public void onPartitionChanged(Partition partition) {
            retry();
        }

        void retry() {
            if (request.isDisconnected()) {
                unpark();
            } else if (anyAcquirable() && tryAcquire(request, data, session, answered, false, false)) {
                unpark();
            }
        }

        private boolean anyAcquirable() {
            for (SharePartitions.Key key : keys) {
                Topic topic = state.topics().get(key.partition().topic());
                if (topic != null && topic.hasPartition(key.partition().partition())
                        && shares.canAcquire(key.groupId(), topic, key.partition().partition())) {
                    return true;
                }
            }
            return false;
        }

        void unpark() {
            parked.remove(this);
            watched.forEach(p -> p.removeListener(this));
            state.timer().cancel(this);
        }
    }
}
