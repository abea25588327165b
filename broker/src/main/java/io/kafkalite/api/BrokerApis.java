package io.kafkalite.api;

import io.kafkalite.group.Group;

/** Builds the dispatch table: which handler serves which API, and the timed work that goes with them. */
public final class BrokerApis {

    private BrokerApis() {
    }

    public static RequestDispatcher create(BrokerState state) {
        RequestDispatcher dispatcher = new RequestDispatcher();
        FetchHandler fetch = new FetchHandler(state);
        ConfigsHandler configs = new ConfigsHandler(state);
        TopicAdminHandler topicAdmin = new TopicAdminHandler(state, configs);
        state.partitions().scheduleUpkeep(state.timer(), state.config().retentionCheckIntervalMs(),
                state.config().cleanerBackoffMs(), state.config().cleanerEnable());
        TransactionHandler transactions = new TransactionHandler(state, state.transactions());
        TransactionAdminHandler transactionAdmin = new TransactionAdminHandler(state, state.transactions());
        GroupHandler groups = new GroupHandler(state.groups(), state.authorization(), fetch::completeParkedFetchesOf);
        OffsetHandler offsets = new OffsetHandler(state, state.groups());
        GroupAdminHandler groupAdmin = new GroupAdminHandler(state.groups(), state.authorization());
        ConsumerGroupHandler consumerGroups = new ConsumerGroupHandler(state, fetch::completeParkedFetchesOf);
        SaslHandler sasl = new SaslHandler(state.scramCredentials(), state.timer(),
                state.config().connectionFailedAuthenticationDelayMs());
        ScramCredentialsHandler scram = new ScramCredentialsHandler(state);
        dispatcher.rawSaslTokens(sasl);
        AclHandler acls = new AclHandler(state.authorization());
        ShareGroupHandler shareGroups = new ShareGroupHandler(state);
        ShareFetchHandler shareFetch = new ShareFetchHandler(state);
        ShareGroupOffsetsHandler shareOffsets = new ShareGroupOffsetsHandler(state);
        StreamsGroupHandler streamsGroups = new StreamsGroupHandler(state);
        state.groups().onGroupDeleted((groupId, type) -> {
            if (type == Group.Type.SHARE) {
                state.shares().deleteGroup(groupId);
            }
        });
        return dispatcher
                .register(KafkaApi.API_VERSIONS, 5, new ApiVersionsHandler(dispatcher, state))
                .register(KafkaApi.METADATA, 13, new MetadataHandler(state))
                .register(KafkaApi.PRODUCE, 13, new ProduceHandler(state, state.transactions()))
                .register(KafkaApi.FETCH, 18, fetch)
                .register(KafkaApi.LIST_OFFSETS, 11, new ListOffsetsHandler(state))
                .register(KafkaApi.INIT_PRODUCER_ID, 5, transactions)
                .register(KafkaApi.ADD_PARTITIONS_TO_TXN, 5, transactions)
                .register(KafkaApi.ADD_OFFSETS_TO_TXN, 4, transactions)
                .register(KafkaApi.TXN_OFFSET_COMMIT, 6, transactions)
                .register(KafkaApi.END_TXN, 5, transactions)
                .register(KafkaApi.DESCRIBE_TRANSACTIONS, 0, transactionAdmin)
                .register(KafkaApi.LIST_TRANSACTIONS, 2, transactionAdmin)
                .register(KafkaApi.DESCRIBE_PRODUCERS, 0, transactionAdmin)
                .register(KafkaApi.WRITE_TXN_MARKERS, 2, transactionAdmin)
                .register(KafkaApi.CREATE_TOPICS, 7, topicAdmin)
                .register(KafkaApi.DELETE_TOPICS, 6, topicAdmin)
                .register(KafkaApi.CREATE_PARTITIONS, 3, topicAdmin)
                .register(KafkaApi.DESCRIBE_CONFIGS, 4, configs)
                .register(KafkaApi.ALTER_CONFIGS, 2, configs)
                .register(KafkaApi.INCREMENTAL_ALTER_CONFIGS, 1, configs)
                .register(KafkaApi.DESCRIBE_CLUSTER, 2, new DescribeClusterHandler(state))
                .register(KafkaApi.DELETE_RECORDS, 2, new DeleteRecordsHandler(state))
                .register(KafkaApi.FIND_COORDINATOR, 6, new FindCoordinatorHandler(state))
                .register(KafkaApi.JOIN_GROUP, 9, groups)
                .register(KafkaApi.SYNC_GROUP, 5, groups)
                .register(KafkaApi.HEARTBEAT, 4, groups)
                .register(KafkaApi.LEAVE_GROUP, 5, groups)
                .register(KafkaApi.OFFSET_COMMIT, 10, offsets)
                .register(KafkaApi.OFFSET_FETCH, 10, offsets)
                .register(KafkaApi.OFFSET_DELETE, 0, offsets)
                .register(KafkaApi.LIST_GROUPS, 5, groupAdmin)
                .register(KafkaApi.DESCRIBE_GROUPS, 6, groupAdmin)
                .register(KafkaApi.DELETE_GROUPS, 3, groupAdmin)
                .register(KafkaApi.CONSUMER_GROUP_HEARTBEAT, 1, consumerGroups)
                .register(KafkaApi.CONSUMER_GROUP_DESCRIBE, 1, consumerGroups)
                .register(KafkaApi.SASL_HANDSHAKE, 1, sasl)
                .register(KafkaApi.SASL_AUTHENTICATE, 2, sasl)
                .register(KafkaApi.DESCRIBE_USER_SCRAM_CREDENTIALS, 0, scram)
                .register(KafkaApi.ALTER_USER_SCRAM_CREDENTIALS, 0, scram)
                .register(KafkaApi.CREATE_ACLS, 3, acls)
                .register(KafkaApi.DESCRIBE_ACLS, 3, acls)
                .register(KafkaApi.DELETE_ACLS, 3, acls)
                .register(KafkaApi.SHARE_GROUP_HEARTBEAT, 1, shareGroups)
                .register(KafkaApi.SHARE_GROUP_DESCRIBE, 1, shareGroups)
                .register(KafkaApi.SHARE_FETCH, 2, shareFetch)
                .register(KafkaApi.SHARE_ACKNOWLEDGE, 2, shareFetch)
                .register(KafkaApi.DESCRIBE_SHARE_GROUP_OFFSETS, 1, shareOffsets)
                .register(KafkaApi.ALTER_SHARE_GROUP_OFFSETS, 0, shareOffsets)
                .register(KafkaApi.DELETE_SHARE_GROUP_OFFSETS, 0, shareOffsets)
                .register(KafkaApi.STREAMS_GROUP_HEARTBEAT, 1, streamsGroups)
                .register(KafkaApi.STREAMS_GROUP_DESCRIBE, 1, streamsGroups);
    }
}
