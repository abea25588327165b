package io.kafkalite.api;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData;
import org.apache.kafka.common.protocol.Errors;

/** DescribeUserScramCredentials and AlterUserScramCredentials: Admin's management of SCRAM users. */
final class ScramCredentialsHandler implements ApiHandler {

    private final BrokerState state;

    ScramCredentialsHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(ApiRequest request) {
        boolean describe = request.apiKey() == KafkaApi.DESCRIBE_USER_SCRAM_CREDENTIALS;
        if (!state.authorization().allowsCluster(request, describe ? AclOperation.DESCRIBE : AclOperation.ALTER)) {
            request.respond(request.errorResponse(Errors.CLUSTER_AUTHORIZATION_FAILED.exception()));
            return;
        }
        if (describe) {
            DescribeUserScramCredentialsRequestData data = request.data();
            request.respond(state.scramCredentials().describe(data.users()));
        } else {
            AlterUserScramCredentialsRequestData data = request.data();
            request.respond(state.scramCredentials().alter(data));
        }
    }
}
