package io.kafkalite.metadata;

import java.util.Map;

import org.apache.kafka.common.Uuid;

/** A topic as the broker knows it: id, partition count, config overrides and their effective settings. */
public final class Topic {

    private final String name;
    private final Uuid id;
    private Map<String, String> configOverrides;
    private TopicConfigs.Settings settings;
    private int partitionCount;

    Topic(String name, Uuid id, int partitions, Map<String, String> configOverrides, TopicConfigs.Settings settings) {
        this.name = name;
        this.id = id;
        this.configOverrides = Map.copyOf(configOverrides);
        this.settings = settings;
        this.partitionCount = partitions;
    }

    public String name() {
        return name;
    }

    public Uuid id() {
        return id;
    }

    public int partitionCount() {
        return partitionCount;
    }

    public Map<String, String> configOverrides() {
        return configOverrides;
    }

    public TopicConfigs.Settings settings() {
        return settings;
    }

    public boolean hasPartition(int partition) {
        return partition >= 0 && partition < partitionCount;
    }

    void growTo(int partitions) {
        partitionCount = partitions;
    }

    void configure(Map<String, String> overrides, TopicConfigs.Settings newSettings) {
        this.configOverrides = Map.copyOf(overrides);
        this.settings = newSettings;
    }

    @Override
    public String toString() {
        return name + " (" + id + ", " + partitionCount() + " partitions)";
    }
}
