package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import io.kafkalite.security.GeneratedCertificates;
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
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Random input, and brokers that must shrug it off: requests of every API and version the broker advertises
 * (well-formed ones with random field values, and byte-mutated ones), random SASL exchanges, and random bytes on an
 * SSL listener, each on a connection of its own. Whatever they contain, a request the broker can parse gets a
 * response that parses, nobody gets in without credentials, and other clients go on being served without losing a
 * record: a real producer writes to a topic no fuzzed request names all along, and every record is read back at the
 * end. The seed is fixed so a failure repeats; {@code -Dkafkalite.fuzz.seed=N} and {@code -Dkafkalite.fuzz.rounds=N}
 * explore more.
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
     * Random SASL exchanges on a SASL_PLAINTEXT listener: mechanisms real and made up, PLAIN and SCRAM tokens with
     * wrong passwords, random bytes and mutations of both, a SCRAM final message with a random proof after the
     * broker's real first answer. None may let its connection in (a Metadata request after the exchange must not be
     * served), and a real SCRAM client must keep logging in and writing.
     */
    @Test
    void randomSaslExchangesLetNobodyInAndHurtNoOne() throws Exception {
        Random random = new Random(Long.getLong("kafkalite.fuzz.seed", 20261203L));
        int exchanges = 50 * Integer.getInteger("kafkalite.fuzz.rounds", 6);
        // OAUTHBEARER stays off: its unsecured validator lets any well-formed token in, by design; and failed logins
        // are answered at once rather than after Kafka's 100 ms delay, so that the exchanges take seconds
        try (KafkaLite secured = KafkaLite.builder().brokerConfig("listeners", "SASL_PLAINTEXT://127.0.0.1:0")
                .brokerConfig("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512")
                .brokerConfig("connection.failed.authentication.delay.ms", "0")
                .user("alice", "alice-secret").topic(CANARY, 1).start()) {
            Map<String, Object> alice = SaslTest.scram("SCRAM-SHA-512", "alice", "alice-secret");
            List<String> let = new ArrayList<>();
            List<String> written = new ArrayList<>();
            try (KafkaProducer<String, String> canary = Clients.producer(secured.bootstrapServers(), alice)) {
                for (int i = 0; i < exchanges; i++) {
                    String exchange = saslExchange(secured, random);
                    if (exchange != null) {
                        let.add(exchange);
                    }
                    if (i % 50 == 49) {
                        canary.send(new ProducerRecord<>(CANARY, 0, "k", "after-" + i)).get();
                        written.add("after-" + i);
                    }
                }
            }
            assertThat(let).as("exchanges after which an unauthenticated request was served").isEmpty();
            try (KafkaConsumer<String, String> consumer = Clients.consumer(secured.bootstrapServers(), alice)) {
                assertThat(Clients.readAll(consumer, List.of(new TopicPartition(CANARY, 0)), written.size()))
                        .extracting(ConsumerRecord::value).containsExactlyElementsOf(written);
            }
        }
    }

    /**
     * Random bytes on an SSL listener: garbage instead of a handshake, garbage records after a real handshake, and
     * mutated request frames inside a real TLS session. Each may only cost its own connection: the one network thread
     * must never stall on one of them, which a real TLS producer writing meanwhile (with short timeouts) would show.
     */
    @Test
    void randomBytesOnATlsListenerCostOnlyTheirOwnConnection() throws Exception {
        Random random = new Random(Long.getLong("kafkalite.fuzz.seed", 20261203L));
        int connections = 20 * Integer.getInteger("kafkalite.fuzz.rounds", 6);
        try (KafkaLite secured = KafkaLite.builder().brokerConfig("listeners", "SSL://127.0.0.1:0")
                .topic(CANARY, 1).start()) {
            Map<String, Object> tls = TlsTest.sslClient(secured.certificates(), "request.timeout.ms", 5_000,
                    "delivery.timeout.ms", 10_000, "max.block.ms", 10_000);
            SSLContext trusting = trusting(secured.certificates());
            List<String> written = new ArrayList<>();
            try (KafkaProducer<String, String> canary = Clients.producer(secured.bootstrapServers(), tls)) {
                for (int i = 0; i < connections; i++) {
                    tlsGarbage(secured, trusting, random, i % 3);
                    if (i % 20 == 19) {
                        canary.send(new ProducerRecord<>(CANARY, 0, "k", "after-" + i)).get();
                        written.add("after-" + i);
                    }
                }
            }
            try (KafkaConsumer<String, String> consumer = Clients.consumer(secured.bootstrapServers(), tls)) {
                assertThat(Clients.readAll(consumer, List.of(new TopicPartition(CANARY, 0)), written.size()))
                        .extracting(ConsumerRecord::value).containsExactlyElementsOf(written);
            }
        }
    }

    /** One connection of garbage of the given kind; whatever the broker does with it, the connection is closed. */
    private static void tlsGarbage(KafkaLite secured, SSLContext trusting, Random random, int kind) throws IOException {
        try (Socket socket = new Socket(secured.host(), secured.port())) {
            socket.setSoTimeout(ANSWER_WAIT_MS);
            byte[] garbage = new byte[1 + random.nextInt(3000)];
            random.nextBytes(garbage);
            if (kind == 0) {
                if (random.nextBoolean()) {
                    garbage[0] = 0x16; // a handshake record's type, so the engine reads on into the rest
                }
                socket.getOutputStream().write(garbage);
            } else {
                SSLSocket session = (SSLSocket) trusting.getSocketFactory().createSocket(socket, secured.host(),
                        secured.port(), false);
                session.startHandshake();
                if (kind == 1) {
                    socket.getOutputStream().write(garbage); // not a TLS record: beneath the session
                } else {
                    byte[] frame = metadataFrame();
                    if (random.nextBoolean()) {
                        frame = mutate(frame, random);
                    }
                    DataOutputStream out = new DataOutputStream(session.getOutputStream());
                    out.writeInt(frame.length);
                    out.write(frame);
                }
            }
            socket.getInputStream().read(new byte[4096]); // whatever comes back (an alert, an answer) or the close
        } catch (IOException e) {
            // closed, reset or silent: all the broker may do to such a connection
        }
    }

    private static byte[] metadataFrame() {
        return serialised(new RequestHeader(ApiKeys.METADATA, (short) 12, "fuzz", 1),
                new MetadataRequestData().setTopics(null));
    }

    /** Header and body of a request frame, as kafka-clients writes them at the header's version. */
    private static byte[] serialised(RequestHeader header, ApiMessage request) {
        ByteBuffer frame = RequestUtils.serialize(header.data(), header.headerVersion(), request, header.apiVersion());
        byte[] body = new byte[frame.remaining()];
        frame.get(body);
        return body;
    }

    /** An SSL context that trusts the broker's generated certificates (their CA, from its PKCS12 truststore). */
    private static SSLContext trusting(GeneratedCertificates certificates) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(certificates.truststoreFile())) {
            store.load(in, certificates.truststorePassword().toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static final List<String> MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER",
            "GSSAPI", "plain", "", "SCRAM-SHA-1");

    /** One random exchange on a new connection; returns what was sent if a request was served after it. */
    private static String saslExchange(KafkaLite secured, Random random) throws IOException {
        String mechanism = MECHANISMS.get(random.nextInt(MECHANISMS.size()));
        List<String> sent = new ArrayList<>(List.of(mechanism));
        try (RawClient client = new RawClient(secured.host(), secured.port())) {
            try {
                SaslHandshakeResponseData handshake = client.send(ApiKeys.SASL_HANDSHAKE, (short) 1,
                        new SaslHandshakeRequestData().setMechanism(mechanism));
                if (handshake.errorCode() != Errors.NONE.code()) {
                    return null;
                }
                byte[] first = saslToken(mechanism, random, null);
                sent.add(printable(first));
                SaslAuthenticateResponseData answer = client.send(ApiKeys.SASL_AUTHENTICATE, (short) 2,
                        new SaslAuthenticateRequestData().setAuthBytes(first));
                if (answer.errorCode() == Errors.NONE.code() && mechanism.startsWith("SCRAM") && random.nextInt(4) > 0) {
                    byte[] last = saslToken(mechanism, random, new String(answer.authBytes(), StandardCharsets.UTF_8));
                    sent.add(printable(last));
                    client.send(ApiKeys.SASL_AUTHENTICATE, (short) 2, new SaslAuthenticateRequestData().setAuthBytes(last));
                }
                client.send(ApiKeys.METADATA, (short) 12, new MetadataRequestData().setTopics(null));
                return String.join(" | ", sent); // served: the connection counts as authenticated
            } catch (IOException | RuntimeException e) {
                return null; // refused, closed or answered with something that is not a Metadata response
            }
        }
    }

    /** A PLAIN or SCRAM token with a wrong password, random bytes, or either mutated. */
    private static byte[] saslToken(String mechanism, Random random, String serverFirst) {
        String token;
        if (serverFirst != null) {
            String nonce = serverFirst.contains("r=") ? serverFirst.replaceAll(".*r=([^,]*).*", "$1") : "x";
            byte[] proof = new byte[random.nextInt(80)];
            random.nextBytes(proof);
            token = "c=biws,r=" + (random.nextBoolean() ? nonce : nonce + "z") + ",p="
                    + java.util.Base64.getEncoder().encodeToString(proof);
        } else if (mechanism.startsWith("SCRAM")) {
            String[] users = {"alice", "bob", "", "al=2Cice", "alice,x=1"};
            token = (random.nextBoolean() ? "n,," : "y,,") + "n=" + users[random.nextInt(users.length)] + ",r="
                    + Long.toHexString(random.nextLong());
        } else {
            String[] passwords = {"wrong", "", "alice-secret\0", "ALICE-SECRET", "alice-secre"};
            token = (random.nextBoolean() ? "" : "alice") + "\0alice\0" + passwords[random.nextInt(passwords.length)];
        }
        byte[] bytes = token.getBytes(StandardCharsets.UTF_8);
        switch (random.nextInt(4)) {
            case 0 -> {
                byte[] noise = new byte[random.nextInt(64)];
                random.nextBytes(noise);
                return noise;
            }
            case 1 -> {
                if (bytes.length > 0) {
                    bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
                }
                return bytes;
            }
            default -> {
                return bytes;
            }
        }
    }

    private static String printable(byte[] token) {
        return new String(token, StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7e]", "?");
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
        byte[] body = null;
        for (int attempt = 0; attempt < SERIALISE_ATTEMPTS && body == null; attempt++) {
            ApiMessage request = requests.fill(ApiMessageType.fromApiKey(key.id).newRequest());
            try {
                body = serialised(header, request);
            } catch (RuntimeException e) {
                // a combination kafka-clients itself refuses to write (a field this version lacks, say): draw again
            }
        }
        if (body == null) {
            return Outcome.NOT_SERIALISABLE;
        }
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
