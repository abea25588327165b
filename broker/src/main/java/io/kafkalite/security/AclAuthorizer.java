package io.kafkalite.security;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.kafkalite.metadata.BrokerConfig;
import io.kafkalite.metadata.MetadataJournal;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.utils.internals.SecurityUtils;

/**
 * ACLs with the semantics of Kafka's {@code StandardAuthorizer}: LITERAL, wildcard ({@code *}) and PREFIXED patterns;
 * principals (or {@code User:*}) and hosts (or {@code *}); a matching DENY beats any ALLOW; an ALLOW of READ, WRITE,
 * DELETE or ALTER implies DESCRIBE and an ALLOW of ALTER_CONFIGS implies DESCRIBE_CONFIGS (DENYs imply nothing);
 * {@code super.users} bypass ACLs; a resource without any ACL is open only if {@code allow.everyone.if.no.acl.found}.
 * ACLs are kept in the metadata journal. Owned by the broker loop thread.
 *
 * <p>Without {@code authorizer.class.name} the authorizer is disabled: every check passes at once (no allocation on
 * the request path) and the ACL APIs answer SECURITY_DISABLED, as Kafka does.
 */
public final class AclAuthorizer implements MetadataJournal.Participant {

    /** The one CLUSTER resource's name. */
    public static final String CLUSTER_NAME = "kafka-cluster";
    /**
     * Kafka's KRaft authorizer, as users name it. Joined at run time: the shade plugin rewrites every string constant
     * that starts with Kafka's package into the relocated one.
     */
    public static final String STANDARD_AUTHORIZER = String.join(".", "org", "apache", "kafka", "metadata", "authorizer",
            "StandardAuthorizer");
    /** Names accepted for {@code authorizer.class.name}: Kafka's KRaft and ZooKeeper-era ACL authorizers. */
    private static final Set<String> ACL_AUTHORIZERS = Set.of(STANDARD_AUTHORIZER,
            "kafka.security.authorizer.AclAuthorizer", "kafka.security.auth.SimpleAclAuthorizer");
    private static final KafkaPrincipal WILDCARD_PRINCIPAL = new KafkaPrincipal(KafkaPrincipal.USER_TYPE, "*");
    private static final Set<AclOperation> IMPLIES_DESCRIBE = EnumSet.of(AclOperation.DESCRIBE, AclOperation.READ,
            AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER);
    private static final Set<AclOperation> IMPLIES_DESCRIBE_CONFIGS = EnumSet.of(AclOperation.DESCRIBE_CONFIGS,
            AclOperation.ALTER_CONFIGS);

    private final boolean enabled;
    private final Set<KafkaPrincipal> superUsers;
    private final boolean allowIfNoAcl;
    private final MetadataJournal journal;
    private final Set<AclBinding> acls = new LinkedHashSet<>();

    private AclAuthorizer(boolean enabled, Set<KafkaPrincipal> superUsers, boolean allowIfNoAcl, MetadataJournal journal) {
        this.enabled = enabled;
        this.superUsers = superUsers;
        this.allowIfNoAcl = allowIfNoAcl;
        this.journal = journal;
    }

    /**
     * @throws ConfigException for an authorizer class other than Kafka's ACL authorizers, or a bad super user
     */
    public static AclAuthorizer create(BrokerConfig config, MetadataJournal journal) {
        String className = (String) config.value(BrokerConfig.AUTHORIZER_CLASS_NAME);
        boolean enabled = className != null && !className.isBlank();
        if (enabled && !ACL_AUTHORIZERS.contains(className.trim())) {
            throw new ConfigException(BrokerConfig.AUTHORIZER_CLASS_NAME, className, "Kafkalite has its own ACL "
                    + "authorizer with StandardAuthorizer semantics; set " + STANDARD_AUTHORIZER + " to use it, or leave the setting empty to authorize everything");
        }
        Set<KafkaPrincipal> superUsers = new HashSet<>();
        String value = (String) config.value(BrokerConfig.SUPER_USERS);
        for (String user : value == null ? new String[0] : value.split(";")) {
            if (!user.isBlank()) {
                try {
                    superUsers.add(SecurityUtils.parseKafkaPrincipal(user.trim()));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(BrokerConfig.SUPER_USERS, value, "'" + user.trim() + "' is not TYPE:NAME, "
                            + "e.g. User:admin");
                }
            }
        }
        boolean allowIfNoAcl = (Boolean) config.value(BrokerConfig.ALLOW_EVERYONE_IF_NO_ACL_FOUND);
        return new AclAuthorizer(enabled, Set.copyOf(superUsers), allowIfNoAcl, journal);
    }

    /** Whether ACLs are checked at all ({@code authorizer.class.name} is set). */
    public boolean enabled() {
        return enabled;
    }

    /** Whether {@code principal} connecting from {@code host} may do {@code operation} on the resource. */
    public boolean authorize(KafkaPrincipal principal, String host, AclOperation operation, ResourceType type, String name) {
        if (!enabled || superUsers.contains(principal)) {
            return true;
        }
        boolean resourceHasAcls = false;
        boolean allowed = false;
        for (AclBinding acl : acls) {
            ResourcePattern pattern = acl.pattern();
            if (pattern.resourceType() != type || !patternMatches(pattern, name)) {
                continue;
            }
            resourceHasAcls = true;
            AclPermissionType result = result(acl, principal, host, operation);
            if (result == AclPermissionType.DENY) {
                return false;
            }
            allowed |= result == AclPermissionType.ALLOW;
        }
        return allowed || !resourceHasAcls && allowIfNoAcl;
    }

    /**
     * Whether {@code principal} may do {@code operation} on at least one resource of {@code type}: Kafka's
     * {@code authorizeByResourceType}, which lets an idempotent producer with WRITE on some topic initialise.
     */
    public boolean authorizeAny(KafkaPrincipal principal, String host, AclOperation operation, ResourceType type) {
        if (!enabled || superUsers.contains(principal)) {
            return true;
        }
        Set<String> deniedLiterals = new HashSet<>();
        Set<String> deniedPrefixes = new HashSet<>();
        List<AclBinding> allows = new ArrayList<>();
        for (AclBinding acl : acls) {
            if (acl.pattern().resourceType() != type || !principalAndHostMatch(acl, principal, host)
                    || acl.entry().operation() != operation && acl.entry().operation() != AclOperation.ALL) {
                continue;
            }
            boolean literal = acl.pattern().patternType() == PatternType.LITERAL;
            if (acl.entry().permissionType() == AclPermissionType.DENY) {
                if (literal && acl.pattern().name().equals(ResourcePattern.WILDCARD_RESOURCE)) {
                    return false;
                }
                (literal ? deniedLiterals : deniedPrefixes).add(acl.pattern().name());
            } else if (acl.entry().permissionType() == AclPermissionType.ALLOW) {
                if (literal && acl.pattern().name().equals(ResourcePattern.WILDCARD_RESOURCE)) {
                    return true;
                }
                allows.add(acl);
            }
        }
        for (AclBinding allow : allows) {
            String name = allow.pattern().name();
            boolean literal = allow.pattern().patternType() == PatternType.LITERAL;
            if (literal && deniedLiterals.contains(name)) {
                continue;
            }
            boolean deniedByPrefix = false;
            for (int end = 1; end <= name.length() && !deniedByPrefix; end++) {
                deniedByPrefix = deniedPrefixes.contains(name.substring(0, end));
            }
            if (!deniedByPrefix) {
                return true;
            }
        }
        return false;
    }

    /** Kafka's {@code authorized_operations} bit field: each supported operation on the resource that is allowed. */
    public int authorizedOperations(KafkaPrincipal principal, String host, ResourceType type, String name) {
        int bits = 0;
        for (AclOperation operation : supportedOperations(type)) {
            if (authorize(principal, host, operation, type, name)) {
                bits |= 1 << operation.code();
            }
        }
        return bits;
    }

    /** The operations Kafka defines for each resource type (its {@code AclEntry.supportedOperations}). */
    static Set<AclOperation> supportedOperations(ResourceType type) {
        return switch (type) {
            case TOPIC -> EnumSet.of(AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DESCRIBE,
                    AclOperation.DELETE, AclOperation.ALTER, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS);
            case GROUP -> EnumSet.of(AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE,
                    AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS);
            case CLUSTER -> EnumSet.of(AclOperation.CREATE, AclOperation.CLUSTER_ACTION, AclOperation.DESCRIBE_CONFIGS,
                    AclOperation.ALTER_CONFIGS, AclOperation.IDEMPOTENT_WRITE, AclOperation.ALTER, AclOperation.DESCRIBE);
            case TRANSACTIONAL_ID -> EnumSet.of(AclOperation.DESCRIBE, AclOperation.WRITE);
            case DELEGATION_TOKEN -> EnumSet.of(AclOperation.DESCRIBE);
            case USER -> EnumSet.of(AclOperation.CREATE_TOKENS, AclOperation.DESCRIBE_TOKENS);
            default -> EnumSet.noneOf(AclOperation.class);
        };
    }

    private static boolean patternMatches(ResourcePattern pattern, String name) {
        return switch (pattern.patternType()) {
            case LITERAL -> pattern.name().equals(name) || pattern.name().equals(ResourcePattern.WILDCARD_RESOURCE);
            case PREFIXED -> name.startsWith(pattern.name());
            default -> false;
        };
    }

    /** ALLOW or DENY when the ACL applies to this principal, host and operation; null when it does not apply. */
    private static AclPermissionType result(AclBinding acl, KafkaPrincipal principal, String host, AclOperation operation) {
        if (!principalAndHostMatch(acl, principal, host)) {
            return null;
        }
        AclOperation granted = acl.entry().operation();
        AclPermissionType permission = acl.entry().permissionType();
        if (granted != AclOperation.ALL && granted != operation) {
            boolean implied = permission == AclPermissionType.ALLOW
                    && (operation == AclOperation.DESCRIBE && IMPLIES_DESCRIBE.contains(granted)
                        || operation == AclOperation.DESCRIBE_CONFIGS && IMPLIES_DESCRIBE_CONFIGS.contains(granted));
            if (!implied) {
                return null;
            }
        }
        return permission;
    }

    private static boolean principalAndHostMatch(AclBinding acl, KafkaPrincipal principal, String host) {
        String aclPrincipal = acl.entry().principal();
        boolean principalMatches = aclPrincipal.equals(WILDCARD_PRINCIPAL.toString()) || aclPrincipal.equals(principal.toString());
        String aclHost = acl.entry().host();
        return principalMatches && (aclHost.equals("*") || aclHost.equals(host));
    }

    /**
     * Adds one ACL (CreateAcls), or explains why it is not valid.
     *
     * @throws ApiException with Kafka's error and message for an invalid binding
     */
    public void create(AclBinding acl) {
        validate(acl);
        if (acls.add(acl)) {
            journal.aclCreated(acl);
        }
    }

    /** The ACLs matching {@code filter} (DescribeAcls). */
    public List<AclBinding> describe(AclBindingFilter filter) {
        return acls.stream().filter(filter::matches).toList();
    }

    /** Removes the ACLs matching {@code filter} and returns them (DeleteAcls). */
    public List<AclBinding> delete(AclBindingFilter filter) {
        List<AclBinding> deleted = describe(filter);
        for (AclBinding acl : deleted) {
            acls.remove(acl);
            journal.aclDeleted(acl);
        }
        return deleted;
    }

    private static void validate(AclBinding acl) {
        ResourcePattern pattern = acl.pattern();
        if (pattern.resourceType() == ResourceType.ANY || pattern.resourceType() == ResourceType.UNKNOWN) {
            throw new InvalidRequestException("Invalid resourceType " + pattern.resourceType());
        }
        if (pattern.patternType() != PatternType.LITERAL && pattern.patternType() != PatternType.PREFIXED) {
            throw new InvalidRequestException("Invalid patternType " + pattern.patternType());
        }
        if (acl.entry().operation() == AclOperation.ANY || acl.entry().operation() == AclOperation.UNKNOWN) {
            throw new InvalidRequestException("Invalid operation " + acl.entry().operation());
        }
        if (acl.entry().permissionType() != AclPermissionType.ALLOW && acl.entry().permissionType() != AclPermissionType.DENY) {
            throw new InvalidRequestException("Invalid permissionType " + acl.entry().permissionType());
        }
        if (pattern.name().isEmpty()) {
            throw new InvalidRequestException("Invalid empty resource name");
        }
        if (pattern.resourceType() == ResourceType.CLUSTER && !pattern.name().equals(CLUSTER_NAME)) {
            throw new InvalidRequestException("The only valid name for the CLUSTER resource is " + CLUSTER_NAME);
        }
        try {
            SecurityUtils.parseKafkaPrincipal(acl.entry().principal());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("Invalid principal '" + acl.entry().principal() + "': " + e.getMessage());
        }
    }

    @Override
    public void onAclCreated(AclBinding acl) {
        acls.add(acl);
    }

    @Override
    public void onAclDeleted(AclBinding acl) {
        acls.remove(acl);
    }

    @Override
    public void writeSnapshot(MetadataJournal snapshot) {
        acls.forEach(snapshot::aclCreated);
    }
}
