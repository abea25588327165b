package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Idempotent produce at the protocol level, where a test can send what a producer only sends when things go
 * wrong: retries, sequence gaps, stale epochs, corrupt batches.
 */
class IdempotentProduceTest {

    static KafkaLite broker;
    RawClient client;
    long producerId;

    @BeforeAll
    static void start() {
        broker = KafkaLite.builder().topic("ledger", 1).start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @BeforeEach
    void initProducerId() throws Exception {
        client = new RawClient(broker.host(), broker.port());
        InitProducerIdResponseData init = client.send(ApiKeys.INIT_PRODUCER_ID, (short) 4,
                new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(60000)
                        .setProducerId(-1).setProducerEpoch((short) -1));
        assertThat(init.errorCode()).isEqualTo(Errors.NONE.code());
        producerId = init.producerId();
    }

    @org.junit.jupiter.api.AfterEach
    void close() throws Exception {
        client.close();
        broker.faults().clear();
    }

    private ProduceResponseData.PartitionProduceResponse produce(short acks, MemoryRecords records) throws Exception {
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName("ledger").setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records))));
        ProduceResponseData response = client.send(ApiKeys.PRODUCE, (short) 9,
                new ProduceRequestData().setAcks(acks).setTimeoutMs(30000).setTopicData(topics));
        return response.responses().find("ledger", org.apache.kafka.common.Uuid.ZERO_UUID).partitionResponses().get(0);
    }

    private MemoryRecords batch(short epoch, int baseSequence, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(values[i].getBytes());
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, baseSequence, records);
    }

    private long endOffset() throws Exception {
        ListOffsetsResponseData offsets = client.send(ApiKeys.LIST_OFFSETS, (short) 7, new ListOffsetsRequestData()
                .setReplicaId(-1)
                .setTopics(List.of(new ListOffsetsRequestData.ListOffsetsTopic().setName("ledger").setPartitions(List.of(
                        new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-1))))));
        return offsets.topics().get(0).partitions().get(0).offset();
    }

    @Test
    void aRetriedBatchIsAcknowledgedWithItsOriginalOffsetAndStoredOnce() throws Exception {
        long before = endOffset();
        ProduceResponseData.PartitionProduceResponse first = produce((short) -1, batch((short) 0, 0, "a", "b", "c"));
        ProduceResponseData.PartitionProduceResponse retry = produce((short) -1, batch((short) 0, 0, "a", "b", "c"));
        assertThat(first.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(retry.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(retry.baseOffset()).isEqualTo(first.baseOffset());
        assertThat(endOffset()).isEqualTo(before + 3);

        ProduceResponseData.PartitionProduceResponse next = produce((short) -1, batch((short) 0, 3, "d"));
        assertThat(next.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(next.baseOffset()).isEqualTo(before + 3);
    }

    @Test
    void batchesPipelinedBehindOneAFaultRefusedWaitForItsRetryAsAfterALeaderChange() throws Exception {
        // the producer's first batch is refused; the two it had already sent behind it must not be stored first
        FaultRule notLeader = broker.faults().on("Produce").topic("ledger").times(1)
                .respondWith("NOT_LEADER_OR_FOLLOWER");
        long before = endOffset();
        assertThat(produce((short) -1, batch((short) 0, 0, "a", "b")).errorCode())
                .isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
        ProduceResponseData.PartitionProduceResponse pipelined = produce((short) -1, batch((short) 0, 2, "c"));
        assertThat(pipelined.errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
        assertThat(pipelined.errorMessage()).contains("sequence 0", "retried");
        assertThat(produce((short) -1, batch((short) 0, 3, "d")).errorCode())
                .isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
        assertThat(notLeader.timesFired()).isEqualTo(1);
        assertThat(endOffset()).isEqualTo(before);

        // retried in order, as the producer does: each lands once, in sequence
        assertThat(produce((short) -1, batch((short) 0, 0, "a", "b")).baseOffset()).isEqualTo(before);
        assertThat(produce((short) -1, batch((short) 0, 2, "c")).baseOffset()).isEqualTo(before + 2);
        assertThat(produce((short) -1, batch((short) 0, 3, "d")).baseOffset()).isEqualTo(before + 3);
        assertThat(endOffset()).isEqualTo(before + 4);
    }

    @Test
    void aProducerThatGaveUpARefusedBatchStartsAgainWithANewEpoch() throws Exception {
        broker.faults().on("Produce").topic("ledger").times(1).respondWith("NOT_LEADER_OR_FOLLOWER");
        long before = endOffset();
        assertThat(produce((short) -1, batch((short) 0, 0, "a")).errorCode())
                .isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
        assertThat(produce((short) -1, batch((short) 1, 0, "b")).baseOffset()).isEqualTo(before);
        assertThat(produce((short) -1, batch((short) 1, 1, "c")).baseOffset()).isEqualTo(before + 1);
    }

    @Test
    void aNonRetriableFaultHoldsNothingBack() throws Exception {
        broker.faults().on("Produce").topic("ledger").times(1).respondWith("INVALID_RECORD");
        long before = endOffset();
        assertThat(produce((short) -1, batch((short) 0, 0, "a")).errorCode()).isEqualTo(Errors.INVALID_RECORD.code());
        assertThat(produce((short) -1, batch((short) 0, 1, "b")).baseOffset()).isEqualTo(before);
    }

    @Test
    void aSequenceGapIsRejectedAsOutOfOrder() throws Exception {
        assertThat(produce((short) -1, batch((short) 0, 0, "a")).errorCode()).isEqualTo(Errors.NONE.code());
        long before = endOffset();
        ProduceResponseData.PartitionProduceResponse gap = produce((short) -1, batch((short) 0, 5, "f"));
        assertThat(gap.errorCode()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code());
        assertThat(endOffset()).isEqualTo(before);
    }

    @Test
    void anOlderEpochIsFencedOnceANewerOneWrote() throws Exception {
        assertThat(produce((short) -1, batch((short) 0, 0, "a")).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(produce((short) -1, batch((short) 1, 0, "b")).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(produce((short) -1, batch((short) 0, 1, "c")).errorCode()).isEqualTo(Errors.INVALID_PRODUCER_EPOCH.code());
        assertThat(produce((short) -1, batch((short) 2, 3, "d")).errorCode())
                .as("a new epoch must start at sequence 0").isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code());
    }

    @Test
    void aBatchWithABadCrcIsRejectedAsCorrupt() throws Exception {
        MemoryRecords records = batch((short) 0, 0, "intact");
        records.buffer().put(records.buffer().limit() - 1, (byte) 'X'); // flips a payload byte after the CRC was computed
        long before = endOffset();
        assertThat(produce((short) -1, records).errorCode()).isEqualTo(Errors.CORRUPT_MESSAGE.code());
        assertThat(endOffset()).isEqualTo(before);
    }

    @Test
    void invalidAcksAreRejected() throws Exception {
        assertThat(produce((short) 5, batch((short) 0, 0, "a")).errorCode()).isEqualTo(Errors.INVALID_REQUIRED_ACKS.code());
    }
}
