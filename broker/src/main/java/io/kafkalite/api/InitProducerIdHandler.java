package io.kafkalite.api;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** InitProducerId for idempotent producers: a fresh producer id at epoch 0, as Kafka gives them. */
final class InitProducerIdHandler implements ApiHandler {

    private static final Logger LOG = LoggerFactory.getLogger(InitProducerIdHandler.class);

    private final BrokerState state;

    InitProducerIdHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(ApiRequest request) {
        InitProducerIdRequestData data = request.data();
        InitProducerIdResponseData response = new InitProducerIdResponseData().setProducerId(-1).setProducerEpoch((short) -1);
        if (data.transactionalId() != null) {
            LOG.warn("{} asked for transactional id '{}': transactions are not supported by this Kafkalite version",
                    request.client(), data.transactionalId());
            request.respond(response.setErrorCode(Errors.INVALID_REQUEST.code()));
            return;
        }
        // an idempotent producer needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic, as in Kafka
        Authorization authorization = state.authorization();
        if (!authorization.allowsCluster(request, AclOperation.IDEMPOTENT_WRITE)
                && !authorization.allowsAny(request, AclOperation.WRITE, ResourceType.TOPIC)) {
            request.respond(response.setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code()));
            return;
        }
        request.respond(response.setErrorCode(Errors.NONE.code())
                .setProducerId(state.producerIds().allocate())
                .setProducerEpoch((short) 0));
    }
}
