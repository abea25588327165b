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
 * One of two test classes with the same Spring configuration and a Kafkalite broker each: without kafkalite-spring
 * the second would be handed the first one's cached context, whose beans point at a broker that is gone.
 */
@SpringBootTest
@KafkaLiteTest(topics = {Greeter.GREETINGS + ":1", Greeter.ANSWERS + ":1"})
class FirstGreetingTest {

    @Autowired
    Greeter greeter;

    @Autowired
    KafkaTemplate<String, String> template;

    @Test
    void theApplicationTalksToThisClasssCluster(KafkaCluster kafka) {
        assertThat(template.getProducerFactory().getConfigurationProperties().get("bootstrap.servers"))
                .asString().contains(kafka.bootstrapServers());
    }

    @Test
    void aGreetingIsHeardAndAnswered(KafkaCluster kafka) throws Exception {
        greeter.greet("alice").get();
        ConsumerRecord<String, String> answer = kafka.awaitRecord(Greeter.ANSWERS, r -> r.key().equals("alice"),
                Duration.ofSeconds(30));
        assertThat(answer.value()).isEqualTo("hello to you too, alice");
        assertThat(greeter.heard()).contains("hello alice");
    }

    @Test
    void eachTestStartsWithoutTheEarlierTestsAnswers(KafkaCluster kafka) throws Exception {
        greeter.greet("anna").get();
        kafka.awaitRecord(Greeter.ANSWERS, r -> r.key().equals("anna"), Duration.ofSeconds(30));
        assertThat(kafka.readAll(Greeter.ANSWERS)).extracting(ConsumerRecord::key).containsOnly("anna");
    }
}
