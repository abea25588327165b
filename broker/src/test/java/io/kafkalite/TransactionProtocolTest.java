package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Transactions at the protocol level: transaction version 1 as 2.8 and 3.x producers speak it, and the exact error
 * codes Kafka gives requests no well-behaved producer sends (unknown ids, stale epochs, partitions never added,
 * stale group generations). None of them may harm the broker.
 */
class TransactionProtocolTest {

    static KafkaLite broker;
    RawClient client;

    @BeforeAll
    static void start() {
        broker = KafkaLite.builder().topic("ledger", 2).start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @BeforeEach
    void connect() throws Exception {
        client = new RawClient(broker.host(), broker.port());
    }

    @AfterEach
    void disconnect() throws Exception {
        client.close();
    }

    private InitProducerIdResponseData init(String transactionalId, int timeoutMs) throws Exception {
        return client.send(ApiKeys.INIT_PRODUCER_ID, (short) 4, new InitProducerIdRequestData()
                .setTransactionalId(transactionalId).setTransactionTimeoutMs(timeoutMs));
    }

    private short addPartition(short version, String transactionalId, long producerId, short epoch, String topic,
                               int partition) throws Exception {
        AddPartitionsToTxnTopicCollection topics = new AddPartitionsToTxnTopicCollection();
        topics.add(new AddPartitionsToTxnTopic().setName(topic).setPartitions(List.of(partition)));
        AddPartitionsToTxnResponseData response = client.send(ApiKeys.ADD_PARTITIONS_TO_TXN, version,
                new AddPartitionsToTxnRequestData().setV3AndBelowTransactionalId(transactionalId)
                        .setV3AndBelowProducerId(producerId).setV3AndBelowProducerEpoch(epoch).setV3AndBelowTopics(topics));
        return response.resultsByTopicV3AndBelow().find(topic).resultsByPartition().find(partition).partitionErrorCode();
    }

    private ProduceResponseData.PartitionProduceResponse produce(short version, String transactionalId, long producerId,
                                                                 short epoch, int sequence, int partition) throws Exception {
        MemoryRecords records = MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, epoch, sequence,
                new SimpleRecord(("r" + sequence).getBytes()));
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName("ledger").setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(partition).setRecords(records))));
        ProduceResponseData response = client.send(ApiKeys.PRODUCE, version, new ProduceRequestData()
                .setTransactionalId(transactionalId).setAcks((short) -1).setTimeoutMs(30000).setTopicData(topics));
        return response.responses().find("ledger", Uuid.ZERO_UUID).partitionResponses().get(0);
    }

    private EndTxnResponseData end(short version, String transactionalId, long producerId, short epoch, boolean commit)
            throws Exception {
        return client.send(ApiKeys.END_TXN, version, new EndTxnRequestData().setTransactionalId(transactionalId)
                .setProducerId(producerId).setProducerEpoch(epoch).setCommitted(commit));
    }

    @Test
    void versionOneProducersAddPartitionsFirstAndKeepTheirEpoch() throws Exception {
        InitProducerIdResponseData producer = init("v1-producer", 60000);
        assertThat(producer.errorCode()).isZero();
        long id = producer.producerId();
        short epoch = producer.producerEpoch();

        assertThat(Errors.forCode(produce((short) 10, "v1-producer", id, epoch, 0, 0).errorCode()))
                .as("a partition never added").isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(Errors.forCode(produce((short) 11, "v1-producer", id, epoch, 0, 0).errorCode()))
                .as("clients that know TRANSACTION_ABORTABLE get it").isEqualTo(Errors.TRANSACTION_ABORTABLE);

        assertThat(addPartition((short) 3, "v1-producer", id, epoch, "ledger", 0)).isZero();
        assertThat(produce((short) 10, "v1-producer", id, epoch, 0, 0).errorCode()).isZero();
        EndTxnResponseData committed = end((short) 4, "v1-producer", id, epoch, true);
        assertThat(committed.errorCode()).isZero();
        assertThat(end((short) 4, "v1-producer", id, epoch, true).errorCode()).as("a retried EndTxn").isZero();
        assertThat(Errors.forCode(end((short) 4, "v1-producer", id, epoch, false).errorCode()))
                .isEqualTo(Errors.INVALID_TXN_STATE);

        // the next transaction keeps the epoch and continues the sequence
        assertThat(addPartition((short) 3, "v1-producer", id, epoch, "ledger", 0)).isZero();
        assertThat(produce((short) 10, "v1-producer", id, epoch, 1, 0).errorCode()).isZero();
        assertThat(end((short) 4, "v1-producer", id, epoch, false).errorCode()).isZero();
    }

    @Test
    void versionTwoProducersJoinByProducingAndGetANewEpochAtEveryEnd() throws Exception {
        InitProducerIdResponseData producer = init("v2-producer", 60000);
        long id = producer.producerId();
        short epoch = producer.producerEpoch();

        assertThat(produce((short) 12, "v2-producer", id, epoch, 0, 1).errorCode()).isZero();
        EndTxnResponseData ended = end((short) 5, "v2-producer", id, epoch, true);
        assertThat(ended.errorCode()).isZero();
        assertThat(ended.producerId()).isEqualTo(id);
        assertThat(ended.producerEpoch()).isEqualTo((short) (epoch + 1));

        EndTxnResponseData retried = end((short) 5, "v2-producer", id, epoch, true);
        assertThat(retried.errorCode()).as("a retry of the EndTxn is answered again").isZero();
        assertThat(retried.producerEpoch()).isEqualTo((short) (epoch + 1));
        assertThat(Errors.forCode(produce((short) 12, "v2-producer", id, epoch, 1, 1).errorCode()))
                .as("the old epoch is stale after the bump").isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        assertThat(produce((short) 12, "v2-producer", id, (short) (epoch + 1), 0, 1).errorCode()).isZero();
    }

    /** As Kafka's broker answers (checked against Kafka 4.2.1): an illegal topic name before an unknown topic. */
    @Test
    void describeProducersTellsAnIllegalTopicNameFromAnUnknownTopic() throws Exception {
        DescribeProducersRequestData.TopicRequestCollection topics = new DescribeProducersRequestData.TopicRequestCollection();
        topics.add(new DescribeProducersRequestData.TopicRequest().setName("").setPartitionIndexes(List.of(0)));
        topics.add(new DescribeProducersRequestData.TopicRequest().setName("no-such-topic").setPartitionIndexes(List.of(0)));
        DescribeProducersResponseData response = client.send(ApiKeys.DESCRIBE_PRODUCERS, (short) 0,
                new DescribeProducersRequestData().setTopics(topics));
        assertThat(response.topics()).extracting(t -> Errors.forCode(t.partitions().get(0).errorCode()))
                .containsExactly(Errors.INVALID_TOPIC_EXCEPTION, Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    @Test
    void requestsForUnknownIdsAndStaleEpochsGetKafkasErrors() throws Exception {
        assertThat(Errors.forCode(end((short) 3, "nobody", 4242, (short) 0, true).errorCode()))
                .isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(Errors.forCode(init("", 60000).errorCode())).isEqualTo(Errors.INVALID_REQUEST);
        // the empty transactional id is refused before the producer is looked at, as Kafka's coordinator does
        assertThat(Errors.forCode(addPartition((short) 3, "", 0, (short) 0, "ledger", 0))).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(Errors.forCode(client.<AddOffsetsToTxnResponseData>send(ApiKeys.ADD_OFFSETS_TO_TXN, (short) 3,
                new AddOffsetsToTxnRequestData().setTransactionalId("").setGroupId("")).errorCode()))
                .isEqualTo(Errors.INVALID_REQUEST);
        assertThat(Errors.forCode(end((short) 3, "", 0, (short) 0, true).errorCode())).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(Errors.forCode(init("slowpoke", 900_001).errorCode())).isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);

        InitProducerIdResponseData first = init("fenced", 60000);
        InitProducerIdResponseData second = init("fenced", 60000);
        assertThat(second.producerId()).isEqualTo(first.producerId());
        assertThat(second.producerEpoch()).isEqualTo((short) (first.producerEpoch() + 1));

        assertThat(Errors.forCode(addPartition((short) 3, "fenced", first.producerId(), first.producerEpoch(), "ledger", 0)))
                .isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(Errors.forCode(addPartition((short) 1, "fenced", first.producerId(), first.producerEpoch(), "ledger", 0)))
                .as("before v2 clients know no PRODUCER_FENCED").isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        assertThat(Errors.forCode(end((short) 3, "fenced", first.producerId(), first.producerEpoch(), true).errorCode()))
                .isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(Errors.forCode(produce((short) 12, "fenced", first.producerId(), first.producerEpoch(), 0, 0).errorCode()))
                .isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        assertThat(Errors.forCode(addPartition((short) 3, "fenced", second.producerId(), second.producerEpoch(),
                "no-such-topic", 0))).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    @Test
    void theBatchedFormVerifiesWithoutAdding() throws Exception {
        InitProducerIdResponseData producer = init("verified", 60000);
        AddPartitionsToTxnTopicCollection topics = new AddPartitionsToTxnTopicCollection();
        topics.add(new AddPartitionsToTxnTopic().setName("ledger").setPartitions(List.of(0)));
        AddPartitionsToTxnTransactionCollection transactions = new AddPartitionsToTxnTransactionCollection();
        transactions.add(new AddPartitionsToTxnTransaction().setTransactionalId("verified")
                .setProducerId(producer.producerId()).setProducerEpoch(producer.producerEpoch())
                .setVerifyOnly(true).setTopics(topics));
        AddPartitionsToTxnResponseData verify = client.send(ApiKeys.ADD_PARTITIONS_TO_TXN, (short) 5,
                new AddPartitionsToTxnRequestData().setTransactions(transactions));
        assertThat(Errors.forCode(verify.resultsByTransaction().find("verified").topicResults().find("ledger")
                .resultsByPartition().find(0).partitionErrorCode())).isEqualTo(Errors.TRANSACTION_ABORTABLE);

        transactions.find("verified").setVerifyOnly(false);
        AddPartitionsToTxnResponseData add = client.send(ApiKeys.ADD_PARTITIONS_TO_TXN, (short) 5,
                new AddPartitionsToTxnRequestData().setTransactions(transactions.duplicate()));
        assertThat(add.resultsByTransaction().find("verified").topicResults().find("ledger")
                .resultsByPartition().find(0).partitionErrorCode()).isZero();
    }

    @Test
    void transactionalOffsetsArePendingUntilTheCommitAndChecked() throws Exception {
        InitProducerIdResponseData producer = init("offsets-writer", 60000);
        long id = producer.producerId();
        short epoch = producer.producerEpoch();

        TxnOffsetCommitResponseData unadded = commitOffsets((short) 3, id, epoch, "processors", -1, 7);
        assertThat(Errors.forCode(unadded.topics().get(0).partitions().get(0).errorCode()))
                .as("AddOffsetsToTxn missing").isEqualTo(Errors.INVALID_TXN_STATE);

        AddOffsetsToTxnResponseData added = client.send(ApiKeys.ADD_OFFSETS_TO_TXN, (short) 3,
                new AddOffsetsToTxnRequestData().setTransactionalId("offsets-writer").setProducerId(id)
                        .setProducerEpoch(epoch).setGroupId("processors"));
        assertThat(added.errorCode()).isZero();
        assertThat(Errors.forCode(commitOffsets((short) 3, id, epoch, "processors", 4, 7).topics().get(0)
                .partitions().get(0).errorCode())).as("a generation the group never had").isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(commitOffsets((short) 3, id, epoch, "processors", -1, 7).topics().get(0).partitions().get(0)
                .errorCode()).isZero();

        assertThat(Errors.forCode(fetchOffset("processors", true).errorCode())).isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT);
        assertThat(fetchOffset("processors", false).committedOffset()).as("not visible before the commit").isEqualTo(-1);

        assertThat(end((short) 3, "offsets-writer", id, epoch, true).errorCode()).isZero();
        assertThat(fetchOffset("processors", true).committedOffset()).isEqualTo(7);
    }

    private TxnOffsetCommitResponseData commitOffsets(short version, long producerId, short epoch, String group,
                                                      int generation, long offset) throws Exception {
        return client.send(ApiKeys.TXN_OFFSET_COMMIT, version, new TxnOffsetCommitRequestData()
                .setTransactionalId("offsets-writer").setGroupId(group).setProducerId(producerId).setProducerEpoch(epoch)
                .setGenerationIdOrMemberEpoch(generation).setMemberId("")
                .setTopics(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic().setName("ledger")
                        .setPartitions(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition()
                                .setPartitionIndex(0).setCommittedOffset(offset))))));
    }

    private OffsetFetchResponseData.OffsetFetchResponsePartitions fetchOffset(String group, boolean requireStable)
            throws Exception {
        OffsetFetchResponseData response = client.send(ApiKeys.OFFSET_FETCH, (short) 8, new OffsetFetchRequestData()
                .setRequireStable(requireStable)
                .setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(group)
                        .setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics().setName("ledger")
                                .setPartitionIndexes(List.of(0)))))));
        return response.groups().get(0).topics().get(0).partitions().get(0);
    }
}
