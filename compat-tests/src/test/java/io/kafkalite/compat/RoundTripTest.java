package io.kafkalite.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.kafkalite.KafkaLite;
import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RoundTripTest {

    static KafkaLite broker;

    @BeforeAll
    static void start() {
        broker = KafkaLite.builder()
                .topic("big", 1, Map.of("max.message.bytes", String.valueOf(2 << 20)))
                .start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void defaultProducerRecordsAreReadBackInOrderPerPartition() throws Exception {
        String topic = "default-producer";
        try (KafkaProducer<byte[], byte[]> producer = Clients.bytesProducer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < 300; i++) {
                producer.send(new ProducerRecord<>(topic, 0, bytes("k" + i), bytes("v" + i)));
            }
            producer.flush();
        }
        List<ConsumerRecord<byte[], byte[]>> records = Clients.read(broker.bootstrapServers(), new TopicPartition(topic, 0), 300);
        assertThat(records).hasSize(300);
        for (int i = 0; i < 300; i++) {
            assertThat(records.get(i).offset()).isEqualTo(i);
            assertThat(text(records.get(i).value())).isEqualTo("v" + i);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "all"})
    void everyAcksLevelDeliversTheRecords(String acks) throws Exception {
        String topic = "acks-" + acks;
        Map<String, Object> config = Map.of(ProducerConfig.ACKS_CONFIG, acks,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, acks.equals("all"));
        try (KafkaProducer<byte[], byte[]> producer = Clients.bytesProducer(broker.bootstrapServers(), config)) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, bytes("m" + i)));
            }
            producer.flush();
        }
        assertThat(Clients.read(broker.bootstrapServers(), new TopicPartition(topic, 0), 20))
                .extracting(r -> text(r.value())).containsExactly(expected("m", 20));
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void everyCompressionCodecRoundTrips(String codec) throws Exception {
        String topic = "codec-" + codec;
        try (KafkaProducer<byte[], byte[]> producer = Clients.bytesProducer(broker.bootstrapServers(),
                Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec, ProducerConfig.LINGER_MS_CONFIG, 20))) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>(topic, 0, bytes("key-" + i), bytes("compressible value " + i + " ".repeat(100))));
            }
            producer.flush();
        }
        List<ConsumerRecord<byte[], byte[]>> records = Clients.read(broker.bootstrapServers(), new TopicPartition(topic, 0), 50);
        assertThat(records).hasSize(50);
        assertThat(text(records.get(49).key())).isEqualTo("key-49");
        assertThat(text(records.get(49).value())).isEqualTo("compressible value 49" + " ".repeat(100));
    }

    @Test
    void headersNullKeysAndNullValuesSurvive() throws Exception {
        String topic = "headers";
        try (KafkaProducer<byte[], byte[]> producer = Clients.bytesProducer(broker.bootstrapServers(), Map.of())) {
            ProducerRecord<byte[], byte[]> withHeaders = new ProducerRecord<>(topic, 0, bytes("k"), bytes("v"),
                    List.of(new RecordHeader("trace", new byte[] {1, 2, 3}), new RecordHeader("empty", null)));
            producer.send(withHeaders).get();
            producer.send(new ProducerRecord<>(topic, 0, null, bytes("no key"))).get();
            producer.send(new ProducerRecord<>(topic, 0, bytes("tombstone"), null)).get();
        }
        List<ConsumerRecord<byte[], byte[]>> records = Clients.read(broker.bootstrapServers(), new TopicPartition(topic, 0), 3);
        assertThat(records.get(0).headers().lastHeader("trace").value()).containsExactly(1, 2, 3);
        assertThat(records.get(0).headers().lastHeader("empty").value()).isNull();
        assertThat(records.get(1).key()).isNull();
        assertThat(records.get(2).value()).isNull();
    }

    @Test
    void aOneMebibyteRecordRoundTrips() throws Exception {
        byte[] value = new byte[1 << 20];
        Arrays.fill(value, (byte) 7);
        value[value.length - 1] = 42;
        try (KafkaProducer<byte[], byte[]> producer = Clients.bytesProducer(broker.bootstrapServers(),
                Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20))) {
            RecordMetadata metadata = producer.send(new ProducerRecord<>("big", 0, null, value)).get(60, TimeUnit.SECONDS);
            assertThat(metadata.offset()).isZero();
        }
        ConsumerRecord<byte[], byte[]> record = Clients.read(broker.bootstrapServers(), new TopicPartition("big", 0), 1).get(0);
        assertThat(record.value()).hasSize(1 << 20);
        assertThat(record.value()[(1 << 20) - 1]).isEqualTo((byte) 42);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String[] expected(String prefix, int count) {
        String[] values = new String[count];
        for (int i = 0; i < count; i++) {
            values[i] = prefix + i;
        }
        return values;
    }
}
