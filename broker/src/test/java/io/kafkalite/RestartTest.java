package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker restarted on the same data directory has the topics, ids, configs and records it had. */
class RestartTest {

    private static final int PARTITIONS = 3;
    private static final int PER_PARTITION = 20;
    private static final ConfigResource KEPT = new ConfigResource(ConfigResource.Type.TOPIC, "kept");

    @TempDir
    Path dataDirectory;

    /** What the first broker was left with, for comparison after the restart. */
    private record Before(Uuid keptId, Uuid rebornId, Map<String, String> overrides, List<String> records) {
    }

    @Test
    void topicsConfigsRecordsAndLogStartOffsetsSurviveARestart() throws Exception {
        Before before;
        try (KafkaLite broker = KafkaLite.builder().dataDirectory(dataDirectory).start()) {
            assertThat(broker.isChronicleBacked()).isTrue();
            before = populate(broker);
        }

        try (KafkaLite broker = KafkaLite.builder().dataDirectory(dataDirectory).start();
             Admin admin = Clients.admin(broker.bootstrapServers())) {
            assertThat(admin.listTopics().names().get()).containsExactlyInAnyOrder("kept", "reborn");
            TopicDescription kept = admin.describeTopics(List.of("kept")).allTopicNames().get().get("kept");
            assertThat(kept.topicId()).isEqualTo(before.keptId());
            assertThat(kept.partitions()).hasSize(PARTITIONS + 1);
            assertThat(admin.describeTopics(List.of("reborn")).allTopicNames().get().get("reborn").topicId())
                    .isEqualTo(before.rebornId());
            assertThat(overrides(admin)).isEqualTo(before.overrides());

            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
                List<TopicPartition> partitions = partitions("kept", PARTITIONS + 1);
                assertThat(consumer.beginningOffsets(partitions)).containsEntry(partitions.get(0), 5L)
                        .containsEntry(partitions.get(1), 0L).containsEntry(partitions.get(3), 0L);
                assertThat(consumer.endOffsets(partitions)).containsEntry(partitions.get(0), (long) PER_PARTITION)
                        .containsEntry(partitions.get(3), 1L);
                assertThat(describeAll(Clients.readAll(consumer, partitions, before.records().size())))
                        .containsExactlyInAnyOrderElementsOf(before.records());

                TopicPartition reborn = new TopicPartition("reborn", 0);
                assertThat(Clients.readAll(consumer, List.of(reborn), 1)).extracting(ConsumerRecord::offset,
                        ConsumerRecord::value).containsExactly(tuple(0L, "second life"));
            }

            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
                assertThat(producer.send(new ProducerRecord<>("kept", 0, null, "after restart")).get().offset())
                        .isEqualTo(PER_PARTITION);
                assertThat(producer.send(new ProducerRecord<>("reborn", 0, null, "again")).get().offset()).isEqualTo(1);
            }
            admin.deleteRecords(Map.of(new TopicPartition("kept", 1), RecordsToDelete.beforeOffset(7))).all().get();
        }

        try (KafkaLite broker = KafkaLite.builder().dataDirectory(dataDirectory).start();
             KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
            List<TopicPartition> partitions = partitions("kept", 2);
            assertThat(consumer.beginningOffsets(partitions)).containsEntry(partitions.get(0), 5L)
                    .containsEntry(partitions.get(1), 7L);
            assertThat(consumer.endOffsets(partitions)).containsEntry(partitions.get(0), PER_PARTITION + 1L);
            List<ConsumerRecord<String, String>> partition0 = Clients.readAll(consumer, List.of(partitions.get(0)),
                    PER_PARTITION - 5 + 1);
            assertThat(partition0.get(partition0.size() - 1).value()).isEqualTo("after restart");
        }
    }

    /** Creates, configures, fills, trims and deletes topics; returns what should survive. */
    private static Before populate(KafkaLite broker) throws Exception {
        Uuid keptId;
        try (Admin admin = Clients.admin(broker.bootstrapServers());
             KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            keptId = admin.createTopics(List.of(new NewTopic("kept", PARTITIONS, (short) 1)
                    .configs(Map.of("retention.ms", "-1", "cleanup.policy", "delete"))))
                    .topicId("kept").get();
            admin.incrementalAlterConfigs(Map.of(KEPT, List.of(
                    new AlterConfigOp(new ConfigEntry("max.message.bytes", "500000"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("cleanup.policy", null), AlterConfigOp.OpType.DELETE)))).all().get();
            admin.createPartitions(Map.of("kept", NewPartitions.increaseTo(PARTITIONS + 1))).all().get();
            admin.createTopics(List.of(new NewTopic("doomed", 1, (short) 1), new NewTopic("reborn", 1, (short) 1)))
                    .all().get();

            long timestamp = System.currentTimeMillis() - 60_000;
            for (int p = 0; p < PARTITIONS; p++) {
                for (int i = 0; i < PER_PARTITION; i++) {
                    RecordHeaders headers = new RecordHeaders();
                    headers.add("i", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                    producer.send(new ProducerRecord<>("kept", p, timestamp + i, "key-" + p + "-" + i,
                            "value-" + p + "-" + i, headers));
                }
            }
            producer.send(new ProducerRecord<>("kept", PARTITIONS, timestamp, null, "in the new partition"));
            producer.send(new ProducerRecord<>("doomed", 0, null, "gone"));
            producer.send(new ProducerRecord<>("reborn", 0, null, "first life"));
            producer.flush();
        }
        try (Admin admin = Clients.admin(broker.bootstrapServers())) {
            admin.deleteRecords(Map.of(new TopicPartition("kept", 0), RecordsToDelete.beforeOffset(5))).all().get();
            // With the producer still open, its metadata refresh would re-create "doomed" (auto-creation, as in Kafka).
            admin.deleteTopics(List.of("doomed", "reborn")).all().get();
            Uuid rebornId = admin.createTopics(List.of(new NewTopic("reborn", 1, (short) 1))).topicId("reborn").get();
            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
                producer.send(new ProducerRecord<>("reborn", 0, null, "second life")).get();
            }

            Map<String, String> overrides = overrides(admin);
            assertThat(overrides).isEqualTo(Map.of("retention.ms", "-1", "max.message.bytes", "500000"));
            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
                int expected = PARTITIONS * PER_PARTITION - 5 + 1;
                List<String> records = describeAll(Clients.readAll(consumer, partitions("kept", PARTITIONS + 1), expected));
                assertThat(records).hasSize(expected);
                return new Before(keptId, rebornId, overrides, records);
            }
        }
    }

    private static Map<String, String> overrides(Admin admin) throws Exception {
        Config config = admin.describeConfigs(List.of(KEPT)).all().get().get(KEPT);
        Map<String, String> overrides = new HashMap<>();
        config.entries().stream().filter(e -> e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG)
                .forEach(e -> overrides.put(e.name(), e.value()));
        return overrides;
    }

    private static List<TopicPartition> partitions(String topic, int count) {
        return IntStream.range(0, count).mapToObj(p -> new TopicPartition(topic, p)).toList();
    }

    /** Every property of a record a restart must keep, as one comparable string. */
    private static List<String> describeAll(List<ConsumerRecord<String, String>> records) {
        List<String> described = new ArrayList<>();
        for (ConsumerRecord<String, String> r : records) {
            StringBuilder headers = new StringBuilder();
            r.headers().forEach(h -> headers.append(h.key()).append('=')
                    .append(new String(h.value(), StandardCharsets.UTF_8)).append(';'));
            described.add(r.topic() + "/" + r.partition() + "@" + r.offset() + " " + r.timestamp() + " "
                    + r.timestampType() + " " + r.key() + "=" + r.value() + " [" + headers + "]");
        }
        return described;
    }
}
