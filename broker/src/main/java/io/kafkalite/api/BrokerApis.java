package io.kafkalite.api;

import org.apache.kafka.common.protocol.ApiKeys;

/** Builds the dispatch table: which handler serves which API, and the timed work that goes with them. */
public final class BrokerApis {

    private BrokerApis() {
    }

    public static RequestDispatcher create(BrokerState state, BrokerLoop loop) {
        RequestDispatcher dispatcher = new RequestDispatcher();
        FetchHandler fetch = new FetchHandler(state);
        ConfigsHandler configs = new ConfigsHandler(state);
        TopicAdminHandler topicAdmin = new TopicAdminHandler(state, configs, fetch::onRecordsAppended);
        loop.addTimedWork(fetch);
        loop.addTimedWork(new RetentionTask(state));
        GroupHandler groups = new GroupHandler(state.groups(), state.authorization(), fetch::completeParkedFetchesOf);
        OffsetHandler offsets = new OffsetHandler(state, state.groups());
        GroupAdminHandler groupAdmin = new GroupAdminHandler(state.groups(), state.authorization());
        ConsumerGroupHandler consumerGroups = new ConsumerGroupHandler(state, fetch::completeParkedFetchesOf);
        loop.addTimedWork(groups);
        SaslHandler sasl = new SaslHandler(state.scramCredentials(),
                state.config().connectionFailedAuthenticationDelayMs());
        loop.addTimedWork(sasl);
        ScramCredentialsHandler scram = new ScramCredentialsHandler(state);
        dispatcher.rawSaslTokens(sasl);
        AclHandler acls = new AclHandler(state.authorization());
        return dispatcher
                .register(ApiKeys.API_VERSIONS, new ApiVersionsHandler(dispatcher))
                .register(ApiKeys.METADATA, new MetadataHandler(state))
                .register(ApiKeys.PRODUCE, new ProduceHandler(state, fetch::onRecordsAppended))
                .register(ApiKeys.FETCH, fetch)
                .register(ApiKeys.LIST_OFFSETS, new ListOffsetsHandler(state))
                .register(ApiKeys.INIT_PRODUCER_ID, new InitProducerIdHandler(state))
                .register(ApiKeys.CREATE_TOPICS, topicAdmin)
                .register(ApiKeys.DELETE_TOPICS, topicAdmin)
                .register(ApiKeys.CREATE_PARTITIONS, topicAdmin)
                .register(ApiKeys.DESCRIBE_CONFIGS, configs)
                .register(ApiKeys.ALTER_CONFIGS, configs)
                .register(ApiKeys.INCREMENTAL_ALTER_CONFIGS, configs)
                .register(ApiKeys.DESCRIBE_CLUSTER, new DescribeClusterHandler(state))
                .register(ApiKeys.DELETE_RECORDS, new DeleteRecordsHandler(state))
                .register(ApiKeys.FIND_COORDINATOR, new FindCoordinatorHandler(state))
                .register(ApiKeys.JOIN_GROUP, groups)
                .register(ApiKeys.SYNC_GROUP, groups)
                .register(ApiKeys.HEARTBEAT, groups)
                .register(ApiKeys.LEAVE_GROUP, groups)
                .register(ApiKeys.OFFSET_COMMIT, offsets)
                .register(ApiKeys.OFFSET_FETCH, offsets)
                .register(ApiKeys.OFFSET_DELETE, offsets)
                .register(ApiKeys.LIST_GROUPS, groupAdmin)
                .register(ApiKeys.DESCRIBE_GROUPS, groupAdmin)
                .register(ApiKeys.DELETE_GROUPS, groupAdmin)
                .register(ApiKeys.CONSUMER_GROUP_HEARTBEAT, consumerGroups)
                .register(ApiKeys.CONSUMER_GROUP_DESCRIBE, consumerGroups)
                .register(ApiKeys.SASL_HANDSHAKE, sasl)
                .register(ApiKeys.SASL_AUTHENTICATE, sasl)
                .register(ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, scram)
                .register(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, scram)
                .register(ApiKeys.CREATE_ACLS, acls)
                .register(ApiKeys.DESCRIBE_ACLS, acls)
                .register(ApiKeys.DELETE_ACLS, acls);
    }
}
