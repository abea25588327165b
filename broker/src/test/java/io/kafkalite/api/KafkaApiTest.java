package io.kafkalite.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;

import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

/**
 * Kafkalite's own table of the APIs it serves against kafka-clients' {@link ApiKeys}: a kafka-clients upgrade that
 * moves a version range or a first flexible version fails here instead of garbling headers on the wire.
 */
class KafkaApiTest {

    @Test
    void everyEntryMatchesKafkaClients() {
        for (KafkaApi api : KafkaApi.values()) {
            ApiKeys key = ApiKeys.forId(api.id());
            assertThat(api.name()).as("constant of API key %d", api.id()).isEqualTo(key.name());
            assertThat(api.kafkaName()).isEqualTo(key.name);
            assertThat(api.oldestVersion()).as("%s oldest version", api).isEqualTo(key.oldestVersion());
            assertThat(api.latestVersion()).as("%s latest version", api).isEqualTo(key.latestVersion(true));
            for (short version = key.oldestVersion(); version <= key.latestVersion(true); version++) {
                assertThat(api.requestHeaderVersion(version)).as("%s v%d request header", api, version)
                        .isEqualTo(key.requestHeaderVersion(version));
                assertThat(api.responseHeaderVersion(version)).as("%s v%d response header", api, version)
                        .isEqualTo(key.responseHeaderVersion(version));
            }
            assertThat(api.newResponse().getClass()).isEqualTo(key.messageType.newResponse().getClass());
            assertThat(KafkaApi.forId(api.id())).isSameAs(api);
        }
    }

    @Test
    void readsEachRequestAsKafkaClientsWritesIt() {
        for (KafkaApi api : KafkaApi.values()) {
            ApiKeys key = ApiKeys.forId(api.id());
            for (short version = key.oldestVersion(); version <= key.latestVersion(true); version++) {
                ApiMessage written = key.messageType.newRequest();
                ApiMessage read = api.readRequest(MessageUtil.toByteBufferAccessor(written, version), version);
                assertThat(read).as("%s v%d", api, version).isEqualTo(written);
            }
        }
    }

    @Test
    void looksUpByIdAndByEitherName() {
        assertThat(KafkaApi.forId((short) 0)).isEqualTo(KafkaApi.PRODUCE);
        assertThat(KafkaApi.forId((short) 52)).as("Vote, a controller API").isNull();
        assertThat(KafkaApi.forId((short) -1)).isNull();
        assertThat(KafkaApi.forId(Short.MAX_VALUE)).isNull();
        assertThat(KafkaApi.forName("FindCoordinator")).isEqualTo(KafkaApi.FIND_COORDINATOR);
        assertThat(KafkaApi.forName("find_coordinator")).isEqualTo(KafkaApi.FIND_COORDINATOR);
        assertThat(KafkaApi.forName("Vote")).isNull();
    }

    @Test
    void requestHeadersReadAsKafkaClientsWritesThem() {
        for (short version : new short[] {8, 9}) { // Produce: header v1, then v2 with tagged fields
            RequestHeader written = new RequestHeader(ApiKeys.PRODUCE, version, "client-1", 42);
            ByteBuffer frame = MessageUtil.toByteBufferAccessor(written.data(), written.headerVersion()).buffer();
            RequestHeaderData read = new RequestHeaderData(new ByteBufferAccessor(frame),
                    KafkaApi.PRODUCE.requestHeaderVersion(version));
            assertThat(read).isEqualTo(written.data());
            assertThat(frame.hasRemaining()).isFalse();
        }
        assertThat(new ProduceRequestData().apiKey()).isEqualTo(KafkaApi.PRODUCE.id());
    }
}
