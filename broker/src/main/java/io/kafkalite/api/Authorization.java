package io.kafkalite.api;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

import io.kafkalite.security.AclAuthorizer;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The ACL checks handlers make, for the principal and host of a request (Kafka's {@code AuthHelper}). With no
 * authorizer configured every check passes without allocating, and authorized-operations fields list every
 * operation, as Kafka fills them.
 */
public final class Authorization {

    /** The one CLUSTER resource's name. */
    public static final String CLUSTER = AclAuthorizer.CLUSTER_NAME;

    private final AclAuthorizer authorizer;

    public Authorization(AclAuthorizer authorizer) {
        this.authorizer = authorizer;
    }

    /** The ACLs themselves (CreateAcls, DescribeAcls, DeleteAcls). */
    AclAuthorizer acls() {
        return authorizer;
    }

    boolean enabled() {
        return authorizer.enabled();
    }

    /** Whether the request's principal may do {@code operation} on the named resource. */
    boolean allows(ApiRequest request, AclOperation operation, ResourceType type, String name) {
        return !authorizer.enabled() || authorizer.authorize(request.principal(), request.session().clientHost(),
                operation, type, name);
    }

    /** Whether it may on the cluster. */
    boolean allowsCluster(ApiRequest request, AclOperation operation) {
        return allows(request, operation, ResourceType.CLUSTER, CLUSTER);
    }

    /** Whether it may on at least one resource of the type (Kafka's authorizeByResourceType). */
    boolean allowsAny(ApiRequest request, AclOperation operation, ResourceType type) {
        return !authorizer.enabled() || authorizer.authorizeAny(request.principal(), request.session().clientHost(),
                operation, type);
    }

    /** The names among {@code names} that the principal may not {@code operation}; empty (shared) when all pass. */
    Set<String> denied(ApiRequest request, AclOperation operation, ResourceType type, Collection<String> names) {
        if (!authorizer.enabled()) {
            return Set.of();
        }
        Set<String> denied = new HashSet<>();
        for (String name : names) {
            if (name != null && !allows(request, operation, type, name)) {
                denied.add(name);
            }
        }
        return denied;
    }

    /** Kafka's authorized_operations bit field for the resource. */
    int operations(ApiRequest request, ResourceType type, String name) {
        return authorizer.authorizedOperations(request.principal(), request.session().clientHost(), type, name);
    }
}
