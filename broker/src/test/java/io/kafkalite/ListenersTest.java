package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

/** Named listeners: each is bound on its own port and advertises its own address to the clients that use it. */
class ListenersTest {

    @Test
    void defaultIsOnePlaintextListenerOnLoopback() {
        try (KafkaLite broker = KafkaLite.start()) {
            assertThat(broker.listenerNames()).containsExactly("PLAINTEXT");
            assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:").isEqualTo(broker.bootstrapServers("plaintext"));
        }
    }

    @Test
    void eachListenerAdvertisesItselfToItsClients() throws Exception {
        try (KafkaLite broker = KafkaLite.builder()
                .brokerConfig("listeners", "INTERNAL://127.0.0.1:0,EXTERNAL://127.0.0.1:0")
                .brokerConfig("listener.security.protocol.map", "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT")
                .topic("orders", 1)
                .start()) {
            String internal = broker.bootstrapServers("INTERNAL");
            String external = broker.bootstrapServers("external");
            assertThat(internal).isNotEqualTo(external);
            assertThat(broker.bootstrapServers()).isEqualTo(internal);

            for (String address : List.of(internal, external)) {
                try (Admin admin = Clients.admin(address)) {
                    Collection<Node> nodes = admin.describeCluster().nodes().get();
                    assertThat(nodes).singleElement().satisfies(n -> assertThat(n.host() + ":" + n.port()).isEqualTo(address));
                }
            }
            // a consumer group through the second listener: FindCoordinator must name that listener's port
            try (KafkaProducer<String, String> producer = Clients.producer(external, Map.of())) {
                producer.send(new ProducerRecord<>("orders", "k", "v")).get();
            }
            try (KafkaConsumer<String, String> consumer = Clients.consumer(external,
                    Map.of(ConsumerConfig.GROUP_ID_CONFIG, "via-external"))) {
                consumer.subscribe(List.of("orders"));
                List<ConsumerRecord<String, String>> records = Clients.poll(consumer, 1);
                assertThat(records).extracting(ConsumerRecord::value).containsExactly("v");
                consumer.commitSync(Map.of(new TopicPartition("orders", 0), new OffsetAndMetadata(1)), Duration.ofSeconds(10));
            }
        }
    }

    @Test
    void bindAddressAndAdvertisedAddressAreSeparate() throws Exception {
        try (KafkaLite broker = KafkaLite.builder()
                .brokerConfig("listeners", "PLAINTEXT://0.0.0.0:0")
                .brokerConfig("advertised.listeners", "PLAINTEXT://kafka.internal.example:19092")
                .start()) {
            assertThat(broker.bootstrapServers()).isEqualTo("kafka.internal.example:19092");
            int boundPort = broker.boundPort("PLAINTEXT");
            // reachable on loopback, although it tells clients a name only a container network would resolve
            try (RawClient client = new RawClient("127.0.0.1", boundPort)) {
                MetadataResponseData metadata = client.send(ApiKeys.METADATA, (short) 12,
                        new MetadataRequestData().setTopics(List.of()));
                assertThat(metadata.brokers()).singleElement().satisfies(b -> {
                    assertThat(b.host()).isEqualTo("kafka.internal.example");
                    assertThat(b.port()).isEqualTo(19092);
                });
                FindCoordinatorResponseData coordinator = client.send(ApiKeys.FIND_COORDINATOR, (short) 3,
                        new FindCoordinatorRequestData().setKey("g").setKeyType((byte) 0));
                assertThat(coordinator.host() + ":" + coordinator.port()).isEqualTo("kafka.internal.example:19092");
            }
        }
    }

    @Test
    void badListenerConfigsFailAtStartNamingTheKey() {
        assertThatThrownBy(() -> KafkaLite.builder().brokerConfig("listeners", "PLAINTEXT://127.0.0.1:0,CUSTOM://127.0.0.1:0").start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("listeners")
                .hasMessageContaining("no security protocol for listener CUSTOM");
        assertThatThrownBy(() -> KafkaLite.builder().brokerConfig("listeners", "PLAINTEXT://0.0.0.0:0").start())
                .hasMessageContaining("non-routable meta-address 0.0.0.0").hasMessageContaining("advertised.listeners");
        assertThatThrownBy(() -> KafkaLite.builder().brokerConfig("listeners", "PLAINTEXT://127.0.0.1:0")
                .brokerConfig("advertised.listeners", "SSL://127.0.0.1:0").start())
                .hasMessageContaining("advertised listener SSL is not in listeners");
        assertThatThrownBy(() -> KafkaLite.builder().brokerConfig("listeners", "PLAINTEXT:127.0.0.1:9092").start())
                .hasMessageContaining("is not NAME://host:port");
        assertThatThrownBy(() -> KafkaLite.builder().port(0).brokerConfig("listeners", "PLAINTEXT://127.0.0.1:0").start())
                .hasMessageContaining("Both host()/port() and the listeners config");
        assertThatThrownBy(() -> KafkaLite.builder().brokerConfig("listener.security.protocol.map", "A:TLS")
                .brokerConfig("listeners", "A://127.0.0.1:0").start())
                .hasMessageContaining("unknown security protocol 'TLS'");
        assertThatThrownBy(() -> KafkaLite.builder().brokerConfig("listeners", "://127.0.0.1:0").start())
                .hasMessageContaining("is not NAME://host:port");
        assertThatThrownBy(() -> KafkaLite.builder().brokerConfig("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT, :SSL")
                .start())
                .hasMessageContaining("entries are NAME:PROTOCOL");
    }
}
