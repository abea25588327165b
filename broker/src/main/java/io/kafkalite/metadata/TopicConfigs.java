package io.kafkalite.metadata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidList;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.record.TimestampType;

/**
 * Topic-level configs under Kafka's names, with validation. Every config Kafka documents for topics is accepted
 * and reported by DescribeConfigs; the ones a single in-memory-mapped node acts on are typed in {@link Settings}.
 */
public final class TopicConfigs {

    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String RETENTION_MS = "retention.ms";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
    public static final String MESSAGE_TIMESTAMP_AFTER_MAX_MS = "message.timestamp.after.max.ms";
    public static final String MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "message.timestamp.before.max.ms";
    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
    public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
    public static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define(CLEANUP_POLICY, Type.LIST, "delete", ValidList.in(false, "compact", "delete"), Importance.MEDIUM,
                    "delete or compact (or both).")
            .define(RETENTION_MS, Type.LONG, 604800000L, Range.atLeast(-1), Importance.MEDIUM,
                    "How long records are kept; -1 keeps them forever.")
            .define(RETENTION_BYTES, Type.LONG, -1L, Importance.MEDIUM,
                    "How many bytes a partition keeps; -1 means no limit.")
            .define(MAX_MESSAGE_BYTES, Type.INT, 1048588, Range.atLeast(0), Importance.MEDIUM,
                    "Largest record batch the topic accepts.")
            .define(MESSAGE_TIMESTAMP_TYPE, Type.STRING, "CreateTime", ValidString.in("CreateTime", "LogAppendTime"),
                    Importance.MEDIUM, "Whether records keep the producer's timestamp or get the broker's.")
            .define(MESSAGE_TIMESTAMP_AFTER_MAX_MS, Type.LONG, 3600000L, Range.atLeast(0), Importance.LOW,
                    "How far in the future a CreateTime timestamp may be.")
            .define(MESSAGE_TIMESTAMP_BEFORE_MAX_MS, Type.LONG, Long.MAX_VALUE, Range.atLeast(0), Importance.LOW,
                    "How far in the past a CreateTime timestamp may be.")
            .define(SEGMENT_BYTES, Type.INT, 1073741824, Range.atLeast(14), Importance.LOW,
                    "A partition's segment rolls at this size; compaction never cleans the newest segment.")
            .define(MIN_INSYNC_REPLICAS, Type.INT, 1, Range.atLeast(1), Importance.LOW, "Always satisfied on one node.")
            .define("compression.type", Type.STRING, "producer",
                    ValidString.in("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"), Importance.LOW,
                    "Batches are stored as the producer compressed them.")
            .define("compression.gzip.level", Type.INT, -1, Importance.LOW, "Reported only.")
            .define("compression.lz4.level", Type.INT, 9, Importance.LOW, "Reported only.")
            .define("compression.zstd.level", Type.INT, 3, Importance.LOW, "Reported only.")
            .define(DELETE_RETENTION_MS, Type.LONG, 86400000L, Range.atLeast(0), Importance.LOW,
                    "How long compaction keeps tombstones and transaction markers after first cleaning them.")
            .define("file.delete.delay.ms", Type.LONG, 60000L, Range.atLeast(0), Importance.LOW, "Reported only.")
            .define("flush.messages", Type.LONG, Long.MAX_VALUE, Range.atLeast(1), Importance.LOW, "Reported only.")
            .define("flush.ms", Type.LONG, Long.MAX_VALUE, Range.atLeast(0), Importance.LOW, "Reported only.")
            .define("follower.replication.throttled.replicas", Type.LIST, "", Importance.LOW, "Reported only.")
            .define("index.interval.bytes", Type.INT, 4096, Range.atLeast(0), Importance.LOW, "Reported only.")
            .define("leader.replication.throttled.replicas", Type.LIST, "", Importance.LOW, "Reported only.")
            .define("local.retention.bytes", Type.LONG, -2L, Importance.LOW, "Reported only.")
            .define("local.retention.ms", Type.LONG, -2L, Importance.LOW, "Reported only.")
            .define(MAX_COMPACTION_LAG_MS, Type.LONG, Long.MAX_VALUE, Range.atLeast(1), Importance.LOW,
                    "A record stays uncompacted at most this long, however clean the log is.")
            .define(MIN_CLEANABLE_DIRTY_RATIO, Type.DOUBLE, 0.5, Range.between(0, 1), Importance.LOW,
                    "Compaction starts when this share of the log is dirty (written since the last cleaning).")
            .define(MIN_COMPACTION_LAG_MS, Type.LONG, 0L, Range.atLeast(0), Importance.LOW,
                    "A record stays uncompacted at least this long.")
            .define("preallocate", Type.BOOLEAN, false, Importance.LOW, "Reported only.")
            .define("remote.storage.enable", Type.BOOLEAN, false, Importance.LOW, "Reported only.")
            .define("segment.index.bytes", Type.INT, 10485760, Range.atLeast(4), Importance.LOW, "Reported only.")
            .define("segment.jitter.ms", Type.LONG, 0L, Range.atLeast(0), Importance.LOW, "Reported only.")
            .define(SEGMENT_MS, Type.LONG, 604800000L, Range.atLeast(1), Importance.LOW,
                    "A partition's segment rolls when it is this old; compaction never cleans the newest segment.")
            .define("unclean.leader.election.enable", Type.BOOLEAN, false, Importance.LOW, "Reported only.");
    /** Each config's own default (computed once: ConfigDef builds a new map per call). */
    private static final Map<String, Object> DEFAULTS = DEFINITION.defaultValues();

    private TopicConfigs() {
    }

    /** Every topic config name, sorted. */
    public static List<String> names() {
        return List.copyOf(new TreeMap<>(DEFINITION.configKeys()).keySet());
    }

    public static boolean isKnown(String name) {
        return DEFINITION.names().contains(name);
    }

    public static ConfigDef.ConfigKey definition(String name) {
        return DEFINITION.configKeys().get(name);
    }

    /**
     * Checks topic config overrides by name and value.
     *
     * @throws ConfigException naming the first unknown config or bad value
     */
    public static void validate(Map<String, String> overrides) {
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!isKnown(e.getKey())) {
                throw new ConfigException("Unknown topic config name: " + e.getKey());
            }
            if (e.getValue() == null) {
                throw new ConfigException(e.getKey(), null, "Null value not supported for topic configs");
            }
        }
        DEFINITION.parse(overrides);
    }

    /** The effective settings of a topic: its overrides over defaults derived from the broker config. */
    public static Settings resolve(BrokerConfig broker, Map<String, String> overrides) {
        Map<String, Object> merged = new LinkedHashMap<>(broker.topicDefaults());
        if (!overrides.isEmpty()) {
            merged.putAll(DEFINITION.parse(overrides).entrySet().stream()
                    .filter(e -> overrides.containsKey(e.getKey()))
                    .collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey(), e.getValue()), Map::putAll));
        }
        @SuppressWarnings("unchecked")
        List<String> cleanupPolicy = (List<String>) merged.get(CLEANUP_POLICY);
        return new Settings(
                cleanupPolicy.contains("delete"),
                cleanupPolicy.contains("compact"),
                (Long) merged.get(RETENTION_MS),
                (Long) merged.get(RETENTION_BYTES),
                (Integer) merged.get(MAX_MESSAGE_BYTES),
                "LogAppendTime".equals(merged.get(MESSAGE_TIMESTAMP_TYPE))
                        ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME,
                (Long) merged.get(MESSAGE_TIMESTAMP_AFTER_MAX_MS),
                (Long) merged.get(MESSAGE_TIMESTAMP_BEFORE_MAX_MS),
                (Integer) merged.get(SEGMENT_BYTES),
                (Long) merged.get(SEGMENT_MS),
                (Long) merged.get(DELETE_RETENTION_MS),
                (Long) merged.get(MIN_COMPACTION_LAG_MS),
                (Long) merged.get(MAX_COMPACTION_LAG_MS),
                (Double) merged.get(MIN_CLEANABLE_DIRTY_RATIO));
    }

    /** A config's effective value as text, and whether it comes from the topic, the broker or a default. */
    public static ConfigValue describe(String name, BrokerConfig broker, Map<String, String> overrides) {
        Synonym inEffect = synonyms(name, broker, overrides).get(0);
        return new ConfigValue(inEffect.source() == ConfigValue.Source.TOPIC ? inEffect.value() : defaultValue(name, broker),
                inEffect.source());
    }

    /**
     * Where a config's value can come from, the one in effect first, as Kafka lists them: the topic override, broker
     * settings given at start, then broker defaults. A config with no broker setting behind it lists its own default.
     */
    public static List<Synonym> synonyms(String name, BrokerConfig broker, Map<String, String> overrides) {
        List<Synonym> synonyms = new ArrayList<>();
        if (overrides.containsKey(name)) {
            synonyms.add(new Synonym(name, overrides.get(name), ConfigValue.Source.TOPIC));
        }
        List<String> brokerNames = BrokerConfig.brokerSynonyms(name);
        for (String brokerName : brokerNames) {
            if (broker.isExplicit(brokerName)) {
                synonyms.add(new Synonym(brokerName, broker.valueAsString(brokerName), ConfigValue.Source.BROKER));
            }
        }
        for (String brokerName : brokerNames) {
            String brokerDefault = BrokerConfig.defaultAsString(brokerName);
            if (brokerDefault != null) {
                synonyms.add(new Synonym(brokerName, brokerDefault, ConfigValue.Source.DEFAULT));
            }
        }
        if (synonyms.isEmpty()) {
            synonyms.add(new Synonym(name, defaultValue(name, broker), ConfigValue.Source.DEFAULT));
        }
        return synonyms;
    }

    /** The value a topic without an override has: derived from the broker's settings where Kafka does so. */
    private static String defaultValue(String name, BrokerConfig broker) {
        Object value = BrokerConfig.brokerSynonyms(name).isEmpty()
                ? DEFAULTS.get(name) : broker.topicDefaults().get(name);
        return ConfigDef.convertToString(value, DEFINITION.configKeys().get(name).type);
    }

    /**
     * The settings the broker acts on. Retention applies only with {@code deletePolicy} ({@code cleanup.policy}
     * contains {@code delete}); a compact-only topic keeps its records however old. Compaction applies only with
     * {@code compactPolicy}, and then producers must give every record a key.
     */
    public record Settings(boolean deletePolicy, boolean compactPolicy, long retentionMs, long retentionBytes, int maxMessageBytes, TimestampType timestampType,
                           long timestampAfterMaxMs, long timestampBeforeMaxMs, long segmentBytes, long segmentMs,
                           long deleteRetentionMs, long minCompactionLagMs, long maxCompactionLagMs,
                           double minCleanableDirtyRatio) {
    }

    /** A described config value. */
    public record ConfigValue(String value, Source source) {
        public enum Source { TOPIC, BROKER, DEFAULT }
    }

    /** One place a config's value can come from: a name (the topic's or a broker setting's) and its value there. */
    public record Synonym(String name, String value, ConfigValue.Source source) {
    }
}
