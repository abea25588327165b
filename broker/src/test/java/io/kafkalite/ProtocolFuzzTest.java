package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Random requests of every API and version the broker advertises, well-formed ones with random field values and
 * byte-mutated ones, each on a connection of its own. Whatever they contain, the broker must answer a request it
 * can parse with a response that parses, and must go on serving other clients without losing a record: after each
 * API a real producer writes to a topic no fuzzed request names, and at the end every record is read back. The seed
 * is fixed so a failure repeats; {@code -Dkafkalite.fuzz.seed=N} and {@code -Dkafkalite.fuzz.rounds=N} explore more.
 */
class ProtocolFuzzTest {

    private static final Logger LOG = LoggerFactory.getLogger(ProtocolFuzzTest.class);
    private static final String CANARY = "canary-never-fuzzed";
    /** How long a fuzzed request may go unanswered before its connection is dropped (a parked fetch, acks=0). */
    private static final int ANSWER_WAIT_MS = 100;
    /** Random requests drawn for one that kafka-clients can write at the version fuzzed. */
    private static final int SERIALISE_ATTEMPTS = 10;

    static KafkaLite broker;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaLite.builder().topic(CANARY, 1).start();
        admin = Clients.admin(broker.bootstrapServers());
        admin.createTopics(List.of(new NewTopic("fuzz-a", 3, (short) 1),
                new NewTopic("fuzz-compacted", 2, (short) 1).configs(Map.of("cleanup.policy", "compact")))).all().get();
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    @Test
    void randomRequestsOfEveryApiAndVersionNeverHurtOtherClients() throws Exception {
        long seed = Long.getLong("kafkalite.fuzz.seed", 20261203L);
        int rounds = Integer.getInteger("kafkalite.fuzz.rounds", 6);
        Random random = new Random(seed);
        List<Uuid> topicIds = new ArrayList<>(admin.describeTopics(List.of("fuzz-a", "fuzz-compacted")).allTopicNames()
                .get().values().stream().map(d -> d.topicId()).toList());
        RandomRequests requests = new RandomRequests(random,
                List.of("fuzz-a", "fuzz-compacted", "fuzz-group", "fuzz-txn", "fuzz-member"), topicIds);
        Map<String, int[]> outcomes = new TreeMap<>();
        List<String> unparsable = new ArrayList<>();
        List<String> closedWellFormed = new ArrayList<>();
        List<String> canaryValues = new ArrayList<>();
        try (KafkaProducer<String, String> canary = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (ApiVersion api : advertised()) {
                ApiKeys key = ApiKeys.forId(api.apiKey());
                for (short version = api.minVersion(); version <= api.maxVersion(); version++) {
                    for (int round = 0; round < rounds; round++) {
                        Outcome outcome = fuzzOnce(key, version, requests, random, round % 3 == 2);
                        outcomes.computeIfAbsent(key.name, k -> new int[Outcome.values().length])[outcome.ordinal()]++;
                        if (outcome == Outcome.CLOSED_WELL_FORMED && !closingIsKafkas(key, version)) {
                            closedWellFormed.add(key.name + " v" + version);
                        }
                        if (outcome == Outcome.UNPARSABLE_ANSWER) {
                            unparsable.add(key.name + " v" + version);
                        }
                    }
                }
                String value = key.name + "-" + canaryValues.size();
                canary.send(new ProducerRecord<>(CANARY, 0, "k", value)).get();
                canaryValues.add(value);
            }
        }
        LOG.info("Fuzz outcomes per API (seed {}), {}: {}", seed, List.of(Outcome.values()), outcomes.entrySet().stream()
                .map(e -> e.getKey() + "=" + Arrays.toString(e.getValue())).collect(Collectors.joining(", ")));
        assertThat(unparsable).as("requests answered with bytes their own schema cannot parse").isEmpty();
        assertThat(closedWellFormed).as("well-formed requests whose connection was closed instead of answered").isEmpty();
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
            List<ConsumerRecord<String, String>> read = Clients.readAll(consumer,
                    List.of(new TopicPartition(CANARY, 0)), canaryValues.size());
            assertThat(read).extracting(ConsumerRecord::value).containsExactlyElementsOf(canaryValues);
        }
        int answered = outcomes.values().stream().mapToInt(counts -> counts[Outcome.ANSWERED.ordinal()]).sum();
        assertThat(answered).as("fuzzed requests answered (the rest reached no handler)").isGreaterThan(300);
    }

    /**
     * Where Kafka's broker closes the connection on a request that parses too: Produce below v3 (advertised from v0
     * for librdkafka, refused as Kafka 4 refuses it) and ACL requests naming unknown resource, pattern, operation or
     * permission types (Kafka's request classes refuse those while parsing).
     */
    private static boolean closingIsKafkas(ApiKeys key, short version) {
        return key == ApiKeys.PRODUCE && version < 3
                || key == ApiKeys.DESCRIBE_ACLS || key == ApiKeys.CREATE_ACLS || key == ApiKeys.DELETE_ACLS;
    }

    private enum Outcome { ANSWERED, UNPARSABLE_ANSWER, CLOSED, CLOSED_WELL_FORMED, UNANSWERED, NOT_SERIALISABLE }

    /** Sends one random request (byte-mutated if {@code mutate}) on a new connection and classifies the answer. */
    private static Outcome fuzzOnce(ApiKeys key, short version, RandomRequests requests, Random random, boolean mutate)
            throws IOException {
        RequestHeader header = new RequestHeader(key, version, "fuzz", random.nextInt(Integer.MAX_VALUE));
        ByteBuffer frame = null;
        for (int attempt = 0; attempt < SERIALISE_ATTEMPTS && frame == null; attempt++) {
            ApiMessage request = requests.fill(ApiMessageType.fromApiKey(key.id).newRequest());
            try {
                frame = RequestUtils.serialize(header.data(), header.headerVersion(), request, version);
            } catch (RuntimeException e) {
                // a combination kafka-clients itself refuses to write (a field this version lacks, say): draw again
            }
        }
        if (frame == null) {
            return Outcome.NOT_SERIALISABLE;
        }
        byte[] body = new byte[frame.remaining()];
        frame.get(body);
        if (mutate) {
            body = mutate(body, random);
        }
        try (Socket socket = new Socket(broker.host(), broker.port())) {
            socket.setSoTimeout(ANSWER_WAIT_MS);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(body.length);
            out.write(body);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] answer;
            try {
                answer = new byte[in.readInt()];
                socket.setSoTimeout(10_000); // once it starts answering, the rest follows
                in.readFully(answer);
            } catch (SocketTimeoutException e) {
                return Outcome.UNANSWERED;
            } catch (IOException e) {
                return mutate ? Outcome.CLOSED : Outcome.CLOSED_WELL_FORMED;
            }
            if (mutate) {
                return Outcome.ANSWERED; // the header it answers may be a mutated one
            }
            try {
                requests.learn(AbstractResponse.parseResponse(ByteBuffer.wrap(answer), header).data());
                return Outcome.ANSWERED;
            } catch (RuntimeException e) {
                LOG.warn("Unparsable answer to {} v{}: {}", key, version, e.toString());
                return Outcome.UNPARSABLE_ANSWER;
            }
        }
    }

    /** Flips, drops or appends a few bytes, or cuts the request short. */
    private static byte[] mutate(byte[] body, Random random) {
        byte[] mutated = body.clone();
        switch (random.nextInt(4)) {
            case 0 -> {
                for (int i = 0; i < 1 + random.nextInt(4); i++) {
                    mutated[random.nextInt(mutated.length)] ^= (byte) (1 + random.nextInt(255));
                }
            }
            case 1 -> mutated = Arrays.copyOf(body, random.nextInt(body.length));
            case 2 -> {
                mutated = Arrays.copyOf(body, body.length + 1 + random.nextInt(16));
                for (int i = body.length; i < mutated.length; i++) {
                    mutated[i] = (byte) random.nextInt(256);
                }
            }
            default -> {
                int at = 8 + random.nextInt(Math.max(1, body.length - 8));
                if (at < mutated.length) {
                    mutated[at] = (byte) 0xFF; // a length or count that now claims far more than there is
                }
            }
        }
        return mutated;
    }

    /** The APIs and versions the broker advertises. */
    private static List<ApiVersion> advertised() throws IOException {
        try (RawClient client = new RawClient(broker.host(), broker.port())) {
            ApiVersionsResponseData versions = client.send(ApiKeys.API_VERSIONS, (short) 3,
                    new ApiVersionsRequestData().setClientSoftwareName("fuzz").setClientSoftwareVersion("1"));
            return new ArrayList<>(versions.apiKeys());
        }
    }
}
