package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.kafkalite.api.KafkaApi;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/**
 * The API version ranges Kafkalite advertises, written out: bumping the shaded kafka-clients must not silently
 * advertise versions with semantics the broker does not implement, so any change here shows up in review.
 */
class AdvertisedVersionsTest {

    private static final Map<String, String> EXPECTED = new TreeMap<>(Map.ofEntries(
            Map.entry("API_VERSIONS", "0-5"),
            Map.entry("METADATA", "0-13"),
            Map.entry("PRODUCE", "0-13"),
            Map.entry("FETCH", "4-18"),
            Map.entry("LIST_OFFSETS", "1-11"),
            Map.entry("INIT_PRODUCER_ID", "0-5"),
            Map.entry("ADD_PARTITIONS_TO_TXN", "0-5"),
            Map.entry("ADD_OFFSETS_TO_TXN", "0-4"),
            Map.entry("TXN_OFFSET_COMMIT", "0-6"),
            Map.entry("END_TXN", "0-5"),
            Map.entry("WRITE_TXN_MARKERS", "1-2"),
            Map.entry("DESCRIBE_TRANSACTIONS", "0-0"),
            Map.entry("LIST_TRANSACTIONS", "0-2"),
            Map.entry("DESCRIBE_PRODUCERS", "0-0"),
            Map.entry("CREATE_TOPICS", "2-7"),
            Map.entry("DELETE_TOPICS", "1-6"),
            Map.entry("CREATE_PARTITIONS", "0-3"),
            Map.entry("DESCRIBE_CONFIGS", "1-4"),
            Map.entry("ALTER_CONFIGS", "0-2"),
            Map.entry("INCREMENTAL_ALTER_CONFIGS", "0-1"),
            Map.entry("DESCRIBE_CLUSTER", "0-2"),
            Map.entry("DELETE_RECORDS", "0-2"),
            Map.entry("FIND_COORDINATOR", "0-6"),
            Map.entry("JOIN_GROUP", "0-9"),
            Map.entry("SYNC_GROUP", "0-5"),
            Map.entry("HEARTBEAT", "0-4"),
            Map.entry("LEAVE_GROUP", "0-5"),
            Map.entry("OFFSET_COMMIT", "2-10"),
            Map.entry("OFFSET_FETCH", "1-10"),
            Map.entry("OFFSET_DELETE", "0-0"),
            Map.entry("LIST_GROUPS", "0-5"),
            Map.entry("DESCRIBE_GROUPS", "0-6"),
            Map.entry("DELETE_GROUPS", "0-3"),
            Map.entry("CONSUMER_GROUP_HEARTBEAT", "0-1"),
            Map.entry("CONSUMER_GROUP_DESCRIBE", "0-1"),
            Map.entry("SASL_HANDSHAKE", "0-1"),
            Map.entry("SASL_AUTHENTICATE", "0-2"),
            Map.entry("DESCRIBE_USER_SCRAM_CREDENTIALS", "0-0"),
            Map.entry("ALTER_USER_SCRAM_CREDENTIALS", "0-0"),
            Map.entry("CREATE_ACLS", "1-3"),
            Map.entry("DESCRIBE_ACLS", "1-3"),
            Map.entry("DELETE_ACLS", "1-3"),
            Map.entry("SHARE_GROUP_HEARTBEAT", "1-1"),
            Map.entry("SHARE_GROUP_DESCRIBE", "1-1"),
            Map.entry("SHARE_FETCH", "1-2"),
            Map.entry("SHARE_ACKNOWLEDGE", "1-2"),
            Map.entry("DESCRIBE_SHARE_GROUP_OFFSETS", "0-1"),
            Map.entry("ALTER_SHARE_GROUP_OFFSETS", "0-0"),
            Map.entry("DELETE_SHARE_GROUP_OFFSETS", "0-0"),
            Map.entry("STREAMS_GROUP_HEARTBEAT", "0-1"),
            Map.entry("STREAMS_GROUP_DESCRIBE", "0-1")));

    @Test
    void advertisesExactlyTheVersionsItImplements() throws Exception {
        try (KafkaLite broker = KafkaLite.start();
             RawClient client = new RawClient(broker.host(), broker.port())) {
            ApiVersionsResponseData response = client.send(ApiKeys.API_VERSIONS, (short) 4, request());
            Map<String, String> advertised = new TreeMap<>();
            for (ApiVersion version : response.apiKeys()) {
                advertised.put(ApiKeys.forId(version.apiKey()).name(), version.minVersion() + "-" + version.maxVersion());
            }
            assertThat(advertised).isEqualTo(EXPECTED);
            // the broker's own table of APIs (how it reads requests) holds exactly the APIs it serves
            assertThat(Arrays.stream(KafkaApi.values()).map(Enum::name)).containsExactlyInAnyOrderElementsOf(
                    advertised.keySet());
            // finalized features, each implemented: transaction version 2 (KIP-890), share groups, streams groups
            assertThat(response.finalizedFeatures()).hasSize(3);
            assertThat(response.finalizedFeatures().find("transaction.version").maxVersionLevel()).isEqualTo((short) 2);
            assertThat(response.finalizedFeatures().find("share.version").maxVersionLevel()).isEqualTo((short) 1);
            assertThat(response.finalizedFeatures().find("streams.version").maxVersionLevel()).isEqualTo((short) 1);
        }
    }

    @Test
    void everyRequestGetsTheSameListAndOnlyV4AndLaterTheSupportedFeatures() throws Exception {
        try (KafkaLite broker = KafkaLite.start();
             RawClient client = new RawClient(broker.host(), broker.port())) {
            ApiVersionsResponseData v3 = client.send(ApiKeys.API_VERSIONS, (short) 3, request());
            ApiVersionsResponseData v4 = client.send(ApiKeys.API_VERSIONS, (short) 4, request());
            ApiVersionsResponseData again = client.send(ApiKeys.API_VERSIONS, (short) 4, request());
            assertThat(v3.apiKeys()).isEqualTo(v4.apiKeys()).hasSize(EXPECTED.size());
            assertThat(again).isEqualTo(v4);
            // before v4 a client rejects a supported feature whose minimum is 0 (KAFKA-17011); finalized ones it reads
            assertThat(v3.supportedFeatures()).isEmpty();
            assertThat(v3.finalizedFeatures()).isEqualTo(v4.finalizedFeatures()).hasSize(3);
            assertThat(v4.supportedFeatures()).hasSize(3);
        }
    }

    /** As Kafka's broker (checked against Kafka 4.2.1): a client naming itself outside Kafka's pattern is refused. */
    @Test
    void aClientSoftwareNameOrVersionKafkaRefusesIsAnInvalidRequest() throws Exception {
        try (KafkaLite broker = KafkaLite.start();
             RawClient client = new RawClient(broker.host(), broker.port())) {
            for (ApiVersionsRequestData refused : List.of(request().setClientSoftwareName(""),
                    request().setClientSoftwareVersion("1.0 beta"), request().setClientSoftwareName("-dash"))) {
                ApiVersionsResponseData response = client.send(ApiKeys.API_VERSIONS, (short) 3, refused);
                assertThat(response.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
                assertThat(response.apiKeys()).isEmpty();
            }
            assertThat(client.<ApiVersionsResponseData>send(ApiKeys.API_VERSIONS, (short) 3,
                    request().setClientSoftwareName("confluent-kafka-python").setClientSoftwareVersion("1.7.0-rdkafka-2.0.2"))
                    .errorCode()).isEqualTo(Errors.NONE.code());
        }
    }

    /** What a client sends: its software name and version (checked from v3). */
    private static ApiVersionsRequestData request() {
        return new ApiVersionsRequestData().setClientSoftwareName("raw-client").setClientSoftwareVersion("1.0");
    }

    @Test
    void aClientHeadingForAnotherClusterIsToldToRebootstrap() throws Exception {
        try (KafkaLite broker = KafkaLite.start();
             RawClient client = new RawClient(broker.host(), broker.port())) {
            ApiVersionsResponseData response = client.send(ApiKeys.API_VERSIONS, (short) 5,
                    request().setClusterId("another-cluster").setNodeId(1));
            assertThat(response.errorCode()).isEqualTo(Errors.REBOOTSTRAP_REQUIRED.code());
        }
    }
}
