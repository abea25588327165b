package io.kafkalite.compat.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.kafkalite.junit.KafkaCluster;
import io.kafkalite.junit.KafkaLiteTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The tests of two test classes with the same Spring configuration and a Kafkalite broker each: without
 * kafkalite-spring the second class would be handed the first one's cached context, whose beans point at a broker
 * that is gone.
 */
@SpringBootTest
@KafkaLiteTest(topics = {Greeter.GREETINGS + ":1", Greeter.ANSWERS + ":1"})
abstract class GreetingTests {

    @Autowired
    Greeter greeter;

    @Autowired
    KafkaTemplate<String, String> template;

    /** A name of this class's own, so that each class's records are told apart. */
    private final String name = getClass().getSimpleName().toLowerCase();

    @Test
    void theApplicationTalksToThisClasssCluster(KafkaCluster kafka) {
        assertThat(template.getProducerFactory().getConfigurationProperties().get("bootstrap.servers"))
                .asString().contains(kafka.bootstrapServers());
    }

    @Test
    void aGreetingIsHeardAndAnswered(KafkaCluster kafka) throws Exception {
        greeter.greet(name).get();
        ConsumerRecord<String, String> answer = kafka.awaitRecord(Greeter.ANSWERS, r -> r.key().equals(name),
                Duration.ofSeconds(30));
        assertThat(answer.value()).isEqualTo("hello to you too, " + name);
        assertThat(greeter.heard()).contains("hello " + name);
    }

    @Test
    void eachTestStartsWithoutTheEarlierTestsAnswers(KafkaCluster kafka) throws Exception {
        greeter.greet(name + "-again").get();
        kafka.awaitRecord(Greeter.ANSWERS, r -> r.key().equals(name + "-again"), Duration.ofSeconds(30));
        assertThat(kafka.readAll(Greeter.ANSWERS)).extracting(ConsumerRecord::key).containsOnly(name + "-again");
    }
}
