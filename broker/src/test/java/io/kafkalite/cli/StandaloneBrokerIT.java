package io.kafkalite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executable jar, run as users run it: {@code java -jar kafkalite.jar ...}, with no other jar or flag. */
class StandaloneBrokerIT {

    @TempDir
    Path dataDir;

    @Test
    void servesRealClientsAndStopsCleanlyOnSigterm() throws Exception {
        try (StandaloneBroker broker = StandaloneBroker.launch("--port", "0")) {
            String bootstrap = broker.awaitReady();
            produce(bootstrap, "greetings", 0, 10);
            assertThat(values(consume(bootstrap, "greetings", 10))).containsExactly(expected(0, 10));

            broker.terminate();
            assertThat(broker.awaitExit()).as(broker.output()).isZero();
            assertThat(broker.output()).contains("stopped");
        }
    }

    /**
     * Kafka's {@code ApiKeys} reaches every API's message classes (about 500, ~200 ms of CPU on a cold broker), so the
     * broker reads requests through its own table; this keeps it that way for a producer, a group consumer and Admin.
     */
    @Test
    void servingClientsLoadsOnlyTheMessageClassesOfTheApisTheyCall() throws Exception {
        Path classLog = dataDir.resolve("classes.log");
        try (StandaloneBroker broker = StandaloneBroker.launchWithJvmFlags(
                List.of("-Xlog:class+load=info:file=" + classLog), "--port", "0")) {
            String bootstrap = broker.awaitReady();
            produce(bootstrap, "loaded", 0, 3);
            Properties group = new Properties();
            group.put(ConsumerConfig.GROUP_ID_CONFIG, "loaders");
            group.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            group.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            group.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
            group.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
            group.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            List<String> seen = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(group)) {
                consumer.subscribe(List.of("loaded"));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (seen.size() < 3 && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.value()));
                }
                consumer.commitSync();
            }
            try (Admin admin = admin(bootstrap)) {
                assertThat(admin.listConsumerGroupOffsets("loaders").partitionsToOffsetAndMetadata().get())
                        .containsKey(new TopicPartition("loaded", 0));
            }
            assertThat(seen).containsExactly(expected(0, 3));
            broker.terminate();
            assertThat(broker.awaitExit()).as(broker.output()).isZero();
        }
        String loaded = Files.readString(classLog);
        assertThat(loaded).contains("io.kafkalite.shaded.kafka.common.message.ProduceRequestData ")
                .doesNotContain("io.kafkalite.shaded.kafka.common.protocol.ApiKeys ")
                .doesNotContain("io.kafkalite.shaded.kafka.common.message.ApiMessageType ");
    }

    @Test
    void secureListenersFromTheCommandLine() throws Exception {
        try (StandaloneBroker broker = StandaloneBroker.launch("--config",
                "listeners=PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0", "--add-scram",
                "SCRAM-SHA-512=[name=alice,password=alice-secret]")) {
            broker.awaitReady();
            java.util.regex.Matcher listener = java.util.regex.Pattern.compile("listener SASL_SSL at (\\S+)")
                    .matcher(broker.output());
            java.util.regex.Matcher truststore = java.util.regex.Pattern.compile("ssl.truststore.location=(\\S+)")
                    .matcher(broker.output());
            assertThat(listener.find() && truststore.find()).as(broker.output()).isTrue();
            Properties props = new Properties();
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, listener.group(1));
            props.put("security.protocol", "SASL_SSL");
            props.put("sasl.mechanism", "SCRAM-SHA-512");
            props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                    + "username=\"alice\" password=\"alice-secret\";");
            props.put("ssl.truststore.location", truststore.group(1));
            props.put("ssl.truststore.password", "kafkalite");
            try (Admin admin = Admin.create(props)) {
                assertThat(admin.describeCluster().nodes().get()).singleElement()
                        .satisfies(n -> assertThat(n.host() + ":" + n.port()).isEqualTo(listener.group(1)));
            }
        }
    }

    @Test
    void acknowledgedRecordsTopicsAndConfigsSurviveAKilledProcess() throws Exception {
        try (StandaloneBroker broker = StandaloneBroker.launch("--port", "0", "--data-dir", dataDir.toString())) {
            String bootstrap = broker.awaitReady();
            try (Admin admin = admin(bootstrap)) {
                admin.createTopics(List.of(new NewTopic("ledger", 1, (short) 1)
                        .configs(Map.of("retention.ms", "86400000")))).all().get();
            }
            produce(bootstrap, "ledger", 0, 100);
            broker.kill();
        }
        try (StandaloneBroker broker = StandaloneBroker.launch("--port", "0", "--data-dir", dataDir.toString())) {
            String bootstrap = broker.awaitReady();
            try (Admin admin = admin(bootstrap)) {
                ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "ledger");
                Config config = admin.describeConfigs(List.of(topic)).all().get().get(topic);
                assertThat(config.get("retention.ms").value()).isEqualTo("86400000");
            }
            List<ConsumerRecord<String, String>> before = consume(bootstrap, "ledger", 100);
            assertThat(values(before)).containsExactly(expected(0, 100));
            assertThat(before.get(99).offset()).isEqualTo(99);

            produce(bootstrap, "ledger", 100, 10);
            List<ConsumerRecord<String, String>> after = consume(bootstrap, "ledger", 110);
            assertThat(after.get(109).offset()).isEqualTo(109);
            assertThat(after.get(109).value()).isEqualTo("value-109");
        }
    }

    @Test
    void transactionsWorkAndACommittedOneSurvivesAKilledProcessWhileAnOpenOneIsAborted() throws Exception {
        try (StandaloneBroker broker = StandaloneBroker.launch("--port", "0", "--data-dir", dataDir.toString())) {
            String bootstrap = broker.awaitReady();
            produce(bootstrap, "requests", 0, 5);
            try (KafkaProducer<String, String> producer = transactionalProducer(bootstrap, "handler");
                 KafkaConsumer<String, String> consumer = groupConsumer(bootstrap, "handler")) {
                producer.initTransactions();
                consumer.subscribe(List.of("requests"));
                List<ConsumerRecord<String, String>> batch = new ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (batch.size() < 5 && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(100)).forEach(batch::add);
                }
                producer.beginTransaction();
                for (ConsumerRecord<String, String> record : batch) {
                    producer.send(new ProducerRecord<>("replies", 0, record.key(), "reply-to-" + record.value()));
                }
                producer.sendOffsetsToTransaction(Map.of(new TopicPartition("requests", 0),
                        new org.apache.kafka.clients.consumer.OffsetAndMetadata(5)), consumer.groupMetadata());
                producer.commitTransaction();

                producer.beginTransaction();
                producer.send(new ProducerRecord<>("replies", 0, "k", "never committed"));
                producer.flush();
                broker.kill();
                producer.close(Duration.ZERO);
            }
        }
        try (StandaloneBroker broker = StandaloneBroker.launch("--port", "0", "--data-dir", dataDir.toString())) {
            String bootstrap = broker.awaitReady();
            try (KafkaProducer<String, String> successor = transactionalProducer(bootstrap, "handler")) {
                successor.initTransactions(); // aborts what the killed broker left open
            }
            Properties readCommitted = new Properties();
            readCommitted.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            List<ConsumerRecord<String, String>> replies = consume(bootstrap, "replies", 5, readCommitted);
            assertThat(values(replies)).containsExactly("reply-to-value-0", "reply-to-value-1", "reply-to-value-2",
                    "reply-to-value-3", "reply-to-value-4");
            assertThat(consume(bootstrap, "replies", 6, readCommitted)).as("nothing of the open transaction").hasSize(5);
            try (KafkaConsumer<String, String> consumer = groupConsumer(bootstrap, "handler")) {
                TopicPartition requests = new TopicPartition("requests", 0);
                assertThat(consumer.committed(java.util.Set.of(requests)).get(requests).offset()).isEqualTo(5);
            }
        }
    }

    private static KafkaProducer<String, String> transactionalProducer(String bootstrap, String transactionalId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return new KafkaProducer<>(props);
    }

    private static KafkaConsumer<String, String> groupConsumer(String bootstrap, String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return new KafkaConsumer<>(props);
    }

    @Test
    void badArgumentsPrintUsageAndExitNonZero() throws Exception {
        try (StandaloneBroker broker = StandaloneBroker.launch("--port", "not-a-port")) {
            assertThat(broker.awaitExit()).isEqualTo(2);
            assertThat(broker.output()).contains("--port takes a number").contains("Usage: java -jar kafkalite.jar");
        }
    }

    @Test
    void unknownBrokerConfigFailsNamingTheKey() throws Exception {
        try (StandaloneBroker broker = StandaloneBroker.launch("--port", "0", "--config", "no.such.setting=1")) {
            assertThat(broker.awaitExit()).isEqualTo(1);
            assertThat(broker.output()).contains("no.such.setting");
        }
    }

    private static void produce(String bootstrap, String topic, int from, int count) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "key-" + i, "value-" + i));
            }
            producer.flush();
        }
    }

    private static List<ConsumerRecord<String, String>> consume(String bootstrap, String topic, int count) {
        return consume(bootstrap, topic, count, new Properties());
    }

    /** Reads partition 0 from the beginning until {@code count} records arrived or a timeout (2 s past the last). */
    private static List<ConsumerRecord<String, String>> consume(String bootstrap, String topic, int count,
                                                                Properties extra) {
        Properties props = new Properties();
        props.putAll(extra);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            long quietSince = System.nanoTime();
            while (records.size() < count && System.nanoTime() < deadline
                    && (records.isEmpty() || System.nanoTime() - quietSince < Duration.ofSeconds(2).toNanos())) {
                int before = records.size();
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                if (records.size() > before) {
                    quietSince = System.nanoTime();
                }
            }
        }
        return records;
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }

    private static String[] expected(int from, int count) {
        String[] values = new String[count];
        for (int i = 0; i < count; i++) {
            values[i] = "value-" + (from + i);
        }
        return values;
    }
}
