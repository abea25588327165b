package io.kafkalite.metadata;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The topics of the broker, by name and by id. Every change is validated here, then journaled, so that a
 * broker restarted on the same data directory has the same topics, ids and configs.
 */
public final class TopicRegistry implements MetadataJournal.Participant {

    /** Kafka caps partitions per topic far higher; this keeps a typo from mapping a million files. */
    private static final int MAX_PARTITIONS = 100_000;

    private final BrokerConfig brokerConfig;
    private final MetadataJournal journal;
    private final Map<String, Topic> byName = new LinkedHashMap<>();
    private final Map<Uuid, Topic> byId = new HashMap<>();
    /** Topic names by their form with '.' read as '_' (Kafka refuses two topics that differ only there). */
    private final Map<String, String> byCollisionName = new HashMap<>();

    public TopicRegistry(BrokerConfig brokerConfig, MetadataJournal journal) {
        this.brokerConfig = brokerConfig;
        this.journal = journal;
    }

    public Topic get(String name) {
        return byName.get(name);
    }

    public Topic get(Uuid id) {
        return byId.get(id);
    }

    public Collection<Topic> all() {
        return Collections.unmodifiableCollection(byName.values());
    }

    /** Whether {@code name} is one Kafka allows a topic to have (length, characters, not "." or ".."). */
    public static boolean isLegalName(String name) {
        try {
            org.apache.kafka.common.internals.Topic.validate(name);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Checks that a topic could be created, without creating it.
     *
     * @throws InvalidTopicException, TopicExistsException, InvalidPartitionsException, InvalidConfigurationException
     */
    public void validateNew(String name, int partitions, Map<String, String> configs) {
        try {
            org.apache.kafka.common.internals.Topic.validate(name);
        } catch (InvalidTopicException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidTopicException(e.getMessage());
        }
        if (byName.containsKey(name)) {
            throw new TopicExistsException("Topic '" + name + "' already exists.");
        }
        String existing = byCollisionName.get(org.apache.kafka.common.internals.Topic.unifyCollisionChars(name));
        if (existing != null) {
            throw new InvalidTopicException("Topic '" + name + "' collides with existing topic '" + existing
                    + "': '.' and '_' are treated as the same character in metric names.");
        }
        if (partitions < 1 || partitions > MAX_PARTITIONS) {
            throw new InvalidPartitionsException("Number of partitions must be between 1 and " + MAX_PARTITIONS
                    + ", got " + partitions + ".");
        }
        validateConfigs(configs);
    }

    private static void validateConfigs(Map<String, String> configs) {
        try {
            TopicConfigs.validate(configs);
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
    }

    /** Creates a topic after {@link #validateNew} and journals it. */
    public Topic create(String name, int partitions, Map<String, String> configs) {
        validateNew(name, partitions, configs);
        Topic topic = add(name, RandomIds.uuid(), partitions, configs);
        journal.topicCreated(topic);
        return topic;
    }

    private Topic add(String name, Uuid id, int partitions, Map<String, String> configs) {
        Topic topic = new Topic(name, id, partitions, configs,
                TopicConfigs.resolve(brokerConfig, configs));
        byName.put(name, topic);
        byId.put(id, topic);
        byCollisionName.put(org.apache.kafka.common.internals.Topic.unifyCollisionChars(name), name);
        return topic;
    }

    /** Checks that {@code name} can grow to {@code newCount} partitions. */
    public Topic validatePartitionIncrease(String name, int newCount) {
        Topic topic = require(name);
        if (newCount <= topic.partitionCount()) {
            throw new InvalidPartitionsException("Topic '" + name + "' has " + topic.partitionCount()
                    + " partitions; the new count must be larger, got " + newCount + ".");
        }
        if (newCount > MAX_PARTITIONS) {
            throw new InvalidPartitionsException("Number of partitions must be at most " + MAX_PARTITIONS + ".");
        }
        return topic;
    }

    public void increasePartitions(String name, int newCount) {
        validatePartitionIncrease(name, newCount).growTo(newCount);
        journal.partitionsAdded(name, newCount);
    }

    /** Checks a complete set of overrides for {@code name}. */
    public Topic validateConfigs(String name, Map<String, String> overrides) {
        Topic topic = require(name);
        validateConfigs(overrides);
        return topic;
    }

    /** Replaces every override of the topic. */
    public void setConfigs(String name, Map<String, String> overrides) {
        validateConfigs(name, overrides).configure(overrides, TopicConfigs.resolve(brokerConfig, overrides));
        journal.topicConfigured(name, overrides);
    }

    public Topic delete(String name) {
        Topic topic = require(name);
        remove(topic);
        journal.topicDeleted(name);
        return topic;
    }

    private void remove(Topic topic) {
        byName.remove(topic.name());
        byId.remove(topic.id());
        byCollisionName.remove(org.apache.kafka.common.internals.Topic.unifyCollisionChars(topic.name()));
    }

    private Topic require(String name) {
        Topic topic = byName.get(name);
        if (topic == null) {
            throw new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist.");
        }
        return topic;
    }

    // Journal replay: events were valid when written, so they are applied without checks.

    @Override
    public void onTopicCreated(String name, Uuid id, int partitions, Map<String, String> configs) {
        add(name, id, partitions, configs);
    }

    @Override
    public void onPartitionsAdded(String name, int partitionCount) {
        byName.get(name).growTo(partitionCount);
    }

    @Override
    public void onTopicConfigured(String name, Map<String, String> configs) {
        byName.get(name).configure(configs, TopicConfigs.resolve(brokerConfig, configs));
    }

    @Override
    public void onTopicDeleted(String name) {
        remove(byName.get(name));
    }

    @Override
    public void writeSnapshot(MetadataJournal snapshot) {
        byName.values().forEach(snapshot::topicCreated);
    }
}
