package io.kafkalite.api;

import io.kafkalite.metadata.Listener;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBrokerCollection;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

/** DescribeCluster: one broker, which is also the controller. */
final class DescribeClusterHandler implements ApiHandler {

    /** Endpoint type 1 asks for brokers (the default), 2 for controllers, which brokers refuse as Kafka's do. */
    private static final byte BROKER_ENDPOINTS = 1;
    private static final byte CONTROLLER_ENDPOINTS = 2;

    private final BrokerState state;

    DescribeClusterHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(ApiRequest request) {
        DescribeClusterRequestData data = request.data();
        DescribeClusterResponseData response = new DescribeClusterResponseData()
                .setEndpointType(data.endpointType())
                .setClusterId(state.clusterId())
                .setControllerId(state.nodeId())
                .setClusterAuthorizedOperations(!data.includeClusterAuthorizedOperations() ? Integer.MIN_VALUE
                        : state.authorization().allowsCluster(request, AclOperation.DESCRIBE)
                        ? state.authorization().operations(request, ResourceType.CLUSTER, Authorization.CLUSTER) : 0);
        if (data.endpointType() != BROKER_ENDPOINTS && data.endpointType() != CONTROLLER_ENDPOINTS) {
            request.respond(response.setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
                    .setErrorMessage("Endpoint type " + data.endpointType() + " is neither brokers (1) nor controllers (2)"));
            return;
        }
        if (data.endpointType() == CONTROLLER_ENDPOINTS) {
            request.respond(response.setErrorCode(Errors.MISMATCHED_ENDPOINT_TYPE.code())
                    .setErrorMessage("The request was sent to a broker endpoint, not a controller endpoint"));
            return;
        }
        DescribeClusterBrokerCollection brokers = new DescribeClusterBrokerCollection();
        Listener listener = request.listener();
        brokers.add(new DescribeClusterBroker().setBrokerId(state.nodeId()).setHost(listener.advertisedHost())
                .setPort(listener.advertisedPort()));
        request.respond(response.setErrorCode(Errors.NONE.code()).setBrokers(brokers));
    }
}
