package io.kafkalite.api;

import java.util.HashMap;
import java.util.Map;

import io.kafkalite.metadata.Topic;
import io.kafkalite.metadata.TopicRegistry;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * The idempotent batches a fault rule refused with a retriable error, one per partition and producer, so that the
 * batches that producer pipelined behind a refused one are refused too until it comes back. A real leader change
 * fails every request in flight to the partition; a rule refusing a set number of requests would otherwise let a
 * later batch in first, and the refused one, retried, would get {@code OUT_OF_ORDER_SEQUENCE_NUMBER} for ever (the
 * partition accepts any sequence as a producer's first). Owned by {@link ProduceHandler}, on the broker loop.
 */
final class RefusedBatches {

    private record Key(Uuid topicId, int partition, long producerId) {
    }

    private record Refusal(short epoch, int baseSequence, Errors error) {
    }

    private final TopicRegistry topics;
    private final Map<Key, Refusal> refused = new HashMap<>();

    RefusedBatches(TopicRegistry topics) {
        this.topics = topics;
    }

    /** Remembers that {@code error}, injected by a fault rule, refused {@code batch}, if the producer will retry it. */
    void refused(Topic topic, int partition, RecordBatch batch, ApiException error) {
        if (!batch.hasProducerId() || !(error instanceof RetriableException)) {
            return;
        }
        // entries of deleted topics would never match again
        refused.keySet().removeIf(key -> topics.get(key.topicId()) == null);
        refused.putIfAbsent(new Key(topic.id(), partition, batch.producerId()),
                new Refusal(batch.producerEpoch(), batch.baseSequence(), Errors.forException(error)));
    }

    /**
     * The error that holds {@code batch} back because an earlier batch of its producer was refused and has not come
     * back, or null to let it through: it is the refused batch itself, one already stored (a duplicate), or of a
     * newer epoch (the producer gave the refused batch up).
     */
    ApiException holdBack(Topic topic, int partition, RecordBatch batch) {
        if (refused.isEmpty() || !batch.hasProducerId()) {
            return null;
        }
        Key key = new Key(topic.id(), partition, batch.producerId());
        Refusal refusal = refused.get(key);
        if (refusal == null || batch.producerEpoch() < refusal.epoch()) {
            return null;
        }
        if (batch.producerEpoch() > refusal.epoch() || batch.baseSequence() == refusal.baseSequence()) {
            refused.remove(key);
            return null;
        }
        if (batch.baseSequence() < refusal.baseSequence()) {
            return null;
        }
        return refusal.error().exception("Held back by Kafkalite: a fault rule refused the batch with sequence "
                + refusal.baseSequence() + " of producer " + batch.producerId() + " to " + topic.name() + "-"
                + partition + " and later batches wait until it is retried, as after a leader change");
    }
}
