package io.kafkalite.junit;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.kafkalite.KafkaLite;
import io.kafkalite.security.GeneratedCertificates;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * A secure embedded cluster declared in one annotation: the listener (SASL_PLAINTEXT, SSL or SASL_SSL), the users, a
 * super user the extension's own clients log in as, the ACLs; and the client settings that log in as each of them
 * with the broker's generated truststore. Immutable; the certificates come from the running broker.
 */
final class ClusterSecurity {

    /** The super user that injected clients, resets and reports use unless a parameter names a user. */
    static final String SUPER_USER = "kafkalite-admin";
    private static final Set<String> MECHANISMS = Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER");
    private static final String STANDARD_AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";

    private final String mechanism;
    private final boolean tls;
    private final Map<String, String> users;
    private final List<AclBinding> acls;
    private final String superUserPassword;

    private ClusterSecurity(String mechanism, boolean tls, Map<String, String> users, List<AclBinding> acls) {
        this.mechanism = mechanism;
        this.tls = tls;
        this.users = users;
        this.acls = acls;
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        this.superUserPassword = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /**
     * What the annotation (or builder) declares; null when it declares no security at all.
     *
     * @throws ExtensionConfigurationException naming the attribute that is wrong
     */
    static ClusterSecurity of(String sasl, boolean tls, List<String> userSpecs, List<String> aclSpecs, String origin) {
        String mechanism = sasl == null || sasl.isBlank() ? null : sasl.trim().toUpperCase(Locale.ROOT);
        if (mechanism != null && !MECHANISMS.contains(mechanism)) {
            throw new ExtensionConfigurationException(origin + ": sasl = \"" + sasl + "\" is not one of " + MECHANISMS);
        }
        Map<String, String> users = new LinkedHashMap<>();
        for (String spec : userSpecs) {
            int colon = spec.indexOf(':');
            String name = colon < 0 ? spec.trim() : spec.substring(0, colon).trim();
            String password = colon < 0 ? "" : spec.substring(colon + 1);
            if (name.isEmpty() || mechanism != null && !mechanism.equals("OAUTHBEARER") && password.isEmpty()) {
                throw new ExtensionConfigurationException(origin + ": users entry \"" + spec
                        + "\" is not name:password");
            }
            users.put(name, password);
        }
        List<AclBinding> acls = new ArrayList<>();
        for (String spec : aclSpecs) {
            acls.addAll(parseAcl(spec, origin));
        }
        if (mechanism == null && !tls) {
            if (!users.isEmpty() || !acls.isEmpty()) {
                throw new ExtensionConfigurationException(origin + ": users and acls need sasl = \"...\" or tls = true, "
                        + "since a PLAINTEXT client cannot say who it is");
            }
            return null;
        }
        return new ClusterSecurity(mechanism, tls, Map.copyOf(users), List.copyOf(acls));
    }

    /**
     * One ACL: {@code "ALLOW User:alice READ,WRITE TOPIC orders"}, optionally followed by {@code PREFIXED} (the name is
     * a prefix) and {@code HOST=1.2.3.4}; {@code DENY} instead of {@code ALLOW}; resource types TOPIC, GROUP,
     * CLUSTER and TRANSACTIONAL_ID; a principal without a type means {@code User:}.
     */
    static List<AclBinding> parseAcl(String spec, String origin) {
        String[] words = spec.trim().split("\\s+");
        String usage = origin + ": acl \"" + spec + "\" is not \"ALLOW|DENY principal OPERATION[,OPERATION] "
                + "TOPIC|GROUP|CLUSTER|TRANSACTIONAL_ID name [PREFIXED] [HOST=address]\", e.g. "
                + "\"ALLOW User:alice READ TOPIC orders\"";
        if (words.length < 5) {
            throw new ExtensionConfigurationException(usage);
        }
        try {
            AclPermissionType permission = AclPermissionType.valueOf(words[0].toUpperCase(Locale.ROOT));
            if (permission != AclPermissionType.ALLOW && permission != AclPermissionType.DENY) {
                throw new IllegalArgumentException(words[0]);
            }
            String principal = words[1].contains(":") ? words[1] : "User:" + words[1];
            ResourceType type = ResourceType.valueOf(words[3].toUpperCase(Locale.ROOT));
            String name = type == ResourceType.CLUSTER ? "kafka-cluster" : words[4];
            PatternType pattern = PatternType.LITERAL;
            String host = "*";
            for (int i = 5; i < words.length; i++) {
                if (words[i].equalsIgnoreCase("PREFIXED")) {
                    pattern = PatternType.PREFIXED;
                } else if (words[i].toUpperCase(Locale.ROOT).startsWith("HOST=")) {
                    host = words[i].substring("HOST=".length());
                } else {
                    throw new IllegalArgumentException(words[i]);
                }
            }
            List<AclBinding> bindings = new ArrayList<>();
            for (String operation : words[2].split(",")) {
                bindings.add(new AclBinding(new ResourcePattern(type, name, pattern), new AccessControlEntry(principal,
                        host, AclOperation.valueOf(operation.trim().toUpperCase(Locale.ROOT)), permission)));
            }
            return bindings;
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException(usage + " (" + e.getMessage() + ")");
        }
    }

    /** The broker settings: the one listener, SASL users with the super user, the authorizer when there are ACLs. */
    void configure(KafkaLite.Builder builder, Map<String, String> brokerConfig) {
        Map<String, String> configs = new HashMap<>();
        configs.put("listeners", protocol() + "://127.0.0.1:0");
        if (mechanism != null) {
            configs.put("sasl.enabled.mechanisms", mechanism);
            builder.user(SUPER_USER, superUserPassword);
            users.forEach((name, password) -> {
                if (!password.isEmpty()) {
                    builder.user(name, password);
                }
            });
        } else {
            // TLS alone: every client presents a certificate, CN=name becomes User:name
            configs.put("ssl.client.auth", "required");
            configs.put("ssl.principal.mapping.rules", "RULE:^CN=([^,]+)$/$1/,DEFAULT");
        }
        if (!acls.isEmpty()) {
            configs.put("authorizer.class.name", STANDARD_AUTHORIZER);
            configs.put("super.users", "User:" + SUPER_USER);
        }
        configs.putAll(brokerConfig); // what the class says about the broker wins
        builder.brokerConfigs(configs);
    }

    /** Creates the declared ACLs, as the super user. */
    void createAcls(Map<String, Object> superUserConfig) {
        if (acls.isEmpty()) {
            return;
        }
        try (Admin admin = Admin.create(superUserConfig)) {
            admin.createAcls(acls).all().get();
        } catch (Exception e) {
            throw new ExtensionConfigurationException("Cannot create the declared ACLs " + acls + ": " + e.getMessage(), e);
        }
    }

    /**
     * Client settings that log in as {@code user} (null: the super user), trusting the broker's generated CA.
     *
     * @throws org.junit.jupiter.api.extension.ParameterResolutionException for a user that was not declared
     */
    Map<String, Object> clientConfig(KafkaLite broker, String user) {
        String name = user == null ? SUPER_USER : user;
        if (user != null && !users.containsKey(user)) {
            throw new org.junit.jupiter.api.extension.ParameterResolutionException("No user '" + user + "' was declared; "
                    + "declare it with users = \"" + user + ":password\" (declared: " + users.keySet() + ")");
        }
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol());
        if (tls) {
            GeneratedCertificates certificates = broker.certificates();
            config.putAll(certificates.clientTrustSettings());
            if (mechanism == null) {
                config.putAll(certificates.clientCertificate("CN=" + name).clientSettings());
            }
        }
        if (mechanism != null) {
            String password = user == null ? superUserPassword : users.get(user);
            config.put("sasl.mechanism", mechanism);
            config.put("sasl.jaas.config", jaas(name, password));
        }
        return config;
    }

    private String jaas(String name, String password) {
        return switch (mechanism) {
            case "PLAIN" -> "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + name
                    + "\" password=\"" + password + "\";";
            case "OAUTHBEARER" -> "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required "
                    + "unsecuredLoginStringClaim_sub=\"" + name + "\";";
            default -> "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + name
                    + "\" password=\"" + password + "\";";
        };
    }

    private String protocol() {
        return mechanism == null ? "SSL" : tls ? "SASL_SSL" : "SASL_PLAINTEXT";
    }

    @Override
    public String toString() {
        return protocol() + (mechanism == null ? "" : " " + mechanism) + ", users " + users.keySet() + ", " + acls.size()
                + " ACLs";
    }
}
