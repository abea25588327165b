package io.kafkalite.api;

import io.kafkalite.group.Group;
import org.apache.kafka.common.protocol.ApiKeys;

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
                .register(ApiKeys.API_VERSIONS, 5, new ApiVersionsHandler(dispatcher, state))
                .register(ApiKeys.METADATA, 13, new MetadataHandler(state))
                .register(ApiKeys.PRODUCE, 13, new ProduceHandler(state, state.transactions()))
                .register(ApiKeys.FETCH, 18, fetch)
                .register(ApiKeys.LIST_OFFSETS, 11, new ListOffsetsHandler(state))
                .register(ApiKeys.INIT_PRODUCER_ID, 5, transactions)
                .register(ApiKeys.ADD_PARTITIONS_TO_TXN, 5, transactions)
                .register(ApiKeys.ADD_OFFSETS_TO_TXN, 4, transactions)
                .register(ApiKeys.TXN_OFFSET_COMMIT, 6, transactions)
                .register(ApiKeys.END_TXN, 5, transactions)
                .register(ApiKeys.DESCRIBE_TRANSACTIONS, 0, transactionAdmin)
                .register(ApiKeys.LIST_TRANSACTIONS, 2, transactionAdmin)
                .register(ApiKeys.DESCRIBE_PRODUCERS, 0, transactionAdmin)
                .register(ApiKeys.WRITE_TXN_MARKERS, 2, transactionAdmin)
                .register(ApiKeys.CREATE_TOPICS, 7, topicAdmin)
                .register(ApiKeys.DELETE_TOPICS, 6, topicAdmin)
                .register(ApiKeys.CREATE_PARTITIONS, 3, topicAdmin)
                .register(ApiKeys.DESCRIBE_CONFIGS, 4, configs)
                .register(ApiKeys.ALTER_CONFIGS, 2, configs)
                .register(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 1, configs)
                .register(ApiKeys.DESCRIBE_CLUSTER, 2, new DescribeClusterHandler(state))
                .register(ApiKeys.DELETE_RECORDS, 2, new DeleteRecordsHandler(state))
                .register(ApiKeys.FIND_COORDINATOR, 6, new FindCoordinatorHandler(state))
                .register(ApiKeys.JOIN_GROUP, 9, groups)
                .register(ApiKeys.SYNC_GROUP, 5, groups)
                .register(ApiKeys.HEARTBEAT, 4, groups)
                .register(ApiKeys.LEAVE_GROUP, 5, groups)
                .register(ApiKeys.OFFSET_COMMIT, 10, offsets)
                .register(ApiKeys.OFFSET_FETCH, 10, offsets)
                .register(ApiKeys.OFFSET_DELETE, 0, offsets)
                .register(ApiKeys.LIST_GROUPS, 5, groupAdmin)
                .register(ApiKeys.DESCRIBE_GROUPS, 6, groupAdmin)
                .register(ApiKeys.DELETE_GROUPS, 3, groupAdmin)
                .register(ApiKeys.CONSUMER_GROUP_HEARTBEAT, 1, consumerGroups)
                .register(ApiKeys.CONSUMER_GROUP_DESCRIBE, 1, consumerGroups)
                .register(ApiKeys.SASL_HANDSHAKE, 1, sasl)
                .register(ApiKeys.SASL_AUTHENTICATE, 2, sasl)
                .register(ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, 0, scram)
                .register(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, 0, scram)
                .register(ApiKeys.CREATE_ACLS, 3, acls)
                .register(ApiKeys.DESCRIBE_ACLS, 3, acls)
                .register(ApiKeys.DELETE_ACLS, 3, acls)
                .register(ApiKeys.SHARE_GROUP_HEARTBEAT, 1, shareGroups)
                .register(ApiKeys.SHARE_GROUP_DESCRIBE, 1, shareGroups)
                .register(ApiKeys.SHARE_FETCH, 2, shareFetch)
                .register(ApiKeys.SHARE_ACKNOWLEDGE, 2, shareFetch)
                .register(ApiKeys.DESCRIBE_SHARE_GROUP_OFFSETS, 1, shareOffsets)
                .register(ApiKeys.ALTER_SHARE_GROUP_OFFSETS, 0, shareOffsets)
                .register(ApiKeys.DELETE_SHARE_GROUP_OFFSETS, 0, shareOffsets)
                .register(ApiKeys.STREAMS_GROUP_HEARTBEAT, 1, streamsGroups)
                .register(ApiKeys.STREAMS_GROUP_DESCRIBE, 1, streamsGroups);
    }
}
