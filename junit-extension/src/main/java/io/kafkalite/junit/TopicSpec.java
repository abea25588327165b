package io.kafkalite.junit;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** A topic to create: name, partitions and topic configs. */
record TopicSpec(String name, int partitions, Map<String, String> configs) {

    static final String FORMAT = "\"name\", \"name:partitions\" or \"name:partitions:config=value,config=value\"";

    /**
     * Parses {@code orders}, {@code orders:3} or {@code orders:3:cleanup.policy=compact,retention.ms=1000}. Config
     * values cannot hold commas in this form; {@link Topic} and {@link TopicConfig} take any value.
     */
    static TopicSpec parse(String spec, String origin) {
        String[] parts = spec.split(":", 3);
        String name = parts[0].trim();
        if (name.isEmpty()) {
            throw bad(spec, origin, "the topic name is empty");
        }
        int partitions = 1;
        if (parts.length > 1) {
            try {
                partitions = Integer.parseInt(parts[1].trim());
            } catch (NumberFormatException e) {
                throw bad(spec, origin, "'" + parts[1] + "' is not a partition count");
            }
            if (partitions < 1) {
                throw bad(spec, origin, "a topic needs at least one partition");
            }
        }
        Map<String, String> configs = new LinkedHashMap<>();
        if (parts.length > 2) {
            configs.putAll(Settings.parse(parts[2].split(","), origin + " topic '" + name + "'"));
        }
        return new TopicSpec(name, partitions, Map.copyOf(configs));
    }

    /** The topic a {@link Topic} annotation declares. */
    static TopicSpec of(Topic topic, String origin) {
        if (topic.name().isBlank()) {
            throw new ExtensionConfigurationException(origin + ": @Topic needs a name");
        }
        return of(topic.name().trim(), topic.partitions(), topic.configs(), origin + " @Topic '" + topic.name() + "'");
    }

    static TopicSpec of(String name, int partitions, TopicConfig[] configs, String origin) {
        if (partitions < 1) {
            throw new ExtensionConfigurationException(origin + ": a topic needs at least one partition, not "
                    + partitions);
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (TopicConfig config : configs) {
            map.put(config.name().trim(), config.value());
        }
        return new TopicSpec(name, partitions, Map.copyOf(map));
    }

    TopicSpec withConfigs(Map<String, String> moreConfigs) {
        Map<String, String> merged = new LinkedHashMap<>(configs);
        merged.putAll(moreConfigs);
        return new TopicSpec(name, partitions, Map.copyOf(merged));
    }

    private static ExtensionConfigurationException bad(String spec, String origin, String problem) {
        return new ExtensionConfigurationException(origin + ": bad topic \"" + spec + "\": " + problem
                + ". Use " + FORMAT + ", or @Topic for configs whose values hold commas.");
    }
}
