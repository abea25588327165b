package io.kafkalite;

import static io.kafkalite.GroupConsumers.consumer;
import static io.kafkalite.GroupConsumers.pollUntil;
import static io.kafkalite.GroupConsumers.produce;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Committed offsets live in the metadata journal: they survive a restart on the same data directory. */
class CommittedOffsetPersistenceTest {

    @TempDir
    Path dataDirectory;

    @Test
    void consumerResumesFromCommittedOffsetAfterBrokerRestart() throws Exception {
        TopicPartition tp = new TopicPartition("durable", 0);
        try (KafkaLite broker = KafkaLite.builder().dataDirectory(dataDirectory).topic("durable", 1).start()) {
            produce(broker.bootstrapServers(), "durable", 1, 30);
            try (KafkaConsumer<String, String> first = consumer(broker.bootstrapServers(), "durable-group", Map.of())) {
                first.subscribe(List.of("durable"));
                List<Long> offsets = new ArrayList<>();
                pollUntil(List.of(first), (c, r) -> offsets.add(r.offset()), () -> offsets.size() >= 12, "12 records read");
                first.commitSync(Map.of(tp, new OffsetAndMetadata(12, "before restart")));
                first.commitSync(Map.of(tp, new OffsetAndMetadata(13, "last commit wins")));
            }
        }

        try (KafkaLite broker = KafkaLite.builder().dataDirectory(dataDirectory).start();
             KafkaConsumer<String, String> second = consumer(broker.bootstrapServers(), "durable-group", Map.of());
             Admin admin = Clients.admin(broker.bootstrapServers())) {
            assertThat(admin.listGroups().all().get()).extracting(GroupListing::groupId).contains("durable-group");

            second.subscribe(List.of("durable"));
            List<Long> offsets = new ArrayList<>();
            pollUntil(List.of(second), (c, r) -> offsets.add(r.offset()), () -> offsets.size() >= 17, "the rest read");
            assertThat(offsets.get(0)).isEqualTo(13);
            assertThat(second.committed(Set.of(tp)).get(tp).metadata()).isEqualTo("last commit wins");
        }
    }

    @Test
    void offsetsOfADeletedTopicAreGoneAlsoAfterRestart() throws Exception {
        TopicPartition doomed = new TopicPartition("doomed", 0);
        TopicPartition kept = new TopicPartition("kept", 0);
        try (KafkaLite broker = KafkaLite.builder().dataDirectory(dataDirectory).topic("doomed", 1).topic("kept", 1).start();
             Admin admin = Clients.admin(broker.bootstrapServers())) {
            admin.alterConsumerGroupOffsets("ops", Map.of(doomed, new OffsetAndMetadata(5), kept, new OffsetAndMetadata(7)))
                    .all().get();
            admin.deleteTopics(List.of("doomed")).all().get();

            assertThat(admin.listConsumerGroupOffsets("ops").partitionsToOffsetAndMetadata().get()).containsOnlyKeys(kept);
        }
        try (KafkaLite broker = KafkaLite.builder().dataDirectory(dataDirectory).start();
             Admin admin = Clients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("doomed", 1, (short) 1))).all().get();

            assertThat(admin.listConsumerGroupOffsets("ops").partitionsToOffsetAndMetadata().get())
                    .containsOnlyKeys(kept)
                    .hasEntrySatisfying(kept, o -> assertThat(o.offset()).isEqualTo(7));
        }
    }
}
