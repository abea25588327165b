package io.kafkalite.metadata;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * Reads {@code listeners}, {@code advertised.listeners} and {@code listener.security.protocol.map} as Kafka does:
 * {@code NAME://host:port} entries, names mapped to security protocols, advertised entries naming a subset of the
 * listeners, an advertised port 0 meaning the bound port.
 */
final class ListenerConfigs {

    /** Kafka's endpoint syntax: a name, then a host (IPv6 in brackets, empty for every interface), then a port. */
    private static final Pattern ENDPOINT = Pattern.compile("^(.+)://\\[?([0-9a-zA-Z\\-%._:]*)\\]?:(-?[0-9]+)$");

    private ListenerConfigs() {
    }

    static List<Listener> parse(List<String> listeners, List<String> advertised, String protocolMap) {
        Map<ListenerName, SecurityProtocol> protocols = protocolMap(protocolMap);
        Map<ListenerName, Endpoint> bind = endpoints(BrokerConfig.LISTENERS, listeners, protocols);
        if (bind.isEmpty()) {
            throw new ConfigException(BrokerConfig.LISTENERS, String.join(",", listeners), "at least one listener is needed");
        }
        Set<Integer> ports = new HashSet<>();
        for (Endpoint endpoint : bind.values()) {
            if (endpoint.port != 0 && !ports.add(endpoint.port)) {
                throw new ConfigException(BrokerConfig.LISTENERS, String.join(",", listeners),
                        "each listener must have a different port, found " + endpoint.port + " twice");
            }
        }
        Map<ListenerName, Endpoint> advertise = advertised == null ? bind
                : endpoints(BrokerConfig.ADVERTISED_LISTENERS, advertised, protocols);
        for (ListenerName name : advertise.keySet()) {
            if (!bind.containsKey(name)) {
                throw new ConfigException(BrokerConfig.ADVERTISED_LISTENERS, String.join(",", advertised),
                        "advertised listener " + name.value() + " is not in listeners (" + String.join(",", listeners) + ")");
            }
        }
        List<Listener> result = new ArrayList<>();
        for (Map.Entry<ListenerName, Endpoint> entry : bind.entrySet()) {
            Endpoint local = entry.getValue();
            Endpoint public_ = advertise.getOrDefault(entry.getKey(), local);
            String advertisedHost = public_.host;
            if (advertisedHost.equals("0.0.0.0") || advertisedHost.equals("::")) {
                throw new ConfigException((advertised == null ? BrokerConfig.LISTENERS : BrokerConfig.ADVERTISED_LISTENERS)
                        + " cannot advertise the non-routable meta-address " + advertisedHost + " for listener "
                        + entry.getKey().value() + "; set advertised.listeners to a routable host, e.g. "
                        + entry.getKey().value() + "://127.0.0.1:" + local.port);
            }
            if (advertisedHost.isEmpty()) {
                advertisedHost = "localhost"; // Kafka advertises the machine's canonical name; loopback suits tests
            }
            result.add(new Listener(entry.getKey(), protocols.get(entry.getKey()), local.host, local.port,
                    advertisedHost, public_.port));
        }
        return result;
    }

    private static Map<ListenerName, SecurityProtocol> protocolMap(String value) {
        Map<ListenerName, SecurityProtocol> map = new LinkedHashMap<>();
        for (String entry : value.split(",")) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int colon = trimmed.indexOf(':');
            if (colon <= 0 || trimmed.substring(0, colon).isBlank()) {
                throw new ConfigException(BrokerConfig.LISTENER_SECURITY_PROTOCOL_MAP, value,
                        "entries are NAME:PROTOCOL, got '" + trimmed + "'");
            }
            String protocol = trimmed.substring(colon + 1).trim().toUpperCase(Locale.ROOT);
            try {
                map.put(listenerName(trimmed.substring(0, colon).trim()), SecurityProtocol.forName(protocol));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(BrokerConfig.LISTENER_SECURITY_PROTOCOL_MAP, value, "unknown security protocol '"
                        + protocol + "'; use PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL");
            }
        }
        return map;
    }

    /**
     * Kafka's upper-case form of a (non-blank) listener name. Built here rather than by {@code ListenerName.normalised},
     * which loads Kafka's {@code Utils} and with it the JDK's locale data: ~15 ms of a fresh JVM's start().
     */
    private static ListenerName listenerName(String name) {
        return new ListenerName(name.toUpperCase(Locale.ROOT));
    }

    private static Map<ListenerName, Endpoint> endpoints(String key, List<String> entries,
                                                         Map<ListenerName, SecurityProtocol> protocols) {
        Map<ListenerName, Endpoint> endpoints = new LinkedHashMap<>();
        for (String entry : entries) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            Matcher m = ENDPOINT.matcher(trimmed);
            if (!m.matches()) {
                throw new ConfigException(key, String.join(",", entries), "'" + trimmed
                        + "' is not NAME://host:port (e.g. PLAINTEXT://127.0.0.1:9092 or SASL_SSL://0.0.0.0:9093)");
            }
            ListenerName name = listenerName(m.group(1));
            if (!protocols.containsKey(name)) {
                throw new ConfigException(key, String.join(",", entries), "no security protocol for listener "
                        + name.value() + " in " + BrokerConfig.LISTENER_SECURITY_PROTOCOL_MAP + " (" + protocols.keySet()
                        .stream().map(ListenerName::value).toList() + ")");
            }
            int port = Integer.parseInt(m.group(3));
            if (port < 0 || port > 65535) {
                throw new ConfigException(key, String.join(",", entries), "port " + port + " is outside 0..65535");
            }
            if (endpoints.put(name, new Endpoint(m.group(2), port)) != null) {
                throw new ConfigException(key, String.join(",", entries), "listener " + name.value() + " appears twice");
            }
        }
        return endpoints;
    }

    private record Endpoint(String host, int port) {
    }
}
