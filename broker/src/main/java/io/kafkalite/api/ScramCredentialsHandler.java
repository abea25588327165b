package io.kafkalite.api;

import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;

/** DescribeUserScramCredentials and AlterUserScramCredentials: Admin's management of SCRAM users. */
final class ScramCredentialsHandler implements ApiHandler {

    private final BrokerState state;

    ScramCredentialsHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(ApiRequest request) {
        if (request.apiKey() == ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS) {
            DescribeUserScramCredentialsRequestData data = request.data();
            request.respond(state.scramCredentials().describe(data.users()));
        } else {
            AlterUserScramCredentialsRequestData data = request.data();
            request.respond(state.scramCredentials().alter(data));
        }
    }
}
