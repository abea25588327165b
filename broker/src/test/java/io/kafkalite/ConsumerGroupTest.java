package io.kafkalite;

import static io.kafkalite.GroupConsumers.consumer;
import static io.kafkalite.GroupConsumers.pollUntil;
import static io.kafkalite.GroupConsumers.produce;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Consumer groups with the classic protocol, through real kafka-clients consumers. */
class ConsumerGroupTest {

    static KafkaLite broker;

    @BeforeAll
    static void start() {
        broker = KafkaLite.builder().topic("shared", 6).start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void membersSplitPartitionsAndEachGroupGetsEveryRecordOnce() throws Exception {
        String bootstrap = broker.bootstrapServers();
        List<KafkaConsumer<String, String>> members = new ArrayList<>();
        List<KafkaConsumer<String, String>> other = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                members.add(consumer(bootstrap, "share-a", Map.of()));
            }
            other.add(consumer(bootstrap, "share-b", Map.of()));
            for (KafkaConsumer<String, String> c : members) {
                c.subscribe(List.of("shared"));
            }
            other.get(0).subscribe(List.of("shared"));
            pollUntil(members, () -> members.stream().allMatch(c -> c.assignment().size() == 2), "each member has 2 partitions");

            Set<TopicPartition> union = new HashSet<>();
            members.forEach(c -> union.addAll(c.assignment()));
            assertThat(union).hasSize(6);

            produce(bootstrap, "shared", 6, 300);
            Map<String, List<KafkaConsumer<String, String>>> receivers = new HashMap<>();
            List<ConsumerRecord<String, String>> received = new ArrayList<>();
            pollUntil(members, (c, r) -> {
                received.add(r);
                receivers.computeIfAbsent(r.value(), v -> new ArrayList<>()).add(c);
                assertThat(c.assignment()).contains(new TopicPartition(r.topic(), r.partition()));
            }, () -> received.size() >= 300, "group a received 300 records");
            assertThat(receivers).hasSize(300);
            assertThat(receivers.values()).allSatisfy(list -> assertThat(list).hasSize(1));

            List<ConsumerRecord<String, String>> receivedByB = new ArrayList<>();
            pollUntil(other, (c, r) -> receivedByB.add(r), () -> receivedByB.size() >= 300, "group b received 300 records");
            assertThat(receivedByB.stream().map(ConsumerRecord::value).distinct()).hasSize(300);
        } finally {
            members.forEach(KafkaConsumer::close);
            other.forEach(KafkaConsumer::close);
        }
    }
}
