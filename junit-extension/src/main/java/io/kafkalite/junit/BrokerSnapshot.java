package io.kafkalite.junit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the cluster held when a test failed: topics with record counts and their last records, consumer groups
 * with committed offsets and lag. Attached to the failure as a suppressed exception, so it shows in the test
 * output next to the assertion that failed. On an external cluster it shows only what the test run declared or
 * created, never what the cluster held before the run (other projects' topics and groups).
 */
final class BrokerSnapshot extends RuntimeException {

    private static final int LAST_RECORDS = 5;

    private BrokerSnapshot(String text) {
        super(text, null, false, false);
    }

    static BrokerSnapshot of(ClusterResource cluster) {
        StringBuilder out = new StringBuilder("State of ").append(cluster).append(" when the test failed:");
        try {
            describe(cluster, out);
        } catch (RuntimeException e) {
            out.append("\n  (could not read the rest: ").append(e.getMessage()).append(')');
        }
        return new BrokerSnapshot(out.toString());
    }

    private static void describe(ClusterResource cluster, StringBuilder out) {
        Admin admin = cluster.admin();
        Set<String> topics = StateReset.topics(admin);
        Collection<ConsumerGroupListing> groups = StateReset.await(admin.listConsumerGroups().all());
        synchronized (cluster.usage()) {
            topics.removeIf(t -> !cluster.usage().reportable(t));
            groups = groups.stream().filter(g -> cluster.usage().groupCreatedByRun(g.groupId())).toList();
        }
        Map<String, Object> config = cluster.clientConfig();
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            out.append("\n topics:");
            for (String topic : new TreeSet<>(topics)) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                long count = partitions.stream().mapToLong(p -> end.get(p) - begin.get(p)).sum();
                out.append("\n  ").append(topic).append(": ").append(partitions.size()).append(" partition(s), ")
                        .append(count).append(" record(s)");
                for (ConsumerRecord<byte[], byte[]> record : lastRecords(consumer, partitions, begin, end)) {
                    out.append("\n    ").append(RecordText.describe(record));
                }
            }
            out.append("\n consumer groups:");
            for (ConsumerGroupListing group : groups) {
                out.append("\n  ").append(group.groupId());
                Map<TopicPartition, OffsetAndMetadata> committed =
                        StateReset.await(admin.listConsumerGroupOffsets(group.groupId()).partitionsToOffsetAndMetadata());
                Map<TopicPartition, Long> end = consumer.endOffsets(committed.keySet());
                committed.forEach((tp, offset) -> out.append("\n    ").append(tp).append(" committed ")
                        .append(offset == null ? "-" : String.valueOf(offset.offset()))
                        .append(", end ").append(end.get(tp))
                        .append(offset == null ? "" : ", lag " + (end.get(tp) - offset.offset())));
            }
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> lastRecords(KafkaConsumer<byte[], byte[]> consumer,
                                                                   List<TopicPartition> partitions,
                                                                   Map<TopicPartition, Long> begin,
                                                                   Map<TopicPartition, Long> end) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            long from = Math.max(begin.get(partition), end.get(partition) - LAST_RECORDS);
            if (from >= end.get(partition)) {
                continue;
            }
            consumer.assign(List.of(partition));
            consumer.seek(partition, from);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (consumer.position(partition) < end.get(partition) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(50)).forEach(records::add);
            }
        }
        return records;
    }
}
