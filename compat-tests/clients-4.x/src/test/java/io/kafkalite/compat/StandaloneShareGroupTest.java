package io.kafkalite.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/** Unmodified {@link KafkaShareConsumer}s (KIP-932) against the standalone jar: two of them share a topic's records. */
class StandaloneShareGroupTest {

    @Test
    void twoShareConsumersGetEveryRecordOnce() throws Exception {
        try (StandaloneJar broker = StandaloneJar.start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("jobs", 2, (short) 1))).all().get();
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, "workers"), List.of(
                    new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET))))
                    .all().get();
            try (KafkaProducer<byte[], byte[]> producer = Clients.bytesProducer(broker.bootstrapServers(), Map.of())) {
                for (int i = 0; i < 200; i++) {
                    producer.send(new ProducerRecord<>("jobs", i % 2, null, ("job-" + i).getBytes()));
                }
            }
            Set<String> seen = ConcurrentHashMap.newKeySet();
            Set<String> twice = ConcurrentHashMap.newKeySet();
            try (KafkaShareConsumer<byte[], byte[]> first = consumer(broker.bootstrapServers());
                 KafkaShareConsumer<byte[], byte[]> second = consumer(broker.bootstrapServers())) {
                first.subscribe(List.of("jobs"));
                second.subscribe(List.of("jobs"));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (seen.size() < 200 && System.nanoTime() < deadline) {
                    for (KafkaShareConsumer<byte[], byte[]> consumer : List.of(first, second)) {
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                            if (!seen.add(record.partition() + "@" + record.offset())) {
                                twice.add(record.partition() + "@" + record.offset());
                            }
                        }
                    }
                }
            }
            assertThat(twice).isEmpty();
            assertThat(seen).hasSize(200);
        }
    }

    private static KafkaShareConsumer<byte[], byte[]> consumer(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "workers");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaShareConsumer<>(props);
    }
}
