package io.kafkalite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Future;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone broker killed with SIGKILL while it deletes segments of a deleted topic, copies live batches
 * forward, compacts a topic and snapshots its journal (small segments and millisecond schedules make all of that
 * happen at once): after each restart every acknowledged record and the last committed offset are there.
 */
class CrashRecoveryIT {

    private static final int ROUNDS = 3;
    private static final int RECORDS = 3000;
    private static final int KEYS = 50;
    private static final int COMMITS = 12_000;
    private static final String PADDING = "x".repeat(200);
    private static final TopicPartition LEDGER = new TopicPartition("ledger", 0);
    private static final TopicPartition STATE = new TopicPartition("state", 0);

    @TempDir
    Path dataDir;

    @Test
    void aKilledBrokerLosesNoAcknowledgedRecordAndNoCommittedOffset() throws Exception {
        Random random = new Random(9);
        int ledgerRecords = 0;
        long committed = -1;
        Map<String, String> latestState = new HashMap<>();
        for (int round = 0; round <= ROUNDS; round++) {
            try (StandaloneBroker broker = StandaloneBroker.launch("--port", "0", "--data-dir", dataDir.toString(),
                    "--config", "kafkalite.log.file.bytes=1048576",
                    "--config", "log.retention.check.interval.ms=5",
                    "--config", "log.cleaner.backoff.ms=5")) {
                String bootstrap = broker.awaitReady();
                try {
                    if (round > 0) {
                        assertThat(readValues(bootstrap, LEDGER)).containsExactlyElementsOf(ledger(0, ledgerRecords));
                        assertThat(latestByKey(bootstrap)).isEqualTo(latestState);
                        assertThat(committed(bootstrap)).isEqualTo(committed);
                    }
                    if (round == ROUNDS) {
                        return;
                    }
                    try (Admin admin = admin(bootstrap)) {
                        List<NewTopic> topics = new ArrayList<>(List.of(new NewTopic("scratch", 1, (short) 1)));
                        if (round == 0) {
                            topics.add(new NewTopic("ledger", 1, (short) 1));
                            topics.add(new NewTopic("state", 1, (short) 1).configs(Map.of("cleanup.policy", "compact",
                                    "segment.ms", "1", "min.cleanable.dirty.ratio", "0.01")));
                        }
                        admin.createTopics(topics).all().get();

                        try (KafkaProducer<String, String> producer = producer(bootstrap)) {
                            List<Future<RecordMetadata>> acks = new ArrayList<>();
                            for (int i = 0; i < RECORDS; i++) {
                                acks.add(producer.send(new ProducerRecord<>("ledger", 0, "k", ledger(ledgerRecords + i))));
                                acks.add(producer.send(new ProducerRecord<>("scratch", 0, "k", PADDING + i)));
                                String key = "key-" + (i % KEYS);
                                String value = "round-" + round + "-" + i + PADDING;
                                acks.add(producer.send(new ProducerRecord<>("state", 0, key, value)));
                                latestState.put(key, value);
                            }
                            for (Future<RecordMetadata> ack : acks) {
                                ack.get();
                            }
                            ledgerRecords += RECORDS;
                        }
                        committed = commitMany(bootstrap, round);
                        admin.deleteTopics(List.of("scratch")).all().get();
                    }
                } catch (Exception | AssertionError e) {
                    // a client timing out says little by itself: the broker's log says why it stopped answering
                    throw new AssertionError("round " + round + " failed: " + e + "\nbroker output:\n" + broker.output(), e);
                }
                Thread.sleep(random.nextInt(40));
                broker.kill();
            }
        }
    }

    private static String ledger(int index) {
        return "ledger-" + index + PADDING;
    }

    private static List<String> ledger(int from, int count) {
        List<String> values = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) {
            values.add(ledger(i));
        }
        return values;
    }

    /** Many commits of one group, the journal's busiest writer; returns the last, acknowledged, offset. */
    private static long commitMany(String bootstrap, int round) {
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, "auditors")) {
            long offset = 0;
            for (int i = 0; i < COMMITS; i++) {
                offset = round * 1_000_000L + i;
                consumer.commitAsync(Map.of(LEDGER, new OffsetAndMetadata(offset)), null);
            }
            offset++;
            consumer.commitSync(Map.of(LEDGER, new OffsetAndMetadata(offset)));
            return offset;
        }
    }

    private static long committed(String bootstrap) {
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, "auditors")) {
            OffsetAndMetadata offset = consumer.committed(Set.of(LEDGER)).get(LEDGER);
            return offset == null ? -1 : offset.offset();
        }
    }

    private static List<String> readValues(String bootstrap, TopicPartition partition) {
        List<String> values = new ArrayList<>();
        for (ConsumerRecord<String, String> record : readAll(bootstrap, partition)) {
            values.add(record.value());
        }
        return values;
    }

    private static Map<String, String> latestByKey(String bootstrap) {
        Map<String, String> latest = new HashMap<>();
        for (ConsumerRecord<String, String> record : readAll(bootstrap, STATE)) {
            latest.put(record.key(), record.value());
        }
        return latest;
    }

    private static List<ConsumerRecord<String, String>> readAll(String bootstrap, TopicPartition partition) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, null)) {
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return new KafkaProducer<>(props);
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap, String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        if (group != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return new KafkaConsumer<>(props);
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }
}
