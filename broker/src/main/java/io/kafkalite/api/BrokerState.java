package io.kafkalite.api;

import io.kafkalite.group.GroupCoordinator;
import io.kafkalite.log.LogManager;
import io.kafkalite.log.PartitionLog;
import io.kafkalite.metadata.BrokerConfig;
import io.kafkalite.metadata.Topic;
import io.kafkalite.metadata.TopicRegistry;
import io.kafkalite.security.AclAuthorizer;
import io.kafkalite.security.ScramCredentials;
import io.kafkalite.txn.ProducerIdAllocator;
import io.kafkalite.txn.ProducerStateTable;
import org.apache.kafka.common.TopicPartition;

/** Everything the handlers share, owned by the broker loop thread. */
public final class BrokerState {

    private final BrokerConfig config;
    private final String clusterId;
    private final TopicRegistry topics;
    private final LogManager logs;
    private final ProducerStateTable producerStates;
    private final ProducerIdAllocator producerIds;
    private final GroupCoordinator groups;
    private final ScramCredentials scramCredentials;
    private final Authorization authorization;

    public BrokerState(BrokerConfig config, String clusterId, TopicRegistry topics,
                       LogManager logs, ProducerStateTable producerStates, ProducerIdAllocator producerIds,
                       GroupCoordinator groups, ScramCredentials scramCredentials, AclAuthorizer authorizer) {
        this.config = config;
        this.clusterId = clusterId;
        this.topics = topics;
        this.logs = logs;
        this.producerStates = producerStates;
        this.producerIds = producerIds;
        this.groups = groups;
        this.scramCredentials = scramCredentials;
        this.authorization = new Authorization(authorizer);
    }

    public BrokerConfig config() {
        return config;
    }

    public String clusterId() {
        return clusterId;
    }

    public int nodeId() {
        return config.nodeId();
    }

    public TopicRegistry topics() {
        return topics;
    }

    public LogManager logs() {
        return logs;
    }

    public ProducerStateTable producerStates() {
        return producerStates;
    }

    public ProducerIdAllocator producerIds() {
        return producerIds;
    }

    public GroupCoordinator groups() {
        return groups;
    }

    /** SCRAM credentials of SASL users, changed through Admin and kept in the journal. */
    public ScramCredentials scramCredentials() {
        return scramCredentials;
    }

    /** ACL checks for requests (every check passes when no authorizer is configured). */
    public Authorization authorization() {
        return authorization;
    }

    /** The partition's log, opened (and its producer state rebuilt) on first use. */
    public PartitionLog log(Topic topic, int partition) {
        TopicPartition key = new TopicPartition(topic.name(), partition);
        return logs.log(topic.name(), partition, topic.logStartOffset(partition), topic.settings().maxMessageBytes(),
                batch -> producerStates.replay(key, batch));
    }

    /**
     * The partition's log if it holds data, else null: reading an untouched partition (a consumer polling a new
     * topic) must not create files.
     */
    public PartitionLog logIfExists(Topic topic, int partition) {
        PartitionLog open = logs.openLog(topic.name(), partition);
        if (open != null || !logs.hasData(topic.name(), partition)) {
            return open;
        }
        return log(topic, partition);
    }

    /** Log start offset of a partition, whether or not its log is open. */
    public long logStartOffset(Topic topic, int partition) {
        PartitionLog log = logIfExists(topic, partition);
        return log == null ? topic.logStartOffset(partition) : log.logStartOffset();
    }

    /** Log end offset (= high watermark on one node) of a partition, whether or not its log is open. */
    public long logEndOffset(Topic topic, int partition) {
        PartitionLog log = logIfExists(topic, partition);
        return log == null ? topic.logStartOffset(partition) : log.logEndOffset();
    }

    /** Moves a partition's log start offset and persists it. */
    public long advanceLogStartOffset(Topic topic, int partition, long offset) {
        long newStart = log(topic, partition).advanceLogStartOffset(offset);
        if (newStart != topic.logStartOffset(partition)) {
            topics.setLogStartOffset(topic.name(), partition, newStart);
        }
        return newStart;
    }

    /** Deletes a topic with its stored records, producer state and committed offsets. */
    public void deleteTopic(String name) {
        Topic topic = topics.delete(name);
        for (int p = 0; p < topic.partitionCount(); p++) {
            logs.delete(name, p);
            producerStates.remove(new TopicPartition(name, p));
        }
        groups.onTopicDeleted(name);
    }
}
