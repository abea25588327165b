package io.kafkalite.metadata;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidConfigurationException;

/**
 * Group-level configs (Admin's GROUP config resource) under Kafka's names: {@code share.auto.offset.reset},
 * {@code share.record.lock.duration.ms}, {@code streams.num.standby.replicas}, ... A group without an override takes
 * the broker's {@code group.*} setting. Changes are journaled, so they survive a restart; configs may be set before
 * the group exists and outlive its deletion, as in Kafka (they live in the cluster metadata, not in the group).
 */
public final class GroupConfigs implements MetadataJournal.Participant {

    public static final String CONSUMER_SESSION_TIMEOUT_MS = "consumer.session.timeout.ms";
    public static final String CONSUMER_HEARTBEAT_INTERVAL_MS = "consumer.heartbeat.interval.ms";
    public static final String SHARE_SESSION_TIMEOUT_MS = "share.session.timeout.ms";
    public static final String SHARE_HEARTBEAT_INTERVAL_MS = "share.heartbeat.interval.ms";
    public static final String SHARE_RECORD_LOCK_DURATION_MS = "share.record.lock.duration.ms";
    public static final String SHARE_AUTO_OFFSET_RESET = "share.auto.offset.reset";
    public static final String SHARE_ISOLATION_LEVEL = "share.isolation.level";
    public static final String STREAMS_SESSION_TIMEOUT_MS = "streams.session.timeout.ms";
    public static final String STREAMS_HEARTBEAT_INTERVAL_MS = "streams.heartbeat.interval.ms";
    public static final String STREAMS_NUM_STANDBY_REPLICAS = "streams.num.standby.replicas";
    public static final String STREAMS_INITIAL_REBALANCE_DELAY_MS = "streams.initial.rebalance.delay.ms";

    /** Each group config and the broker setting that gives its default. */
    private static final Map<String, String> BROKER_DEFAULTS = Map.ofEntries(
            Map.entry(CONSUMER_SESSION_TIMEOUT_MS, BrokerConfig.GROUP_CONSUMER_SESSION_TIMEOUT_MS),
            Map.entry(CONSUMER_HEARTBEAT_INTERVAL_MS, BrokerConfig.GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS),
            Map.entry(SHARE_SESSION_TIMEOUT_MS, BrokerConfig.GROUP_SHARE_SESSION_TIMEOUT_MS),
            Map.entry(SHARE_HEARTBEAT_INTERVAL_MS, BrokerConfig.GROUP_SHARE_HEARTBEAT_INTERVAL_MS),
            Map.entry(SHARE_RECORD_LOCK_DURATION_MS, BrokerConfig.GROUP_SHARE_RECORD_LOCK_DURATION_MS),
            Map.entry(STREAMS_SESSION_TIMEOUT_MS, BrokerConfig.GROUP_STREAMS_SESSION_TIMEOUT_MS),
            Map.entry(STREAMS_HEARTBEAT_INTERVAL_MS, BrokerConfig.GROUP_STREAMS_HEARTBEAT_INTERVAL_MS),
            Map.entry(STREAMS_NUM_STANDBY_REPLICAS, BrokerConfig.GROUP_STREAMS_NUM_STANDBY_REPLICAS),
            Map.entry(STREAMS_INITIAL_REBALANCE_DELAY_MS, BrokerConfig.GROUP_STREAMS_INITIAL_REBALANCE_DELAY_MS));

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define(CONSUMER_SESSION_TIMEOUT_MS, Type.INT, null, unsetOr(Range.atLeast(1)), Importance.MEDIUM,
                    "Session timeout of the group's consumer-protocol members.")
            .define(CONSUMER_HEARTBEAT_INTERVAL_MS, Type.INT, null, unsetOr(Range.atLeast(1)), Importance.MEDIUM,
                    "Heartbeat interval of the group's consumer-protocol members.")
            .define(SHARE_SESSION_TIMEOUT_MS, Type.INT, null, unsetOr(Range.atLeast(1)), Importance.MEDIUM,
                    "Session timeout of the share group's members.")
            .define(SHARE_HEARTBEAT_INTERVAL_MS, Type.INT, null, unsetOr(Range.atLeast(1)), Importance.MEDIUM,
                    "Heartbeat interval of the share group's members.")
            .define(SHARE_RECORD_LOCK_DURATION_MS, Type.INT, null, unsetOr(Range.atLeast(1000)), Importance.MEDIUM,
                    "How long a member holds the records it acquired.")
            .define(SHARE_AUTO_OFFSET_RESET, Type.STRING, "latest", Importance.MEDIUM,
                    "Where a share group starts on a partition: earliest, latest or by_duration:<ISO-8601 duration>.")
            .define(SHARE_ISOLATION_LEVEL, Type.STRING, "read_uncommitted",
                    ValidString.in("read_committed", "read_uncommitted"), Importance.MEDIUM,
                    "read_committed delivers only committed transactional records.")
            .define(STREAMS_SESSION_TIMEOUT_MS, Type.INT, null, unsetOr(Range.atLeast(1)), Importance.MEDIUM,
                    "Session timeout of the streams group's members.")
            .define(STREAMS_HEARTBEAT_INTERVAL_MS, Type.INT, null, unsetOr(Range.atLeast(1)), Importance.MEDIUM,
                    "Heartbeat interval of the streams group's members.")
            .define(STREAMS_NUM_STANDBY_REPLICAS, Type.INT, null, unsetOr(Range.atLeast(0)), Importance.MEDIUM,
                    "Standby replicas of each stateful task.")
            .define(STREAMS_INITIAL_REBALANCE_DELAY_MS, Type.INT, null, unsetOr(Range.atLeast(0)), Importance.MEDIUM,
                    "How long a new streams group waits for more members before its first assignment.");

    /** A group config left unset takes the broker's setting: the validator must accept null. */
    private static ConfigDef.Validator unsetOr(ConfigDef.Validator validator) {
        return (name, value) -> {
            if (value != null) {
                validator.ensureValid(name, value);
            }
        };
    }

    private final BrokerConfig broker;
    private final MetadataJournal journal;
    private final Map<String, Map<String, String>> byGroup = new HashMap<>();

    public GroupConfigs(BrokerConfig broker, MetadataJournal journal) {
        this.broker = broker;
        this.journal = journal;
    }

    /** Group configs of a broker with every default and no journal (for coordinators built without a broker). */
    public static GroupConfigs withoutOverrides() {
        return new GroupConfigs(BrokerConfig.parse(Map.of()), MetadataJournal.none());
    }

    /** A broker setting of the groups, e.g. {@code group.share.max.size}. */
    public int brokerInt(String name) {
        return broker.intValue(name);
    }

    /** Every group config name, sorted. */
    public static List<String> names() {
        return List.copyOf(new TreeMap<>(DEFINITION.configKeys()).keySet());
    }

    public static boolean isKnown(String name) {
        return DEFINITION.configKeys().containsKey(name);
    }

    public static ConfigDef.ConfigKey definition(String name) {
        return DEFINITION.configKeys().get(name);
    }

    /** The group's own settings (empty when it has none). */
    public Map<String, String> overrides(String group) {
        return byGroup.getOrDefault(group, Map.of());
    }

    /** The value in force and where it comes from. */
    public TopicConfigs.ConfigValue describe(String group, String name) {
        String own = overrides(group).get(name);
        if (own != null) {
            return new TopicConfigs.ConfigValue(own, TopicConfigs.ConfigValue.Source.TOPIC);
        }
        String brokerName = BROKER_DEFAULTS.get(name);
        if (brokerName != null) {
            return new TopicConfigs.ConfigValue(broker.valueAsString(brokerName),
                    broker.isExplicit(brokerName) ? TopicConfigs.ConfigValue.Source.BROKER
                            : TopicConfigs.ConfigValue.Source.DEFAULT);
        }
        return new TopicConfigs.ConfigValue(ConfigDef.convertToString(definition(name).defaultValue,
                definition(name).type), TopicConfigs.ConfigValue.Source.DEFAULT);
    }

    /** An int config of the group, its own or the broker's. */
    public int intValue(String group, String name) {
        return Integer.parseInt(describe(group, name).value());
    }

    /** A config of the group as text, its own or the broker's. */
    public String stringValue(String group, String name) {
        return describe(group, name).value();
    }

    /**
     * Replaces the group's settings after validating them.
     *
     * @throws InvalidConfigurationException naming the config that is unknown or whose value is invalid
     */
    public void set(String group, Map<String, String> overrides, boolean validateOnly) {
        validate(overrides);
        if (validateOnly) {
            return;
        }
        if (overrides.isEmpty()) {
            byGroup.remove(group);
        } else {
            byGroup.put(group, Map.copyOf(overrides));
        }
        journal.groupConfigured(group, overrides);
    }

    private void validate(Map<String, String> overrides) {
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!isKnown(e.getKey())) {
                throw new InvalidConfigurationException("Unknown group config name: " + e.getKey()
                        + ". Group configs are " + String.join(", ", names()));
            }
        }
        try {
            DEFINITION.parse(overrides);
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
        String reset = overrides.get(SHARE_AUTO_OFFSET_RESET);
        if (reset != null) {
            AutoOffsetReset.parse(reset);
        }
        String lock = overrides.get(SHARE_RECORD_LOCK_DURATION_MS);
        if (lock != null) {
            int ms = Integer.parseInt(lock.trim());
            int min = broker.intValue(BrokerConfig.GROUP_SHARE_MIN_RECORD_LOCK_DURATION_MS);
            int max = broker.intValue(BrokerConfig.GROUP_SHARE_MAX_RECORD_LOCK_DURATION_MS);
            if (ms < min || ms > max) {
                throw new InvalidConfigurationException(SHARE_RECORD_LOCK_DURATION_MS + " must be between " + min
                        + " and " + max + " (" + BrokerConfig.GROUP_SHARE_MIN_RECORD_LOCK_DURATION_MS + " and "
                        + BrokerConfig.GROUP_SHARE_MAX_RECORD_LOCK_DURATION_MS + "), got " + ms);
            }
        }
        String standbys = overrides.get(STREAMS_NUM_STANDBY_REPLICAS);
        if (standbys != null) {
            int max = broker.intValue(BrokerConfig.GROUP_STREAMS_MAX_STANDBY_REPLICAS);
            if (Integer.parseInt(standbys.trim()) > max) {
                throw new InvalidConfigurationException(STREAMS_NUM_STANDBY_REPLICAS + " must be at most " + max
                        + " (" + BrokerConfig.GROUP_STREAMS_MAX_STANDBY_REPLICAS + ")");
            }
        }
    }

    @Override
    public void writeSnapshot(MetadataJournal snapshot) {
        new TreeMap<>(byGroup).forEach(snapshot::groupConfigured);
    }

    @Override
    public void onGroupConfigured(String group, Map<String, String> configs) {
        if (configs.isEmpty()) {
            byGroup.remove(group);
        } else {
            byGroup.put(group, Map.copyOf(configs));
        }
    }

    /**
     * {@code share.auto.offset.reset}: where a share group starts on a partition it has no state for.
     *
     * @param kind earliest, latest or by_duration
     * @param duration how far back from now, for by_duration
     */
    public record AutoOffsetReset(Kind kind, Duration duration) {

        /** The strategies Kafka knows. */
        public enum Kind { EARLIEST, LATEST, BY_DURATION }

        /** @throws InvalidConfigurationException for anything but earliest, latest or by_duration:&lt;duration&gt; */
        public static AutoOffsetReset parse(String value) {
            String lower = value.trim().toLowerCase(Locale.ROOT);
            if (lower.equals("earliest")) {
                return new AutoOffsetReset(Kind.EARLIEST, null);
            }
            if (lower.equals("latest")) {
                return new AutoOffsetReset(Kind.LATEST, null);
            }
            if (lower.startsWith("by_duration:")) {
                try {
                    Duration duration = Duration.parse(value.trim().substring("by_duration:".length()));
                    if (!duration.isNegative()) {
                        return new AutoOffsetReset(Kind.BY_DURATION, duration);
                    }
                } catch (DateTimeParseException e) {
                    // reported below
                }
            }
            throw new InvalidConfigurationException("Invalid value '" + value + "' for " + SHARE_AUTO_OFFSET_RESET
                    + ": use earliest, latest or by_duration:<ISO-8601 duration, e.g. PT1H>");
        }
    }
}
