package io.kafkalite.api;

import java.util.Locale;

import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.AlterShareGroupOffsetsResponseData;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.CreateAclsRequestData;
import org.apache.kafka.common.message.CreateAclsResponseData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteAclsRequestData;
import org.apache.kafka.common.message.DeleteAclsResponseData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.DeleteShareGroupOffsetsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DescribeAclsRequestData;
import org.apache.kafka.common.message.DescribeAclsResponseData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsResponseData;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.message.ShareAcknowledgeRequestData;
import org.apache.kafka.common.message.ShareAcknowledgeResponseData;
import org.apache.kafka.common.message.ShareFetchRequestData;
import org.apache.kafka.common.message.ShareFetchResponseData;
import org.apache.kafka.common.message.ShareGroupDescribeRequestData;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.message.StreamsGroupDescribeRequestData;
import org.apache.kafka.common.message.StreamsGroupDescribeResponseData;
import org.apache.kafka.common.message.StreamsGroupHeartbeatRequestData;
import org.apache.kafka.common.message.StreamsGroupHeartbeatResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Readable;

/**
 * The Kafka APIs Kafkalite serves, with what the broker needs to read their requests and frame their answers: the
 * API key, Kafka's name for it, the versions kafka-clients' message classes parse and the first flexible version
 * (from which request and response headers carry tagged fields; -1 when none is).
 *
 * <p>Kafka's own {@code ApiKeys} would do, but its constants reach every API's request and response schemas, so
 * touching it loads about 500 message classes (~200 ms of CPU in a fresh JVM, most of the broker's share of a cold
 * first produce). This table loads only the message classes of the APIs clients call. {@code KafkaApiTest} checks
 * every entry against {@code ApiKeys}, so a kafka-clients upgrade that moves a range shows up there.
 */
public enum KafkaApi {
    PRODUCE(0, "Produce", 3, 13, 9),
    FETCH(1, "Fetch", 4, 18, 12),
    LIST_OFFSETS(2, "ListOffsets", 1, 11, 6),
    METADATA(3, "Metadata", 0, 13, 9),
    OFFSET_COMMIT(8, "OffsetCommit", 2, 10, 8),
    OFFSET_FETCH(9, "OffsetFetch", 1, 10, 6),
    FIND_COORDINATOR(10, "FindCoordinator", 0, 6, 3),
    JOIN_GROUP(11, "JoinGroup", 0, 9, 6),
    HEARTBEAT(12, "Heartbeat", 0, 4, 4),
    LEAVE_GROUP(13, "LeaveGroup", 0, 5, 4),
    SYNC_GROUP(14, "SyncGroup", 0, 5, 4),
    DESCRIBE_GROUPS(15, "DescribeGroups", 0, 6, 5),
    LIST_GROUPS(16, "ListGroups", 0, 5, 3),
    SASL_HANDSHAKE(17, "SaslHandshake", 0, 1, -1),
    API_VERSIONS(18, "ApiVersions", 0, 5, 3),
    CREATE_TOPICS(19, "CreateTopics", 2, 7, 5),
    DELETE_TOPICS(20, "DeleteTopics", 1, 6, 4),
    DELETE_RECORDS(21, "DeleteRecords", 0, 2, 2),
    INIT_PRODUCER_ID(22, "InitProducerId", 0, 6, 2),
    ADD_PARTITIONS_TO_TXN(24, "AddPartitionsToTxn", 0, 5, 3),
    ADD_OFFSETS_TO_TXN(25, "AddOffsetsToTxn", 0, 4, 3),
    END_TXN(26, "EndTxn", 0, 5, 3),
    WRITE_TXN_MARKERS(27, "WriteTxnMarkers", 1, 2, 1),
    TXN_OFFSET_COMMIT(28, "TxnOffsetCommit", 0, 6, 3),
    DESCRIBE_ACLS(29, "DescribeAcls", 1, 3, 2),
    CREATE_ACLS(30, "CreateAcls", 1, 3, 2),
    DELETE_ACLS(31, "DeleteAcls", 1, 3, 2),
    DESCRIBE_CONFIGS(32, "DescribeConfigs", 1, 4, 4),
    ALTER_CONFIGS(33, "AlterConfigs", 0, 2, 2),
    SASL_AUTHENTICATE(36, "SaslAuthenticate", 0, 2, 2),
    CREATE_PARTITIONS(37, "CreatePartitions", 0, 3, 2),
    DELETE_GROUPS(42, "DeleteGroups", 0, 3, 2),
    INCREMENTAL_ALTER_CONFIGS(44, "IncrementalAlterConfigs", 0, 1, 1),
    OFFSET_DELETE(47, "OffsetDelete", 0, 0, -1),
    DESCRIBE_USER_SCRAM_CREDENTIALS(50, "DescribeUserScramCredentials", 0, 0, 0),
    ALTER_USER_SCRAM_CREDENTIALS(51, "AlterUserScramCredentials", 0, 0, 0),
    DESCRIBE_CLUSTER(60, "DescribeCluster", 0, 2, 0),
    DESCRIBE_PRODUCERS(61, "DescribeProducers", 0, 0, 0),
    DESCRIBE_TRANSACTIONS(65, "DescribeTransactions", 0, 0, 0),
    LIST_TRANSACTIONS(66, "ListTransactions", 0, 2, 0),
    CONSUMER_GROUP_HEARTBEAT(68, "ConsumerGroupHeartbeat", 0, 1, 0),
    CONSUMER_GROUP_DESCRIBE(69, "ConsumerGroupDescribe", 0, 1, 0),
    SHARE_GROUP_HEARTBEAT(76, "ShareGroupHeartbeat", 1, 1, 1),
    SHARE_GROUP_DESCRIBE(77, "ShareGroupDescribe", 1, 1, 1),
    SHARE_FETCH(78, "ShareFetch", 1, 2, 1),
    SHARE_ACKNOWLEDGE(79, "ShareAcknowledge", 1, 2, 1),
    STREAMS_GROUP_HEARTBEAT(88, "StreamsGroupHeartbeat", 0, 1, 0),
    STREAMS_GROUP_DESCRIBE(89, "StreamsGroupDescribe", 0, 1, 0),
    DESCRIBE_SHARE_GROUP_OFFSETS(90, "DescribeShareGroupOffsets", 0, 1, 0),
    ALTER_SHARE_GROUP_OFFSETS(91, "AlterShareGroupOffsets", 0, 0, 0),
    DELETE_SHARE_GROUP_OFFSETS(92, "DeleteShareGroupOffsets", 0, 0, 0);

    private static final KafkaApi[] BY_ID = byId();

    private final short id;
    private final String kafkaName;
    private final short oldestVersion;
    private final short latestVersion;
    private final short firstFlexibleVersion;

    KafkaApi(int id, String kafkaName, int oldestVersion, int latestVersion, int firstFlexibleVersion) {
        this.id = (short) id;
        this.kafkaName = kafkaName;
        this.oldestVersion = (short) oldestVersion;
        this.latestVersion = (short) latestVersion;
        // -1: no version is flexible
        this.firstFlexibleVersion = firstFlexibleVersion < 0 ? Short.MAX_VALUE : (short) firstFlexibleVersion;
    }

    /** The API with key {@code id}, or null when Kafkalite does not serve it. */
    public static KafkaApi forId(short id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    /**
     * The API named {@code name} as Kafka's protocol guide names it ({@code Produce}, {@code FindCoordinator}) or
     * as a constant ({@code FIND_COORDINATOR}), case, '-', '_' and spaces ignored; null when Kafkalite serves none.
     */
    public static KafkaApi forName(String name) {
        for (KafkaApi api : values()) {
            if (isNameOf(name, api.kafkaName, api.name())) {
                return api;
            }
        }
        return null;
    }

    /**
     * Whether {@code name} names the API Kafka calls {@code kafkaName} (constant {@code constantName}), as
     * {@link #forName} matches: case, '-', '_' and spaces ignored. Also for APIs of Kafka's that Kafkalite does not
     * serve.
     */
    public static boolean isNameOf(String name, String kafkaName, String constantName) {
        String wanted = normalise(name);
        return normalise(kafkaName).equals(wanted) || normalise(constantName).equals(wanted);
    }

    /** The API key on the wire. */
    public short id() {
        return id;
    }

    /** Kafka's name for the API, as in its protocol guide: {@code Produce}, {@code OffsetFetch}. */
    public String kafkaName() {
        return kafkaName;
    }

    /** The oldest version kafka-clients' message classes parse. */
    public short oldestVersion() {
        return oldestVersion;
    }

    /** The newest version kafka-clients' message classes parse (the broker may advertise less). */
    public short latestVersion() {
        return latestVersion;
    }

    /** The request header version of {@code version}: 2 (with tagged fields) from the first flexible version. */
    public short requestHeaderVersion(short version) {
        return version >= firstFlexibleVersion ? (short) 2 : (short) 1;
    }

    /**
     * The response header version of {@code version}: 1 (with tagged fields) from the first flexible version,
     * except for ApiVersions, whose response header stays at 0 so that a client of any version can read it.
     */
    public short responseHeaderVersion(short version) {
        return this != API_VERSIONS && version >= firstFlexibleVersion ? (short) 1 : (short) 0;
    }

    /** Reads a request body of {@code version}; only this API's message class is loaded. */
    public ApiMessage readRequest(Readable readable, short version) {
        return switch (this) {
            case PRODUCE -> new ProduceRequestData(readable, version);
            case FETCH -> new FetchRequestData(readable, version);
            case LIST_OFFSETS -> new ListOffsetsRequestData(readable, version);
            case METADATA -> new MetadataRequestData(readable, version);
            case OFFSET_COMMIT -> new OffsetCommitRequestData(readable, version);
            case OFFSET_FETCH -> new OffsetFetchRequestData(readable, version);
            case FIND_COORDINATOR -> new FindCoordinatorRequestData(readable, version);
            case JOIN_GROUP -> new JoinGroupRequestData(readable, version);
            case HEARTBEAT -> new HeartbeatRequestData(readable, version);
            case LEAVE_GROUP -> new LeaveGroupRequestData(readable, version);
            case SYNC_GROUP -> new SyncGroupRequestData(readable, version);
            case DESCRIBE_GROUPS -> new DescribeGroupsRequestData(readable, version);
            case LIST_GROUPS -> new ListGroupsRequestData(readable, version);
            case SASL_HANDSHAKE -> new SaslHandshakeRequestData(readable, version);
            case API_VERSIONS -> new ApiVersionsRequestData(readable, version);
            case CREATE_TOPICS -> new CreateTopicsRequestData(readable, version);
            case DELETE_TOPICS -> new DeleteTopicsRequestData(readable, version);
            case DELETE_RECORDS -> new DeleteRecordsRequestData(readable, version);
            case INIT_PRODUCER_ID -> new InitProducerIdRequestData(readable, version);
            case ADD_PARTITIONS_TO_TXN -> new AddPartitionsToTxnRequestData(readable, version);
            case ADD_OFFSETS_TO_TXN -> new AddOffsetsToTxnRequestData(readable, version);
            case END_TXN -> new EndTxnRequestData(readable, version);
            case WRITE_TXN_MARKERS -> new WriteTxnMarkersRequestData(readable, version);
            case TXN_OFFSET_COMMIT -> new TxnOffsetCommitRequestData(readable, version);
            case DESCRIBE_ACLS -> new DescribeAclsRequestData(readable, version);
            case CREATE_ACLS -> new CreateAclsRequestData(readable, version);
            case DELETE_ACLS -> new DeleteAclsRequestData(readable, version);
            case DESCRIBE_CONFIGS -> new DescribeConfigsRequestData(readable, version);
            case ALTER_CONFIGS -> new AlterConfigsRequestData(readable, version);
            case SASL_AUTHENTICATE -> new SaslAuthenticateRequestData(readable, version);
            case CREATE_PARTITIONS -> new CreatePartitionsRequestData(readable, version);
            case DELETE_GROUPS -> new DeleteGroupsRequestData(readable, version);
            case INCREMENTAL_ALTER_CONFIGS -> new IncrementalAlterConfigsRequestData(readable, version);
            case OFFSET_DELETE -> new OffsetDeleteRequestData(readable, version);
            case DESCRIBE_USER_SCRAM_CREDENTIALS -> new DescribeUserScramCredentialsRequestData(readable, version);
            case ALTER_USER_SCRAM_CREDENTIALS -> new AlterUserScramCredentialsRequestData(readable, version);
            case DESCRIBE_CLUSTER -> new DescribeClusterRequestData(readable, version);
            case DESCRIBE_PRODUCERS -> new DescribeProducersRequestData(readable, version);
            case DESCRIBE_TRANSACTIONS -> new DescribeTransactionsRequestData(readable, version);
            case LIST_TRANSACTIONS -> new ListTransactionsRequestData(readable, version);
            case CONSUMER_GROUP_HEARTBEAT -> new ConsumerGroupHeartbeatRequestData(readable, version);
            case CONSUMER_GROUP_DESCRIBE -> new ConsumerGroupDescribeRequestData(readable, version);
            case SHARE_GROUP_HEARTBEAT -> new ShareGroupHeartbeatRequestData(readable, version);
            case SHARE_GROUP_DESCRIBE -> new ShareGroupDescribeRequestData(readable, version);
            case SHARE_FETCH -> new ShareFetchRequestData(readable, version);
            case SHARE_ACKNOWLEDGE -> new ShareAcknowledgeRequestData(readable, version);
            case STREAMS_GROUP_HEARTBEAT -> new StreamsGroupHeartbeatRequestData(readable, version);
            case STREAMS_GROUP_DESCRIBE -> new StreamsGroupDescribeRequestData(readable, version);
            case DESCRIBE_SHARE_GROUP_OFFSETS -> new DescribeShareGroupOffsetsRequestData(readable, version);
            case ALTER_SHARE_GROUP_OFFSETS -> new AlterShareGroupOffsetsRequestData(readable, version);
            case DELETE_SHARE_GROUP_OFFSETS -> new DeleteShareGroupOffsetsRequestData(readable, version);
        };
    }

    /** An empty response of this API (for looking up what its responses carry). */
    public ApiMessage newResponse() {
        return switch (this) {
            case PRODUCE -> new ProduceResponseData();
            case FETCH -> new FetchResponseData();
            case LIST_OFFSETS -> new ListOffsetsResponseData();
            case METADATA -> new MetadataResponseData();
            case OFFSET_COMMIT -> new OffsetCommitResponseData();
            case OFFSET_FETCH -> new OffsetFetchResponseData();
            case FIND_COORDINATOR -> new FindCoordinatorResponseData();
            case JOIN_GROUP -> new JoinGroupResponseData();
            case HEARTBEAT -> new HeartbeatResponseData();
            case LEAVE_GROUP -> new LeaveGroupResponseData();
            case SYNC_GROUP -> new SyncGroupResponseData();
            case DESCRIBE_GROUPS -> new DescribeGroupsResponseData();
            case LIST_GROUPS -> new ListGroupsResponseData();
            case SASL_HANDSHAKE -> new SaslHandshakeResponseData();
            case API_VERSIONS -> new ApiVersionsResponseData();
            case CREATE_TOPICS -> new CreateTopicsResponseData();
            case DELETE_TOPICS -> new DeleteTopicsResponseData();
            case DELETE_RECORDS -> new DeleteRecordsResponseData();
            case INIT_PRODUCER_ID -> new InitProducerIdResponseData();
            case ADD_PARTITIONS_TO_TXN -> new AddPartitionsToTxnResponseData();
            case ADD_OFFSETS_TO_TXN -> new AddOffsetsToTxnResponseData();
            case END_TXN -> new EndTxnResponseData();
            case WRITE_TXN_MARKERS -> new WriteTxnMarkersResponseData();
            case TXN_OFFSET_COMMIT -> new TxnOffsetCommitResponseData();
            case DESCRIBE_ACLS -> new DescribeAclsResponseData();
            case CREATE_ACLS -> new CreateAclsResponseData();
            case DELETE_ACLS -> new DeleteAclsResponseData();
            case DESCRIBE_CONFIGS -> new DescribeConfigsResponseData();
            case ALTER_CONFIGS -> new AlterConfigsResponseData();
            case SASL_AUTHENTICATE -> new SaslAuthenticateResponseData();
            case CREATE_PARTITIONS -> new CreatePartitionsResponseData();
            case DELETE_GROUPS -> new DeleteGroupsResponseData();
            case INCREMENTAL_ALTER_CONFIGS -> new IncrementalAlterConfigsResponseData();
            case OFFSET_DELETE -> new OffsetDeleteResponseData();
            case DESCRIBE_USER_SCRAM_CREDENTIALS -> new DescribeUserScramCredentialsResponseData();
            case ALTER_USER_SCRAM_CREDENTIALS -> new AlterUserScramCredentialsResponseData();
            case DESCRIBE_CLUSTER -> new DescribeClusterResponseData();
            case DESCRIBE_PRODUCERS -> new DescribeProducersResponseData();
            case DESCRIBE_TRANSACTIONS -> new DescribeTransactionsResponseData();
            case LIST_TRANSACTIONS -> new ListTransactionsResponseData();
            case CONSUMER_GROUP_HEARTBEAT -> new ConsumerGroupHeartbeatResponseData();
            case CONSUMER_GROUP_DESCRIBE -> new ConsumerGroupDescribeResponseData();
            case SHARE_GROUP_HEARTBEAT -> new ShareGroupHeartbeatResponseData();
            case SHARE_GROUP_DESCRIBE -> new ShareGroupDescribeResponseData();
            case SHARE_FETCH -> new ShareFetchResponseData();
            case SHARE_ACKNOWLEDGE -> new ShareAcknowledgeResponseData();
            case STREAMS_GROUP_HEARTBEAT -> new StreamsGroupHeartbeatResponseData();
            case STREAMS_GROUP_DESCRIBE -> new StreamsGroupDescribeResponseData();
            case DESCRIBE_SHARE_GROUP_OFFSETS -> new DescribeShareGroupOffsetsResponseData();
            case ALTER_SHARE_GROUP_OFFSETS -> new AlterShareGroupOffsetsResponseData();
            case DELETE_SHARE_GROUP_OFFSETS -> new DeleteShareGroupOffsetsResponseData();
        };
    }

    private static KafkaApi[] byId() {
        int highest = 0;
        for (KafkaApi api : values()) {
            highest = Math.max(highest, api.id);
        }
        KafkaApi[] apis = new KafkaApi[highest + 1];
        for (KafkaApi api : values()) {
            apis[api.id] = api;
        }
        return apis;
    }

    private static String normalise(String name) {
        return name.trim().toLowerCase(Locale.ROOT).replace("_", "").replace("-", "").replace(" ", "");
    }
}
