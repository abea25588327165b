package io.kafkalite.junit;

/**
 * A topic of one test's own, injected as a parameter: a unique name, created before the test and deleted after
 * it, so that tests running in parallel ({@code @Execution(CONCURRENT)}) never see each other's records.
 *
 * <pre>{@code
 * @Test
 * void compactsByKey(@TopicPartitions(3) @TopicConfig(name = "cleanup.policy", value = "compact") TestTopic topic,
 *                    Producer<String, String> producer) {
 *     producer.send(new ProducerRecord<>(topic.name(), "k", "v"));
 * }
 * }</pre>
 *
 * In a test method or its {@code @BeforeEach}/{@code @AfterEach} methods, the n-th {@code TestTopic} parameter
 * is the same topic, created where it is first resolved (so annotate it there). As a constructor or
 * {@code @BeforeAll} parameter it belongs to the test class instead: created once, deleted after the class.
 */
public interface TestTopic {

    /**
     * The topic's name, unique in the test run, e.g. {@code OrdersTest-billsEachOrder-0-3f9a1c2e}.
     *
     * @return the topic's name, unique in the test run, e.g. {@code OrdersTest-billsEachOrder-0-3f9a1c2e}
     */
    String name();

    /**
     * Its partition count.
     *
     * @return its partition count
     */
    int partitions();
}
