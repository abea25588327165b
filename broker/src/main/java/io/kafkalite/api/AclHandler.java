package io.kafkalite.api;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.message.CreateAclsRequestData.AclCreation;
import org.apache.kafka.common.message.CreateAclsResponseData;
import org.apache.kafka.common.message.CreateAclsResponseData.AclCreationResult;
import org.apache.kafka.common.message.DeleteAclsResponseData;
import org.apache.kafka.common.message.DeleteAclsResponseData.DeleteAclsFilterResult;
import org.apache.kafka.common.message.DescribeAclsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreateAclsRequest;
import org.apache.kafka.common.requests.DeleteAclsRequest;
import org.apache.kafka.common.requests.DeleteAclsResponse;
import org.apache.kafka.common.requests.DescribeAclsRequest;
import org.apache.kafka.common.requests.DescribeAclsResponse;

/**
 * CreateAcls, DescribeAcls and DeleteAcls. Creating and deleting need ALTER on the cluster, describing DESCRIBE; with
 * no authorizer configured they answer SECURITY_DISABLED, as Kafka does.
 */
final class AclHandler implements ApiHandler {

    private final Authorization authorization;

    AclHandler(Authorization authorization) {
        this.authorization = authorization;
    }

    @Override
    public void handle(ApiRequest request) {
        boolean describe = request.apiKey() == KafkaApi.DESCRIBE_ACLS;
        if (!authorization.allowsCluster(request, describe ? AclOperation.DESCRIBE : AclOperation.ALTER)) {
            request.respond(request.errorResponse(new ClusterAuthorizationException(
                    "Cluster authorization failed.")));
            return;
        }
        if (!authorization.enabled()) {
            request.respond(request.errorResponse(new SecurityDisabledException(
                    "No Authorizer is configured on the broker")));
            return;
        }
        switch (request.apiKey()) {
            case CREATE_ACLS -> create(request);
            case DESCRIBE_ACLS -> {
                AclBindingFilter filter = ((DescribeAclsRequest) request.kafkaRequest()).filter();
                request.respond(new DescribeAclsResponseData()
                        .setResources(DescribeAclsResponse.aclsResources(authorization.acls().describe(filter))));
            }
            default -> delete(request);
        }
    }

    private void create(ApiRequest request) {
        List<AclCreationResult> results = new ArrayList<>();
        for (AclCreation creation : ((CreateAclsRequest) request.kafkaRequest()).aclCreations()) {
            AclCreationResult result = new AclCreationResult();
            try {
                authorization.acls().create(CreateAclsRequest.aclBinding(creation));
            } catch (ApiException | IllegalArgumentException e) {
                ApiError error = ApiError.fromThrowable(e instanceof ApiException ? e
                        : new org.apache.kafka.common.errors.InvalidRequestException(e.getMessage()));
                result.setErrorCode(error.error().code()).setErrorMessage(error.message());
            }
            results.add(result);
        }
        request.respond(new CreateAclsResponseData().setResults(results));
    }

    private void delete(ApiRequest request) {
        List<DeleteAclsFilterResult> results = new ArrayList<>();
        for (AclBindingFilter filter : ((DeleteAclsRequest) request.kafkaRequest()).filters()) {
            DeleteAclsFilterResult result = new DeleteAclsFilterResult().setErrorCode(Errors.NONE.code());
            for (AclBinding deleted : authorization.acls().delete(filter)) {
                result.matchingAcls().add(DeleteAclsResponse.matchingAcl(deleted, ApiError.NONE));
            }
            results.add(result);
        }
        request.respond(new DeleteAclsResponseData().setFilterResults(results));
    }
}
