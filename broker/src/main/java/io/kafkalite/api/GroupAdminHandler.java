package io.kafkalite.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.kafkalite.group.GroupCoordinator;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResultCollection;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.resource.ResourceType;

/** Group administration: ListGroups, DescribeGroups, DeleteGroups. */
final class GroupAdminHandler implements ApiHandler {

    private final GroupCoordinator coordinator;
    private final Authorization authorization;

    GroupAdminHandler(GroupCoordinator coordinator, Authorization authorization) {
        this.coordinator = coordinator;
        this.authorization = authorization;
    }

    @Override
    public void handle(ApiRequest request) {
        if (request.apiKey() == KafkaApi.LIST_GROUPS) {
            ListGroupsRequestData data = request.data();
            List<ListedGroup> groups = coordinator.listGroups(data.statesFilter(), data.typesFilter());
            if (!authorization.allowsCluster(request, AclOperation.DESCRIBE)) {
                // without DESCRIBE on the cluster, only the groups the principal may describe
                groups = groups.stream().filter(g -> authorization.allows(request, AclOperation.DESCRIBE,
                        ResourceType.GROUP, g.groupId())).toList();
            }
            request.respond(new ListGroupsResponseData().setErrorCode(Errors.NONE.code()).setGroups(groups));
        } else if (request.apiKey() == KafkaApi.DESCRIBE_GROUPS) {
            DescribeGroupsRequestData data = request.data();
            Set<String> denied = authorization.denied(request, AclOperation.DESCRIBE, ResourceType.GROUP, data.groups());
            List<DescribedGroup> groups = new ArrayList<>(coordinator.describeGroups(
                    denied.isEmpty() ? data.groups() : data.groups().stream().filter(g -> !denied.contains(g)).toList(),
                    request.version()));
            if (data.includeAuthorizedOperations()) {
                groups.forEach(g -> g.setAuthorizedOperations(authorization.operations(request, ResourceType.GROUP, g.groupId())));
            }
            for (String group : denied) {
                groups.add(DescribeGroupsResponse.groupError(group, Errors.GROUP_AUTHORIZATION_FAILED));
            }
            request.respond(new DescribeGroupsResponseData().setGroups(groups));
        } else {
            DeleteGroupsRequestData data = request.data();
            Set<String> denied = authorization.denied(request, AclOperation.DELETE, ResourceType.GROUP, data.groupsNames());
            DeletableGroupResultCollection results = new DeletableGroupResultCollection();
            coordinator.deleteGroups(data.groupsNames().stream().filter(g -> !denied.contains(g)).toList())
                    .forEach(results::add);
            denied.forEach(g -> results.add(new DeletableGroupResult().setGroupId(g)
                    .setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code())));
            request.respond(new DeleteGroupsResponseData().setResults(results));
        }
    }
}
