package io.kafkalite.api;

import io.kafkalite.group.GroupCoordinator;
import io.kafkalite.metadata.BrokerConfig;
import io.kafkalite.metadata.GroupConfigs;
import io.kafkalite.metadata.Topic;
import io.kafkalite.metadata.TopicRegistry;
import io.kafkalite.partition.Partition;
import io.kafkalite.partition.PartitionRegistry;
import io.kafkalite.share.SharePartitions;
import io.kafkalite.security.AclAuthorizer;
import io.kafkalite.security.ScramCredentials;
import io.kafkalite.time.BrokerClock;
import io.kafkalite.time.BrokerTimer;
import io.kafkalite.txn.ProducerIdAllocator;
import io.kafkalite.txn.TransactionCoordinator;

/** Everything the handlers share, owned by the broker loop thread. */
public final class BrokerState {

    private final BrokerConfig config;
    private final String clusterId;
    private final BrokerTimer timer;
    private final TopicRegistry topics;
    private final PartitionRegistry partitions;
    private final ProducerIdAllocator producerIds;
    private final GroupCoordinator groups;
    private final TransactionCoordinator transactions;
    private final ScramCredentials scramCredentials;
    private final Authorization authorization;
    private final GroupConfigs groupConfigs;
    private final SharePartitions shares;

    public BrokerState(BrokerConfig config, String clusterId, BrokerTimer timer, TopicRegistry topics,
                       PartitionRegistry partitions, ProducerIdAllocator producerIds, GroupCoordinator groups,
                       TransactionCoordinator transactions, ScramCredentials scramCredentials,
                       AclAuthorizer authorizer, GroupConfigs groupConfigs, SharePartitions shares) {
        this.config = config;
        this.clusterId = clusterId;
        this.timer = timer;
        this.topics = topics;
        this.partitions = partitions;
        this.producerIds = producerIds;
        this.groups = groups;
        this.transactions = transactions;
        this.scramCredentials = scramCredentials;
        this.authorization = new Authorization(authorizer);
        this.groupConfigs = groupConfigs;
        this.shares = shares;
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

    /** The broker's one timer; its clock is the broker's time. */
    public BrokerTimer timer() {
        return timer;
    }

    public BrokerClock clock() {
        return timer.clock();
    }

    public TopicRegistry topics() {
        return topics;
    }

    public PartitionRegistry partitions() {
        return partitions;
    }

    public ProducerIdAllocator producerIds() {
        return producerIds;
    }

    public GroupCoordinator groups() {
        return groups;
    }

    public TransactionCoordinator transactions() {
        return transactions;
    }

    /** SCRAM credentials of SASL users, changed through Admin and kept in the journal. */
    public ScramCredentials scramCredentials() {
        return scramCredentials;
    }

    /** ACL checks for requests (every check passes when no authorizer is configured). */
    public Authorization authorization() {
        return authorization;
    }

    /** Group-level configs (Admin's GROUP config resource). */
    public GroupConfigs groupConfigs() {
        return groupConfigs;
    }

    /** Share groups' share-partitions: acquired, acknowledged and persisted delivery state. */
    public SharePartitions shares() {
        return shares;
    }

    /** Partition {@code index} of {@code topic}, which must have it. */
    public Partition partition(Topic topic, int index) {
        return partitions.partition(topic, index);
    }

    /** Deletes a topic with its stored records, producer state and committed offsets. */
    public void deleteTopic(String name) {
        Topic topic = topics.delete(name);
        partitions.deleteTopic(topic);
        groups.onTopicDeleted(name);
        shares.deleteTopic(name);
    }
}
