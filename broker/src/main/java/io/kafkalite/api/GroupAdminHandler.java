package io.kafkalite.api;

import java.util.List;

import io.kafkalite.group.GroupCoordinator;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResultCollection;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/** Group administration: ListGroups, DescribeGroups, DeleteGroups. */
final class GroupAdminHandler implements ApiHandler {

    /** Without authorization every client may do everything Kafka authorizes on a group. */
    private static final int GROUP_OPERATIONS = (1 << AclOperation.READ.code()) | (1 << AclOperation.DESCRIBE.code())
            | (1 << AclOperation.DELETE.code());

    private final GroupCoordinator coordinator;

    GroupAdminHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public void handle(ApiRequest request) {
        if (request.apiKey() == ApiKeys.LIST_GROUPS) {
            ListGroupsRequestData data = request.data();
            request.respond(new ListGroupsResponseData()
                    .setErrorCode(Errors.NONE.code())
                    .setGroups(coordinator.listGroups(data.statesFilter(), data.typesFilter())));
        } else if (request.apiKey() == ApiKeys.DESCRIBE_GROUPS) {
            DescribeGroupsRequestData data = request.data();
            List<DescribedGroup> groups = coordinator.describeGroups(data.groups(), request.version());
            if (data.includeAuthorizedOperations()) {
                groups.forEach(g -> g.setAuthorizedOperations(GROUP_OPERATIONS));
            }
            request.respond(new DescribeGroupsResponseData().setGroups(groups));
        } else {
            DeleteGroupsRequestData data = request.data();
            DeletableGroupResultCollection results = new DeletableGroupResultCollection();
            coordinator.deleteGroups(data.groupsNames()).forEach(results::add);
            request.respond(new DeleteGroupsResponseData().setResults(results));
        }
    }
}
