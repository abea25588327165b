package io.kafkalite.metadata;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.TreeMap;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.internals.BrokerSecurityConfigs;
import org.apache.kafka.common.network.ListenerName;

/**
 * Broker settings under Kafka's own names. Defaults suit tests (no initial rebalance delay, replication factor
 * 1); unknown names and bad values fail at start with a message naming the key.
 *
 * <p>Settings that only matter to a multi-node cluster are accepted so that configurations written for a real
 * cluster keep working, and have no effect.
 */
public final class BrokerConfig {

    public static final String NODE_ID = "node.id";
    public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String MESSAGE_MAX_BYTES = "message.max.bytes";
    public static final String LOG_RETENTION_MS = "log.retention.ms";
    public static final String LOG_RETENTION_MINUTES = "log.retention.minutes";
    public static final String LOG_RETENTION_HOURS = "log.retention.hours";
    public static final String LOG_RETENTION_BYTES = "log.retention.bytes";
    public static final String LOG_RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String LOG_CLEANUP_POLICY = "log.cleanup.policy";
    public static final String LOG_MESSAGE_TIMESTAMP_TYPE = "log.message.timestamp.type";
    public static final String LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS = "log.message.timestamp.after.max.ms";
    public static final String LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "log.message.timestamp.before.max.ms";
    public static final String LOG_SEGMENT_BYTES = "log.segment.bytes";
    public static final String LOG_ROLL_MS = "log.roll.ms";
    public static final String LOG_ROLL_HOURS = "log.roll.hours";
    public static final String LOG_CLEANER_ENABLE = "log.cleaner.enable";
    public static final String LOG_CLEANER_BACKOFF_MS = "log.cleaner.backoff.ms";
    public static final String LOG_CLEANER_MIN_CLEANABLE_RATIO = "log.cleaner.min.cleanable.ratio";
    public static final String LOG_CLEANER_DELETE_RETENTION_MS = "log.cleaner.delete.retention.ms";
    public static final String LOG_CLEANER_MIN_COMPACTION_LAG_MS = "log.cleaner.min.compaction.lag.ms";
    public static final String LOG_CLEANER_MAX_COMPACTION_LAG_MS = "log.cleaner.max.compaction.lag.ms";
    /** Kafkalite's own: the size of one file of the log all partitions share. */
    public static final String LOG_FILE_BYTES = "kafkalite.log.file.bytes";
    /** Kafkalite's own: free disk space record appends leave for the journal and index checkpoints. */
    public static final String LOG_MIN_FREE_BYTES = "kafkalite.log.min.free.bytes";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
    public static final String DELETE_TOPIC_ENABLE = "delete.topic.enable";
    public static final String GROUP_INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
    public static final String GROUP_MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
    public static final String GROUP_MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
    public static final String GROUP_CONSUMER_SESSION_TIMEOUT_MS = "group.consumer.session.timeout.ms";
    public static final String GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS = "group.consumer.heartbeat.interval.ms";
    public static final String GROUP_SHARE_SESSION_TIMEOUT_MS = "group.share.session.timeout.ms";
    public static final String GROUP_SHARE_HEARTBEAT_INTERVAL_MS = "group.share.heartbeat.interval.ms";
    public static final String GROUP_SHARE_RECORD_LOCK_DURATION_MS = "group.share.record.lock.duration.ms";
    public static final String GROUP_SHARE_MIN_RECORD_LOCK_DURATION_MS = "group.share.min.record.lock.duration.ms";
    public static final String GROUP_SHARE_MAX_RECORD_LOCK_DURATION_MS = "group.share.max.record.lock.duration.ms";
    public static final String GROUP_SHARE_DELIVERY_COUNT_LIMIT = "group.share.delivery.count.limit";
    public static final String GROUP_SHARE_PARTITION_MAX_RECORD_LOCKS = "group.share.partition.max.record.locks";
    public static final String GROUP_SHARE_MAX_SIZE = "group.share.max.size";
    public static final String GROUP_SHARE_MAX_SHARE_SESSIONS = "group.share.max.share.sessions";
    public static final String GROUP_STREAMS_SESSION_TIMEOUT_MS = "group.streams.session.timeout.ms";
    public static final String GROUP_STREAMS_HEARTBEAT_INTERVAL_MS = "group.streams.heartbeat.interval.ms";
    public static final String GROUP_STREAMS_NUM_STANDBY_REPLICAS = "group.streams.num.standby.replicas";
    public static final String GROUP_STREAMS_MAX_STANDBY_REPLICAS = "group.streams.max.standby.replicas";
    public static final String GROUP_STREAMS_INITIAL_REBALANCE_DELAY_MS = "group.streams.initial.rebalance.delay.ms";
    public static final String GROUP_STREAMS_MAX_SIZE = "group.streams.max.size";
    public static final String OFFSETS_TOPIC_REPLICATION_FACTOR = "offsets.topic.replication.factor";
    public static final String OFFSETS_TOPIC_NUM_PARTITIONS = "offsets.topic.num.partitions";
    public static final String TRANSACTION_STATE_LOG_REPLICATION_FACTOR = "transaction.state.log.replication.factor";
    public static final String TRANSACTION_STATE_LOG_MIN_ISR = "transaction.state.log.min.isr";
    public static final String TRANSACTION_MAX_TIMEOUT_MS = "transaction.max.timeout.ms";
    public static final String TRANSACTIONAL_ID_EXPIRATION_MS = "transactional.id.expiration.ms";
    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String LISTENER_SECURITY_PROTOCOL_MAP = "listener.security.protocol.map";
    public static final String INTER_BROKER_LISTENER_NAME = "inter.broker.listener.name";
    public static final String SECURITY_INTER_BROKER_PROTOCOL = "security.inter.broker.protocol";
    public static final String SSL_CLIENT_AUTH = BrokerSecurityConfigs.SSL_CLIENT_AUTH_CONFIG;
    public static final String SSL_PRINCIPAL_MAPPING_RULES = BrokerSecurityConfigs.SSL_PRINCIPAL_MAPPING_RULES_CONFIG;
    public static final String SASL_ENABLED_MECHANISMS = BrokerSecurityConfigs.SASL_ENABLED_MECHANISMS_CONFIG;
    public static final String SASL_MECHANISM_INTER_BROKER_PROTOCOL = "sasl.mechanism.inter.broker.protocol";
    public static final String SASL_SERVER_MAX_RECEIVE_SIZE = BrokerSecurityConfigs.SASL_SERVER_MAX_RECEIVE_SIZE_CONFIG;
    public static final String CONNECTIONS_MAX_REAUTH_MS = BrokerSecurityConfigs.CONNECTIONS_MAX_REAUTH_MS_CONFIG;
    public static final String CONNECTION_FAILED_AUTHENTICATION_DELAY_MS = "connection.failed.authentication.delay.ms";
    public static final String AUTHORIZER_CLASS_NAME = "authorizer.class.name";
    public static final String SUPER_USERS = "super.users";
    public static final String ALLOW_EVERYONE_IF_NO_ACL_FOUND = "allow.everyone.if.no.acl.found";
    /** Per-listener settings: {@code listener.name.<listener, lower case>.<setting>}. */
    public static final String LISTENER_PREFIX = "listener.name.";
    /** JAAS settings per listener and mechanism: {@code listener.name.sasl_ssl.plain.sasl.jaas.config}. */
    public static final String SASL_JAAS_CONFIG = "sasl.jaas.config";
    /** Kafka's default map (the CONTROLLER entry exists for configurations written for KRaft). */
    static final String DEFAULT_PROTOCOL_MAP =
            "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL";

    /** The ssl.* subset, parsed per listener into what kafka-clients' DefaultSslEngineFactory expects. */
    private static final ConfigDef SSL_DEFINITION = new ConfigDef().withClientSslSupport()
            .define(SSL_CLIENT_AUTH, Type.STRING, "none", ValidString.in("none", "requested", "required"), Importance.MEDIUM, "")
            .define(SSL_PRINCIPAL_MAPPING_RULES, Type.STRING, "DEFAULT", Importance.LOW, "");

    static final ConfigDef DEFINITION = new ConfigDef()
            .define(NODE_ID, Type.INT, 1, Range.atLeast(0), Importance.HIGH, "Id of this broker in metadata responses.")
            .define(AUTO_CREATE_TOPICS_ENABLE, Type.BOOLEAN, true, Importance.HIGH,
                    "Create a topic when a client asks for its metadata and it does not exist.")
            .define(NUM_PARTITIONS, Type.INT, 1, Range.atLeast(1), Importance.MEDIUM,
                    "Partitions of auto-created topics and of topics created without a count.")
            .define(DEFAULT_REPLICATION_FACTOR, Type.SHORT, (short) 1, Importance.LOW,
                    "Accepted for compatibility; a single node always keeps one replica.")
            .define(MESSAGE_MAX_BYTES, Type.INT, 1048588, Range.atLeast(0), Importance.HIGH,
                    "Largest record batch a topic accepts unless its max.message.bytes says otherwise.")
            .define(LOG_RETENTION_MS, Type.LONG, null, Importance.HIGH,
                    "Default retention.ms of topics; when unset, taken from log.retention.minutes or .hours.")
            .define(LOG_RETENTION_MINUTES, Type.INT, null, Importance.HIGH, "See log.retention.ms.")
            .define(LOG_RETENTION_HOURS, Type.INT, 168, Importance.HIGH, "See log.retention.ms.")
            .define(LOG_RETENTION_BYTES, Type.LONG, -1L, Importance.HIGH, "Default retention.bytes of topics.")
            .define(LOG_RETENTION_CHECK_INTERVAL_MS, Type.LONG, 1000L, Range.atLeast(1), Importance.MEDIUM,
                    "How often retention is applied (Kafka's default is 5 minutes; tests want it sooner).")
            .define(LOG_CLEANUP_POLICY, Type.LIST, "delete", Importance.MEDIUM, "Default cleanup.policy of topics.")
            .define(LOG_MESSAGE_TIMESTAMP_TYPE, Type.STRING, "CreateTime",
                    ValidString.in("CreateTime", "LogAppendTime"), Importance.MEDIUM,
                    "Default message.timestamp.type of topics.")
            .define(LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS, Type.LONG, 3600000L, Range.atLeast(0), Importance.LOW,
                    "Default message.timestamp.after.max.ms of topics.")
            .define(LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS, Type.LONG, Long.MAX_VALUE, Range.atLeast(0), Importance.LOW,
                    "Default message.timestamp.before.max.ms of topics.")
            .define(LOG_SEGMENT_BYTES, Type.INT, 1073741824, Range.atLeast(14), Importance.LOW,
                    "Default segment.bytes of topics: compaction never cleans a partition's newest segment.")
            .define(LOG_ROLL_MS, Type.LONG, null, Importance.LOW,
                    "Default segment.ms of topics; when unset, taken from log.roll.hours.")
            .define(LOG_ROLL_HOURS, Type.INT, 168, Range.atLeast(1), Importance.LOW, "See log.roll.ms.")
            .define(LOG_CLEANER_ENABLE, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Whether compacted topics are compacted in the background (KafkaLite.cleanLogs() always works).")
            .define(LOG_CLEANER_BACKOFF_MS, Type.LONG, 1000L, Range.atLeast(1), Importance.MEDIUM,
                    "How often the cleaner looks for a log to compact (Kafka's default is 15 s; tests want it sooner).")
            .define(LOG_CLEANER_MIN_CLEANABLE_RATIO, Type.DOUBLE, 0.5, Range.between(0, 1), Importance.MEDIUM,
                    "Default min.cleanable.dirty.ratio of topics.")
            .define(LOG_CLEANER_DELETE_RETENTION_MS, Type.LONG, 86400000L, Range.atLeast(0), Importance.MEDIUM,
                    "Default delete.retention.ms of topics.")
            .define(LOG_CLEANER_MIN_COMPACTION_LAG_MS, Type.LONG, 0L, Range.atLeast(0), Importance.MEDIUM,
                    "Default min.compaction.lag.ms of topics.")
            .define(LOG_CLEANER_MAX_COMPACTION_LAG_MS, Type.LONG, Long.MAX_VALUE, Range.atLeast(1), Importance.MEDIUM,
                    "Default max.compaction.lag.ms of topics.")
            .define(LOG_FILE_BYTES, Type.LONG, 64L << 20, Range.between(1L << 20, 1L << 30), Importance.LOW,
                    "Size of one file of the log that all partitions share; space is given back file by file.")
            .define(LOG_MIN_FREE_BYTES, Type.LONG, 64L << 20, Range.atLeast(0), Importance.LOW,
                    "Producers get KAFKA_STORAGE_ERROR rather than leave less free disk space than this, so that "
                            + "offset commits and the bookkeeping that frees space keep working on a full disk.")
            .define(MIN_INSYNC_REPLICAS, Type.INT, 1, Range.atLeast(1), Importance.LOW,
                    "Default min.insync.replicas of topics (always satisfied on one node).")
            .define(SOCKET_REQUEST_MAX_BYTES, Type.INT, 104857600, Range.atLeast(1), Importance.MEDIUM,
                    "Largest request frame; a larger one closes its connection.")
            .define(DELETE_TOPIC_ENABLE, Type.BOOLEAN, true, Importance.MEDIUM, "Whether topics can be deleted.")
            .define(GROUP_INITIAL_REBALANCE_DELAY_MS, Type.INT, 0, Range.atLeast(0), Importance.MEDIUM,
                    "Wait for more members before the first rebalance of a new group.")
            .define(GROUP_MIN_SESSION_TIMEOUT_MS, Type.INT, 100, Range.atLeast(0), Importance.MEDIUM,
                    "Smallest session timeout a consumer may ask for.")
            .define(GROUP_MAX_SESSION_TIMEOUT_MS, Type.INT, 1800000, Range.atLeast(0), Importance.MEDIUM,
                    "Largest session timeout a consumer may ask for.")
            .define(GROUP_CONSUMER_SESSION_TIMEOUT_MS, Type.INT, 45000, Range.atLeast(1), Importance.MEDIUM,
                    "Consumer-protocol (KIP-848) members that stop heartbeating leave the group after this.")
            .define(GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS, Type.INT, 500, Range.atLeast(1), Importance.MEDIUM,
                    "How often consumer-protocol members heartbeat (Kafka's default is 5 s; tests want new "
                            + "assignments sooner).")
            .define(GROUP_SHARE_SESSION_TIMEOUT_MS, Type.INT, 45000, Range.atLeast(1), Importance.MEDIUM,
                    "Share group members that stop heartbeating leave the group after this.")
            .define(GROUP_SHARE_HEARTBEAT_INTERVAL_MS, Type.INT, 500, Range.atLeast(1), Importance.MEDIUM,
                    "How often share group members heartbeat (Kafka's default is 5 s; tests want assignments sooner).")
            .define(GROUP_SHARE_RECORD_LOCK_DURATION_MS, Type.INT, 30000, Range.atLeast(1000), Importance.MEDIUM,
                    "How long a share consumer holds records it acquired before they are delivered to another.")
            .define(GROUP_SHARE_MIN_RECORD_LOCK_DURATION_MS, Type.INT, 15000, Range.atLeast(1000), Importance.LOW,
                    "Smallest share.record.lock.duration.ms a group config may set.")
            .define(GROUP_SHARE_MAX_RECORD_LOCK_DURATION_MS, Type.INT, 60000, Range.atLeast(1000), Importance.LOW,
                    "Largest share.record.lock.duration.ms a group config may set.")
            .define(GROUP_SHARE_DELIVERY_COUNT_LIMIT, Type.INT, 5, Range.between(2, 10), Importance.MEDIUM,
                    "Deliveries of a record to share consumers before it is archived instead of delivered again.")
            .define(GROUP_SHARE_PARTITION_MAX_RECORD_LOCKS, Type.INT, 2000, Range.atLeast(100), Importance.MEDIUM,
                    "Records of a partition a share group may have in flight (acquired or awaiting redelivery).")
            .define(GROUP_SHARE_MAX_SIZE, Type.INT, 200, Range.atLeast(1), Importance.MEDIUM,
                    "Members a share group may have.")
            .define(GROUP_SHARE_MAX_SHARE_SESSIONS, Type.INT, 2000, Range.atLeast(1), Importance.LOW,
                    "Share sessions (one per share consumer) the broker keeps.")
            .define(GROUP_STREAMS_SESSION_TIMEOUT_MS, Type.INT, 45000, Range.atLeast(1), Importance.MEDIUM,
                    "Streams group members that stop heartbeating leave the group after this.")
            .define(GROUP_STREAMS_HEARTBEAT_INTERVAL_MS, Type.INT, 500, Range.atLeast(1), Importance.MEDIUM,
                    "How often streams group members heartbeat (Kafka's default is 5 s; tests want assignments sooner).")
            .define(GROUP_STREAMS_NUM_STANDBY_REPLICAS, Type.INT, 0, Range.atLeast(0), Importance.MEDIUM,
                    "Standby replicas of each stateful task in a streams group.")
            .define(GROUP_STREAMS_MAX_STANDBY_REPLICAS, Type.INT, 2, Range.atLeast(0), Importance.LOW,
                    "Largest streams.num.standby.replicas a group config may set.")
            .define(GROUP_STREAMS_INITIAL_REBALANCE_DELAY_MS, Type.INT, 0, Range.atLeast(0), Importance.MEDIUM,
                    "How long a new streams group waits for more members before its first assignment (Kafka's "
                            + "default is 3 s; tests want tasks at once).")
            .define(GROUP_STREAMS_MAX_SIZE, Type.INT, Integer.MAX_VALUE, Range.atLeast(1), Importance.LOW,
                    "Members a streams group may have.")
            .define(OFFSETS_TOPIC_REPLICATION_FACTOR, Type.SHORT, (short) 1, Importance.LOW, "Accepted for compatibility.")
            .define(OFFSETS_TOPIC_NUM_PARTITIONS, Type.INT, 1, Range.atLeast(1), Importance.LOW, "Accepted for compatibility.")
            .define(TRANSACTION_STATE_LOG_REPLICATION_FACTOR, Type.SHORT, (short) 1, Importance.LOW,
                    "Accepted for compatibility.")
            .define(TRANSACTION_STATE_LOG_MIN_ISR, Type.INT, 1, Importance.LOW, "Accepted for compatibility.")
            .define(TRANSACTION_MAX_TIMEOUT_MS, Type.INT, 900000, Range.atLeast(1), Importance.HIGH,
                    "Largest transaction.timeout.ms a producer may ask for; a larger one fails its initTransactions().")
            .define(TRANSACTIONAL_ID_EXPIRATION_MS, Type.INT, 604800000, Range.atLeast(1), Importance.LOW,
                    "A transactional id with no transaction for this long is forgotten.")
            .define(LISTENERS, Type.LIST, "PLAINTEXT://127.0.0.1:0", Importance.HIGH,
                    "Comma-separated NAME://host:port entries to bind; an empty host binds every interface, port 0 a "
                            + "free port.")
            .define(ADVERTISED_LISTENERS, Type.LIST, null, Importance.HIGH,
                    "What clients are told to connect to, per listener name; defaults to listeners. Port 0 means the "
                            + "bound port.")
            .define(LISTENER_SECURITY_PROTOCOL_MAP, Type.STRING, DEFAULT_PROTOCOL_MAP, Importance.LOW,
                    "Listener name to security protocol (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL).")
            .define(INTER_BROKER_LISTENER_NAME, Type.STRING, null, Importance.LOW,
                    "Accepted for compatibility; a single node has no inter-broker traffic.")
            .define(SECURITY_INTER_BROKER_PROTOCOL, Type.STRING, "PLAINTEXT", Importance.LOW,
                    "Accepted for compatibility; a single node has no inter-broker traffic.")
            .withClientSslSupport()
            .define(SSL_CLIENT_AUTH, Type.STRING, "none", ValidString.in("none", "requested", "required"), Importance.MEDIUM,
                    "Whether TLS clients must (required) or may (requested) present a certificate.")
            .define(SSL_PRINCIPAL_MAPPING_RULES, Type.STRING, "DEFAULT", Importance.LOW,
                    "Rules mapping a client certificate's distinguished name to the principal's name.")
            .define(SASL_ENABLED_MECHANISMS, Type.LIST, null, Importance.MEDIUM,
                    "SASL mechanisms offered (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER); by default every "
                            + "one of them (Kafka's default is GSSAPI, which Kafkalite does not offer).")
            .define(SASL_MECHANISM_INTER_BROKER_PROTOCOL, Type.STRING, "GSSAPI", Importance.LOW,
                    "Accepted for compatibility; a single node has no inter-broker traffic.")
            .define(SASL_SERVER_MAX_RECEIVE_SIZE, Type.INT, 524288, Range.atLeast(1), Importance.LOW,
                    "Largest frame a client may send before it has authenticated.")
            .define(CONNECTIONS_MAX_REAUTH_MS, Type.LONG, 0L, Range.atLeast(0), Importance.LOW,
                    "Accepted for compatibility; Kafkalite does not expire authenticated sessions.")
            .define(CONNECTION_FAILED_AUTHENTICATION_DELAY_MS, Type.INT, 100, Range.atLeast(0), Importance.LOW,
                    "How long the broker waits before answering (and closing) a failed authentication.")
            .define(AUTHORIZER_CLASS_NAME, Type.STRING, "", Importance.MEDIUM,
                    "Kafka's StandardAuthorizer (or kafka.security.authorizer.AclAuthorizer) "
                            + "turns on ACL authorization; empty leaves every request authorized.")
            .define(SUPER_USERS, Type.STRING, "", Importance.MEDIUM,
                    "Principals that bypass ACLs, separated by semicolons, e.g. User:admin;User:CN=broker.")
            .define(ALLOW_EVERYONE_IF_NO_ACL_FOUND, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Whether a resource without any ACL is open to everyone.");

    private final Map<String, Object> values;
    private final Map<String, String> explicit;
    private final List<Listener> listeners;

    @SuppressWarnings("unchecked")
    private BrokerConfig(Map<String, Object> values, Map<String, String> explicit) {
        this.values = values;
        this.explicit = explicit;
        this.listeners = ListenerConfigs.parse((List<String>) values.get(LISTENERS),
                (List<String>) values.get(ADVERTISED_LISTENERS), (String) values.get(LISTENER_SECURITY_PROTOCOL_MAP));
    }

    /**
     * Parses broker settings by Kafka name.
     *
     * @throws ConfigException naming the key that is unknown or whose value is invalid
     */
    public static BrokerConfig parse(Map<String, String> settings) {
        Map<String, String> global = new HashMap<>();
        for (Map.Entry<String, String> setting : settings.entrySet()) {
            String key = setting.getKey();
            if (key.startsWith(LISTENER_PREFIX)) {
                checkListenerSetting(key);
            } else if (!DEFINITION.names().contains(key)) {
                throw new ConfigException("Unknown broker config '" + key + "'. Kafkalite accepts: "
                        + String.join(", ", new TreeMap<>(DEFINITION.configKeys()).keySet())
                        + ", and per listener listener.name.<listener>.ssl.*, .sasl.enabled.mechanisms and "
                        + ".<mechanism>.sasl.jaas.config");
            } else {
                global.put(key, setting.getValue());
            }
        }
        return new BrokerConfig(DEFINITION.parse(global), Map.copyOf(settings));
    }

    /** {@code listener.name.<listener>.<setting>}: the setting must be one Kafka allows per listener. */
    private static void checkListenerSetting(String key) {
        String rest = key.substring(LISTENER_PREFIX.length());
        int dot = rest.indexOf('.');
        String setting = dot < 0 ? "" : rest.substring(dot + 1);
        boolean perListener = setting.startsWith("ssl.") && DEFINITION.names().contains(setting)
                || setting.equals(SASL_ENABLED_MECHANISMS) || setting.equals(SASL_SERVER_MAX_RECEIVE_SIZE)
                || setting.equals(CONNECTIONS_MAX_REAUTH_MS)
                || setting.matches("[a-z0-9-]+\\.(" + Pattern.quote(SASL_JAAS_CONFIG) + "|" + Pattern.quote(CONNECTIONS_MAX_REAUTH_MS) + ")");
        if (!perListener) {
            throw new ConfigException("Unknown broker config '" + key + "': after listener.name.<listener>. Kafkalite "
                    + "accepts ssl.* settings, sasl.enabled.mechanisms and <mechanism>.sasl.jaas.config, e.g. "
                    + "listener.name.sasl_ssl.plain.sasl.jaas.config");
        }
    }

    /**
     * A setting as given for one listener: {@code listener.name.<listener>.<name>} if set, else {@code <name>} if set,
     * else null (the caller applies the default).
     */
    public String listenerSetting(ListenerName listener, String name) {
        String own = explicit.get(LISTENER_PREFIX + listener.value().toLowerCase(Locale.ROOT) + "." + name);
        return own != null ? own : explicit.get(name);
    }

    /** Every {@code ssl.*} setting for one listener, with listener overrides applied and defaults filled in. */
    public Map<String, Object> sslSettings(ListenerName listener) {
        Map<String, String> raw = new HashMap<>();
        for (String name : SSL_DEFINITION.names()) {
            String value = listenerSetting(listener, name);
            if (value != null) {
                raw.put(name, value);
            }
        }
        return SSL_DEFINITION.parse(raw);
    }

    /** Whether any ssl keystore setting was given for this listener (else Kafkalite generates certificates). */
    public boolean hasKeystore(ListenerName listener) {
        return listenerSetting(listener, "ssl.keystore.location") != null
                || listenerSetting(listener, "ssl.keystore.certificate.chain") != null;
    }

    /** The typed value of a setting (its default when not given). */
    public Object value(String name) {
        return values.get(name);
    }

    /** The typed value of a setting, with a listener's own value winning (for ssl.*, sasl.* and such). */
    public Object listenerValue(ListenerName listener, String name) {
        String own = listenerSetting(listener, name);
        return own == null ? values.get(name) : ConfigDef.parseType(name, own, DEFINITION.configKeys().get(name).type);
    }

    /** The listeners to bind, in configuration order; the first is the one {@code bootstrapServers()} names. */
    public List<Listener> listeners() {
        return listeners;
    }

    public int nodeId() {
        return (Integer) values.get(NODE_ID);
    }

    public boolean autoCreateTopics() {
        return (Boolean) values.get(AUTO_CREATE_TOPICS_ENABLE);
    }

    public int numPartitions() {
        return (Integer) values.get(NUM_PARTITIONS);
    }

    public int messageMaxBytes() {
        return (Integer) values.get(MESSAGE_MAX_BYTES);
    }

    public int socketRequestMaxBytes() {
        return (Integer) values.get(SOCKET_REQUEST_MAX_BYTES);
    }

    public int connectionFailedAuthenticationDelayMs() {
        return (Integer) values.get(CONNECTION_FAILED_AUTHENTICATION_DELAY_MS);
    }

    public long retentionCheckIntervalMs() {
        return (Long) values.get(LOG_RETENTION_CHECK_INTERVAL_MS);
    }

    public boolean cleanerEnable() {
        return (Boolean) values.get(LOG_CLEANER_ENABLE);
    }

    public long cleanerBackoffMs() {
        return (Long) values.get(LOG_CLEANER_BACKOFF_MS);
    }

    public long logFileBytes() {
        return (Long) values.get(LOG_FILE_BYTES);
    }

    public long logMinFreeBytes() {
        return (Long) values.get(LOG_MIN_FREE_BYTES);
    }

    public long rollMs() {
        Long ms = (Long) values.get(LOG_ROLL_MS);
        return ms != null ? ms : (Integer) values.get(LOG_ROLL_HOURS) * 3_600_000L;
    }

    public boolean deleteTopicEnable() {
        return (Boolean) values.get(DELETE_TOPIC_ENABLE);
    }

    public int transactionMaxTimeoutMs() {
        return (Integer) values.get(TRANSACTION_MAX_TIMEOUT_MS);
    }

    public int transactionalIdExpirationMs() {
        return (Integer) values.get(TRANSACTIONAL_ID_EXPIRATION_MS);
    }

    /** An int setting by name. */
    public int intValue(String name) {
        return (Integer) values.get(name);
    }

    public long retentionMs() {
        Long ms = (Long) values.get(LOG_RETENTION_MS);
        if (ms != null) {
            return ms;
        }
        Integer minutes = (Integer) values.get(LOG_RETENTION_MINUTES);
        if (minutes != null) {
            return minutes * 60_000L;
        }
        return (Integer) values.get(LOG_RETENTION_HOURS) * 3_600_000L;
    }

    /** The value of a setting as a string, for DescribeConfigs. */
    public String valueAsString(String name) {
        return ConfigDef.convertToString(values.get(name), DEFINITION.configKeys().get(name).type);
    }

    /** Kafka's default of a setting as a string, or null when it has none. */
    public static String defaultAsString(String name) {
        ConfigDef.ConfigKey key = DEFINITION.configKeys().get(name);
        return key.hasDefault() ? ConfigDef.convertToString(key.defaultValue, key.type) : null;
    }

    /** Whether the user set this name explicitly (rather than leaving Kafka's default). */
    public boolean isExplicit(String name) {
        return explicit.containsKey(name);
    }

    public static Iterable<String> names() {
        return new TreeMap<>(DEFINITION.configKeys()).keySet();
    }

    public static ConfigDef.ConfigKey definition(String name) {
        return DEFINITION.configKeys().get(name);
    }

    /** Topic config defaults that follow from these broker settings (topic name to value). */
    Map<String, Object> topicDefaults() {
        Map<String, Object> defaults = new HashMap<>();
        defaults.put(TopicConfigs.RETENTION_MS, retentionMs());
        defaults.put(TopicConfigs.RETENTION_BYTES, values.get(LOG_RETENTION_BYTES));
        defaults.put(TopicConfigs.MAX_MESSAGE_BYTES, values.get(MESSAGE_MAX_BYTES));
        defaults.put(TopicConfigs.CLEANUP_POLICY, values.get(LOG_CLEANUP_POLICY));
        defaults.put(TopicConfigs.MESSAGE_TIMESTAMP_TYPE, values.get(LOG_MESSAGE_TIMESTAMP_TYPE));
        defaults.put(TopicConfigs.MESSAGE_TIMESTAMP_AFTER_MAX_MS, values.get(LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS));
        defaults.put(TopicConfigs.MESSAGE_TIMESTAMP_BEFORE_MAX_MS, values.get(LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS));
        defaults.put(TopicConfigs.SEGMENT_BYTES, values.get(LOG_SEGMENT_BYTES));
        defaults.put(TopicConfigs.SEGMENT_MS, rollMs());
        defaults.put(TopicConfigs.MIN_CLEANABLE_DIRTY_RATIO, values.get(LOG_CLEANER_MIN_CLEANABLE_RATIO));
        defaults.put(TopicConfigs.DELETE_RETENTION_MS, values.get(LOG_CLEANER_DELETE_RETENTION_MS));
        defaults.put(TopicConfigs.MIN_COMPACTION_LAG_MS, values.get(LOG_CLEANER_MIN_COMPACTION_LAG_MS));
        defaults.put(TopicConfigs.MAX_COMPACTION_LAG_MS, values.get(LOG_CLEANER_MAX_COMPACTION_LAG_MS));
        defaults.put(TopicConfigs.MIN_INSYNC_REPLICAS, values.get(MIN_INSYNC_REPLICAS));
        return defaults;
    }

    /**
     * The broker settings a topic config's default comes from, the one that wins first (retention.ms has three);
     * empty if it has a fixed default.
     */
    static List<String> brokerSynonyms(String topicConfig) {
        return switch (topicConfig) {
            case TopicConfigs.RETENTION_MS -> List.of(LOG_RETENTION_MS, LOG_RETENTION_MINUTES, LOG_RETENTION_HOURS);
            case TopicConfigs.RETENTION_BYTES -> List.of(LOG_RETENTION_BYTES);
            case TopicConfigs.MAX_MESSAGE_BYTES -> List.of(MESSAGE_MAX_BYTES);
            case TopicConfigs.CLEANUP_POLICY -> List.of(LOG_CLEANUP_POLICY);
            case TopicConfigs.MESSAGE_TIMESTAMP_TYPE -> List.of(LOG_MESSAGE_TIMESTAMP_TYPE);
            case TopicConfigs.MESSAGE_TIMESTAMP_AFTER_MAX_MS -> List.of(LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS);
            case TopicConfigs.MESSAGE_TIMESTAMP_BEFORE_MAX_MS -> List.of(LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS);
            case TopicConfigs.SEGMENT_BYTES -> List.of(LOG_SEGMENT_BYTES);
            case TopicConfigs.SEGMENT_MS -> List.of(LOG_ROLL_MS, LOG_ROLL_HOURS);
            case TopicConfigs.MIN_CLEANABLE_DIRTY_RATIO -> List.of(LOG_CLEANER_MIN_CLEANABLE_RATIO);
            case TopicConfigs.DELETE_RETENTION_MS -> List.of(LOG_CLEANER_DELETE_RETENTION_MS);
            case TopicConfigs.MIN_COMPACTION_LAG_MS -> List.of(LOG_CLEANER_MIN_COMPACTION_LAG_MS);
            case TopicConfigs.MAX_COMPACTION_LAG_MS -> List.of(LOG_CLEANER_MAX_COMPACTION_LAG_MS);
            case TopicConfigs.MIN_INSYNC_REPLICAS -> List.of(MIN_INSYNC_REPLICAS);
            default -> List.of();
        };
    }
}
