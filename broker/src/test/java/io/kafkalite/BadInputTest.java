package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.DescribeAclsRequestData;
import org.apache.kafka.common.message.DescribeAclsResponseData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.message.ShareGroupDescribeRequestData;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData;
import org.apache.kafka.common.message.StreamsGroupDescribeRequestData;
import org.apache.kafka.common.message.StreamsGroupDescribeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Malformed input closes (or errors) one connection; every other client and every record is unaffected. */
class BadInputTest {

    static KafkaLite broker;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaLite.builder().brokerConfig("socket.request.max.bytes", "65536").topic("safe", 1).start();
        produce("before");
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @AfterEach
    void brokerStillServesAndKeptEveryRecord() throws Exception {
        produce("after-" + System.nanoTime());
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
            List<ConsumerRecord<String, String>> records = Clients.readAll(consumer, List.of(new TopicPartition("safe", 0)), 2);
            assertThat(records.get(0).value()).isEqualTo("before");
            assertThat(records).hasSizeGreaterThanOrEqualTo(2);
        }
    }

    private static void produce(String value) throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            producer.send(new ProducerRecord<>("safe", 0, "k", value)).get();
        }
    }

    private static RawClient raw() throws Exception {
        return new RawClient(broker.host(), broker.port());
    }

    @Test
    void garbageFrameClosesOnlyThatConnection() throws Exception {
        try (RawClient garbage = raw(); RawClient neighbour = raw()) {
            garbage.writeRaw(new byte[] {0, 0, 0, 12, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7});
            assertThat(garbage.closedByBroker()).isTrue();
            MetadataResponseData metadata = neighbour.send(ApiKeys.METADATA, (short) 12, new MetadataRequestData().setTopics(null));
            assertThat(metadata.topics().find("safe")).isNotNull();
        }
    }

    @Test
    void frameOverSocketRequestMaxBytesClosesTheConnection() throws Exception {
        try (RawClient big = raw()) {
            big.writeRaw(ByteBuffer.allocate(4).putInt(65537).array());
            assertThat(big.closedByBroker()).isTrue();
        }
    }

    @Test
    void negativeFrameSizeClosesTheConnection() throws Exception {
        try (RawClient negative = raw()) {
            negative.writeRaw(ByteBuffer.allocate(4).putInt(-5).array());
            assertThat(negative.closedByBroker()).isTrue();
        }
    }

    @Test
    void unknownApiKeyClosesTheConnection() throws Exception {
        ByteBuffer frame = ByteBuffer.allocate(4 + 10);
        frame.putInt(10).putShort((short) 9999).putShort((short) 0).putInt(1).putShort((short) -1);
        try (RawClient unknown = raw()) {
            unknown.writeRaw(frame.array());
            assertThat(unknown.closedByBroker()).isTrue();
        }
    }

    @Test
    void truncatedRequestClosesTheConnection() throws Exception {
        RequestHeader header = new RequestHeader(ApiKeys.METADATA, (short) 12, "truncated", 1);
        MetadataRequestData request = new MetadataRequestData().setTopics(List.of(
                new MetadataRequestData.MetadataRequestTopic().setName("safe")));
        ByteBuffer full = RequestUtils.serialize(header.data(), header.headerVersion(), request, (short) 12);
        int cut = full.remaining() - 6;
        ByteBuffer frame = ByteBuffer.allocate(4 + cut).putInt(cut);
        frame.put(full.array(), full.arrayOffset() + full.position(), cut);
        try (RawClient truncated = raw()) {
            truncated.writeRaw(frame.array());
            assertThat(truncated.closedByBroker()).isTrue();
        }
    }

    /**
     * Kafka's ACL request classes refuse unknown filter types as they are built, which Kafka's broker does while
     * parsing: the connection closes; a well-formed ACL request still gets its answer (here: no authorizer).
     */
    @Test
    void anAclFilterOfUnknownTypeClosesTheConnection() throws Exception {
        RequestHeader header = new RequestHeader(ApiKeys.DESCRIBE_ACLS, (short) 3, "acl-filter", 1);
        DescribeAclsRequestData unknownType = new DescribeAclsRequestData().setResourceTypeFilter((byte) 0)
                .setPatternTypeFilter((byte) 1).setOperation((byte) 1).setPermissionType((byte) 1);
        ByteBuffer body = RequestUtils.serialize(header.data(), header.headerVersion(), unknownType, (short) 3);
        ByteBuffer frame = ByteBuffer.allocate(4 + body.remaining()).putInt(body.remaining()).put(body);
        try (RawClient client = raw()) {
            client.writeRaw(frame.array());
            assertThat(client.closedByBroker()).isTrue();
        }
        try (RawClient client = raw()) {
            DescribeAclsResponseData answer = client.send(ApiKeys.DESCRIBE_ACLS, (short) 3,
                    new DescribeAclsRequestData().setResourceTypeFilter((byte) 1).setPatternTypeFilter((byte) 1)
                            .setOperation((byte) 1).setPermissionType((byte) 1));
            assertThat(answer.errorCode()).isEqualTo(Errors.SECURITY_DISABLED.code());
        }
    }

    @Test
    void unsupportedVersionOfAKnownApiClosesTheConnection() throws Exception {
        ByteBuffer frame = ByteBuffer.allocate(4 + 10);
        frame.putInt(10).putShort(ApiKeys.METADATA.id).putShort((short) 999).putInt(1).putShort((short) -1);
        try (RawClient client = raw()) {
            client.writeRaw(frame.array());
            assertThat(client.closedByBroker()).isTrue();
        }
    }

    /**
     * Metadata v10 and v11 requests may carry topic ids and null names, which their responses cannot answer: Kafka
     * fails such a request as a whole (checked against Kafka 4.2.1's broker), and so must Kafkalite, rather than
     * write a response its schema refuses.
     */
    @Test
    void metadataBeforeV12NamingATopicByIdFailsAsAWhole() throws Exception {
        Uuid id = Uuid.randomUuid();
        try (RawClient client = raw()) {
            for (short version = 10; version <= 11; version++) {
                MetadataResponseData byId = client.send(ApiKeys.METADATA, version, new MetadataRequestData()
                        .setTopics(List.of(new MetadataRequestTopic().setName(null).setTopicId(id),
                                new MetadataRequestTopic().setName("safe"))));
                assertThat(byId.topics()).extracting(MetadataResponseTopic::name, MetadataResponseTopic::topicId,
                        MetadataResponseTopic::errorCode).containsExactly(
                        tuple("", id, Errors.INVALID_REQUEST.code()),
                        tuple("safe", Uuid.ZERO_UUID, Errors.INVALID_REQUEST.code()));
            }
            MetadataResponseData byName = client.send(ApiKeys.METADATA, (short) 11, new MetadataRequestData()
                    .setTopics(List.of(new MetadataRequestTopic().setName("safe"))));
            assertThat(byName.topics().find("safe").errorCode()).isEqualTo(Errors.NONE.code()); // same connection
        }
    }

    /** As Kafka's broker answers (checked against Kafka 4.2.1): the empty group id is invalid, not a missing group. */
    @Test
    void describingTheEmptyGroupIdIsInvalidForEveryNewGroupType() throws Exception {
        try (RawClient client = raw()) {
            ConsumerGroupDescribeResponseData consumer = client.send(ApiKeys.CONSUMER_GROUP_DESCRIBE, (short) 0,
                    new ConsumerGroupDescribeRequestData().setGroupIds(List.of("")));
            ShareGroupDescribeResponseData share = client.send(ApiKeys.SHARE_GROUP_DESCRIBE, (short) 1,
                    new ShareGroupDescribeRequestData().setGroupIds(List.of("")));
            StreamsGroupDescribeResponseData streams = client.send(ApiKeys.STREAMS_GROUP_DESCRIBE, (short) 0,
                    new StreamsGroupDescribeRequestData().setGroupIds(List.of("")));
            assertThat(List.of(consumer.groups().get(0).errorCode(), share.groups().get(0).errorCode(),
                    streams.groups().get(0).errorCode())).containsOnly(Errors.INVALID_GROUP_ID.code());
        }
    }

    /** As Kafka's broker: an unknown endpoint type is unsupported, the controllers' one is another listener's. */
    @Test
    void describeClusterOfAnEndpointTypeABrokerDoesNotServe() throws Exception {
        try (RawClient client = raw()) {
            DescribeClusterResponseData unknown = client.send(ApiKeys.DESCRIBE_CLUSTER, (short) 1,
                    new DescribeClusterRequestData().setEndpointType((byte) 0));
            assertThat(unknown.errorCode()).isEqualTo(Errors.UNSUPPORTED_ENDPOINT_TYPE.code());
            assertThat(unknown.errorMessage()).isEqualTo("Endpoint type 0 is neither brokers (1) nor controllers (2)");
            DescribeClusterResponseData controllers = client.send(ApiKeys.DESCRIBE_CLUSTER, (short) 1,
                    new DescribeClusterRequestData().setEndpointType((byte) 2));
            assertThat(controllers.errorCode()).isEqualTo(Errors.MISMATCHED_ENDPOINT_TYPE.code());
            DescribeClusterResponseData brokers = client.send(ApiKeys.DESCRIBE_CLUSTER, (short) 1,
                    new DescribeClusterRequestData());
            assertThat(brokers.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(brokers.brokers()).hasSize(1);
        }
    }

    /** The broker keeps no fetch sessions, so an incremental fetch names one it never made (as Kafka answers). */
    @Test
    void anIncrementalFetchOfASessionNeverMadeIsFetchSessionIdNotFound() throws Exception {
        try (RawClient client = raw()) {
            FetchResponseData incremental = client.send(ApiKeys.FETCH, (short) 12, new FetchRequestData()
                    .setReplicaId(-1).setMaxWaitMs(0).setMaxBytes(1 << 20).setSessionId(5).setSessionEpoch(3));
            assertThat(incremental.errorCode()).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND.code());
            assertThat(incremental.responses()).isEmpty();
            FetchResponseData full = client.send(ApiKeys.FETCH, (short) 12, new FetchRequestData()
                    .setReplicaId(-1).setMaxWaitMs(0).setMaxBytes(1 << 20).setSessionId(0).setSessionEpoch(0));
            assertThat(full.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(full.sessionId()).isZero();
        }
    }

    @Test
    void tooNewApiVersionsRequestGetsTheSupportedRangesInAVersionZeroBody() throws Exception {
        // what a newer client sends first: ApiVersions at a version this broker does not know yet
        short tooNew = (short) (ApiKeys.API_VERSIONS.latestVersion() + 1);
        ByteBuffer frame = ByteBuffer.allocate(4 + 15);
        frame.putInt(15).putShort(ApiKeys.API_VERSIONS.id).putShort(tooNew).putInt(42)
                .putShort((short) 4).put("test".getBytes()).put((byte) 0); // client id, empty tagged fields
        try (RawClient client = raw()) {
            client.writeRaw(frame.array());
            ByteBuffer response = client.readFrame();
            assertThat(response.getInt()).isEqualTo(42); // correlation id, response header v0
            ApiVersionsResponseData body = new ApiVersionsResponseData(new ByteBufferAccessor(response), (short) 0);
            assertThat(body.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
            Map<Short, ApiVersionsResponseData.ApiVersion> apis = body.apiKeys().stream()
                    .collect(Collectors.toMap(ApiVersionsResponseData.ApiVersion::apiKey, v -> v));
            assertThat(apis.get(ApiKeys.API_VERSIONS.id).maxVersion()).isEqualTo(ApiKeys.API_VERSIONS.latestVersion());
            assertThat(apis.get(ApiKeys.PRODUCE.id).minVersion()).isZero();
            assertThat(apis).containsKeys(ApiKeys.METADATA.id, ApiKeys.FETCH.id);

            ApiVersionsResponseData retry = client.send(ApiKeys.API_VERSIONS, (short) 3, new ApiVersionsRequestData()
                    .setClientSoftwareName("test").setClientSoftwareVersion("1"));
            assertThat(retry.errorCode()).isEqualTo(Errors.NONE.code());
        }
    }
}
