package io.kafkalite.security;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.security.auth.login.AppConfigurationEntry;

import io.kafkalite.metadata.BrokerConfig;
import io.kafkalite.metadata.Listener;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.security.JaasUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SASL for one SASL_PLAINTEXT or SASL_SSL listener, read from Kafka's settings: {@code sasl.enabled.mechanisms}
 * (listener override first), the PLAIN users of {@code listener.name.<listener>.plain.sasl.jaas.config}
 * ({@code user_NAME="password"} options), the OAUTHBEARER validator options of
 * {@code listener.name.<listener>.oauthbearer.sasl.jaas.config}, and {@code sasl.server.max.receive.size}.
 */
public final class SaslSettings {

    public static final String PLAIN = "PLAIN";
    public static final String SCRAM_SHA_256 = "SCRAM-SHA-256";
    public static final String SCRAM_SHA_512 = "SCRAM-SHA-512";
    public static final String OAUTHBEARER = "OAUTHBEARER";
    private static final List<String> SUPPORTED = List.of(PLAIN, SCRAM_SHA_256, SCRAM_SHA_512, OAUTHBEARER);
    private static final Logger LOG = LoggerFactory.getLogger(SaslSettings.class);

    private final List<String> mechanisms;
    private final Map<String, String> plainUsers;
    private final OAuthBearerServer.OAuthBearerSettings oauthBearer;
    private final int maxReceiveSize;

    private SaslSettings(List<String> mechanisms, Map<String, String> plainUsers,
                         OAuthBearerServer.OAuthBearerSettings oauthBearer, int maxReceiveSize) {
        this.mechanisms = mechanisms;
        this.plainUsers = plainUsers;
        this.oauthBearer = oauthBearer;
        this.maxReceiveSize = maxReceiveSize;
    }

    /**
     * @param declaredUsers users given to the builder (name to password): PLAIN users on every SASL listener
     * @throws ConfigException naming the setting that is wrong
     */
    static SaslSettings of(BrokerConfig config, Listener listener, Map<String, String> declaredUsers) {
        @SuppressWarnings("unchecked")
        List<String> configured = (List<String>) config.listenerValue(listener.name(), BrokerConfig.SASL_ENABLED_MECHANISMS);
        List<String> mechanisms = new ArrayList<>();
        for (String mechanism : configured == null ? SUPPORTED : configured) {
            String name = mechanism.trim().toUpperCase(Locale.ROOT);
            if (name.equals("GSSAPI")) {
                LOG.warn("Listener {} lists GSSAPI in sasl.enabled.mechanisms: Kafkalite has no Kerberos, so it is not "
                        + "offered", listener.name().value());
            } else if (!SUPPORTED.contains(name)) {
                throw new ConfigException(BrokerConfig.SASL_ENABLED_MECHANISMS, configured,
                        "Kafkalite offers " + SUPPORTED + ", not " + mechanism);
            } else if (!mechanisms.contains(name)) {
                mechanisms.add(name);
            }
        }
        if (mechanisms.isEmpty()) {
            throw new ConfigException(BrokerConfig.SASL_ENABLED_MECHANISMS, configured,
                    "listener " + listener.name().value() + " needs one of " + SUPPORTED);
        }
        Map<String, String> plainUsers = new LinkedHashMap<>();
        jaasOptions(config, listener, PLAIN).forEach((key, value) -> {
            if (key.startsWith("user_")) {
                plainUsers.put(key.substring("user_".length()), String.valueOf(value));
            }
        });
        plainUsers.putAll(declaredUsers);
        OAuthBearerServer.OAuthBearerSettings oauth;
        try {
            oauth = OAuthBearerServer.OAuthBearerSettings.from(jaasOptions(config, listener, OAUTHBEARER));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(jaasKey(listener, OAUTHBEARER) + ": " + e.getMessage());
        }
        int maxReceive = (Integer) config.listenerValue(listener.name(), BrokerConfig.SASL_SERVER_MAX_RECEIVE_SIZE);
        return new SaslSettings(List.copyOf(mechanisms), Map.copyOf(plainUsers), oauth, maxReceive);
    }

    /**
     * The options of the listener's login module for {@code mechanism}: from its JAAS setting, or from the static JAAS
     * file ({@code java.security.auth.login.config}, section {@code <listener>.KafkaServer} or {@code KafkaServer}) as
     * Kafka falls back to; empty when there is neither.
     */
    private static Map<String, ?> jaasOptions(BrokerConfig config, Listener listener, String mechanism) {
        String key = jaasKey(listener, mechanism);
        String jaas = config.listenerSetting(listener.name(), mechanism.toLowerCase(Locale.ROOT) + "." + BrokerConfig.SASL_JAAS_CONFIG);
        if (jaas == null && System.getProperty(JaasUtils.JAVA_LOGIN_CONFIG_PARAM) == null) {
            return Map.of();
        }
        List<AppConfigurationEntry> entries;
        try {
            Map<String, Object> configs = jaas == null ? Map.of()
                    : Map.of(mechanism.toLowerCase(Locale.ROOT) + "." + BrokerConfig.SASL_JAAS_CONFIG, new Password(jaas));
            entries = JaasContext.loadServerContext(listener.name(), mechanism, configs).configurationEntries();
        } catch (IllegalArgumentException | KafkaException e) {
            if (jaas == null) {
                return Map.of(); // the JAAS file has no section for this listener
            }
            throw new ConfigException(key + " is not a JAAS setting Kafka accepts: " + e.getMessage());
        }
        String module = mechanism.equals(PLAIN) ? "PlainLoginModule" : "OAuthBearerLoginModule";
        for (AppConfigurationEntry entry : entries) {
            if (entries.size() == 1 || entry.getLoginModuleName().endsWith(module)) {
                return entry.getOptions();
            }
        }
        return Map.of();
    }

    private static String jaasKey(Listener listener, String mechanism) {
        return BrokerConfig.LISTENER_PREFIX + listener.name().value().toLowerCase(Locale.ROOT) + "."
                + mechanism.toLowerCase(Locale.ROOT) + "." + BrokerConfig.SASL_JAAS_CONFIG;
    }

    /** The mechanisms offered, in configuration order. */
    public List<String> mechanisms() {
        return mechanisms;
    }

    Map<String, String> plainUsers() {
        return plainUsers;
    }

    OAuthBearerServer.OAuthBearerSettings oauthBearer() {
        return oauthBearer;
    }

    /** The largest frame an unauthenticated client may send ({@code sasl.server.max.receive.size}). */
    public int maxReceiveSize() {
        return maxReceiveSize;
    }
}
