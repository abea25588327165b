package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Taking the broker away and bringing it back: stop, restart on the same port and data, pause and resume. */
class StopRestartPauseTest {

    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);

    private static void produce(KafkaLite broker, int count) throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>("orders", 0, "k" + i, "v" + i)).get();
            }
        }
    }

    private static long endOffset(Admin admin) throws Exception {
        return admin.listOffsets(Map.of(ORDERS_0, OffsetSpec.latest())).partitionResult(ORDERS_0).get().offset();
    }

    @Test
    void aRestartedTemporaryBrokerKeepsItsPortTopicsRecordsAndCommittedOffsets() throws Exception {
        try (KafkaLite broker = KafkaLite.builder().topic("orders", 2).start()) {
            int port = broker.port();
            produce(broker, 10);
            Uuid topicId;
            try (Admin admin = Clients.admin(broker.bootstrapServers())) {
                admin.alterConsumerGroupOffsets("billing", Map.of(ORDERS_0, new OffsetAndMetadata(7))).all().get();
                topicId = admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders").topicId();
            }

            broker.restart();

            assertThat(broker.port()).isEqualTo(port);
            assertThat(broker.isRunning()).isTrue();
            try (Admin admin = Clients.admin(broker.bootstrapServers())) {
                assertThat(admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders").topicId())
                        .isEqualTo(topicId);
                assertThat(endOffset(admin)).isEqualTo(10);
                assertThat(admin.listConsumerGroupOffsets("billing").partitionsToOffsetAndMetadata().get())
                        .containsEntry(ORDERS_0, new OffsetAndMetadata(7));
            }
            produce(broker, 1);
            try (Admin admin = Clients.admin(broker.bootstrapServers())) {
                assertThat(endOffset(admin)).isEqualTo(11);
            }
        }
    }

    @Test
    void aRestartedBrokerWithADataDirectoryKeepsItsRecords(@TempDir Path directory) throws Exception {
        try (KafkaLite broker = KafkaLite.builder().dataDirectory(directory).topic("orders", 1).start()) {
            produce(broker, 5);
            broker.restart();
            try (Admin admin = Clients.admin(broker.bootstrapServers())) {
                assertThat(endOffset(admin)).isEqualTo(5);
            }
        }
    }

    @Test
    void aStoppedBrokerRefusesConnectionsUntilItIsRestarted() throws Exception {
        try (KafkaLite broker = KafkaLite.builder().topic("orders", 1).start()) {
            broker.stop();
            broker.stop(); // idempotent
            assertThat(broker.isRunning()).isFalse();
            assertThatThrownBy(() -> new Socket(broker.host(), broker.port()).close())
                    .isInstanceOf(ConnectException.class);
            assertThatThrownBy(broker::pause).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("stopped; restart() it first");
            assertThatThrownBy(() -> broker.groups().list()).hasMessageContaining("stopped");

            broker.restart();
            new Socket(broker.host(), broker.port()).close();
            produce(broker, 1);
        }
    }

    @Test
    void stopAndRestartLeaveNothingBehindAfterClose() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        KafkaLite broker = KafkaLite.builder().topic("orders", 1).start();
        Path directory = broker.dataDirectory();
        produce(broker, 1);
        broker.restart();
        broker.stop();
        broker.restart();
        produce(broker, 1);
        broker.close();
        List<String> left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> !before.contains(t)).map(Thread::getName)
                .filter(n -> n.startsWith("kafkalite-") || n.toLowerCase().contains("chronicle"))
                .collect(Collectors.toList());
        assertThat(left).isEmpty();
        assertThat(directory).doesNotExist();
        assertThatThrownBy(broker::restart).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void aPausedBrokerAcceptsAndReadsRequestsButAnswersThemOnlyOnResume() throws Exception {
        try (KafkaLite broker = KafkaLite.start();
             Socket socket = new Socket(broker.host(), broker.port())) {
            broker.pause();
            assertThat(broker.isPaused()).isTrue();
            RequestHeader header = new RequestHeader(ApiKeys.API_VERSIONS, (short) 3, "paused-test", 1);
            var frame = RequestUtils.serialize(header.data(), header.headerVersion(),
                    new ApiVersionsRequestData().setClientSoftwareName("raw").setClientSoftwareVersion("1"), (short) 3);
            var out = new java.io.DataOutputStream(socket.getOutputStream());
            out.writeInt(frame.remaining());
            out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
            out.flush();
            socket.setSoTimeout(200);
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

            broker.resume();
            socket.setSoTimeout(30_000);
            var in = new java.io.DataInputStream(socket.getInputStream());
            byte[] response = new byte[in.readInt()];
            in.readFully(response);
            assertThat(java.nio.ByteBuffer.wrap(response).getInt()).as("correlation id").isEqualTo(1);
            assertThat(broker.isPaused()).isFalse();
        }
    }

    @Test
    void noTimerRunsWhileTheBrokerIsPaused() throws IOException {
        try (KafkaLite broker = KafkaLite.builder().manualClock().start();
             RawClient client = new RawClient(broker.host(), broker.port())) {
            JoinGroupResponseData joined = client.joinGroup("paused", "", "consumer", "range", new byte[0], 30_000);
            assertThat(joined.errorCode()).isEqualTo(Errors.NONE.code());

            broker.pause();
            broker.advanceClock(Duration.ofMinutes(10)); // far past the 30 s session timeout
            assertThat(broker.groups().describe("paused").orElseThrow().members()).hasSize(1);

            broker.resume();
            broker.advanceClock(Duration.ZERO);
            assertThat(broker.groups().describe("paused").orElseThrow().members()).isEmpty();
        }
    }
}
