package io.kafkalite.api;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.kafkalite.log.PartitionLog;
import io.kafkalite.metadata.Topic;
import org.apache.kafka.common.TopicPartition;

/**
 * Applies {@code retention.ms} and {@code retention.bytes} to every open log every
 * {@code log.retention.check.interval.ms}, persisting the log start offsets it moves.
 */
final class RetentionTask implements BrokerLoop.TimedWork {

    private final BrokerState state;
    private final long intervalNanos;
    private long nextRunNanos;

    RetentionTask(BrokerState state) {
        this.state = state;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(state.config().retentionCheckIntervalMs());
        this.nextRunNanos = System.nanoTime() + intervalNanos;
    }

    @Override
    public long deadlineNanos() {
        return nextRunNanos;
    }

    @Override
    public int run(long nowNanos) {
        nextRunNanos = nowNanos + intervalNanos;
        long now = System.currentTimeMillis();
        int moved = 0;
        for (Map.Entry<TopicPartition, PartitionLog> entry : state.logs().openLogs()) {
            Topic topic = state.topics().get(entry.getKey().topic());
            if (topic == null) {
                continue;
            }
            PartitionLog log = entry.getValue();
            if (log.applyRetention(topic.settings().retentionMs(), topic.settings().retentionBytes(), now)) {
                state.topics().setLogStartOffset(topic.name(), entry.getKey().partition(), log.logStartOffset());
                moved++;
            }
        }
        return moved;
    }
}
