package io.kafkalite.compat.spring;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.stereotype.Component;

/** Sends a greeting per name to {@value #GREETINGS}; answers every greeting it hears on {@value #ANSWERS}. */
@Component
public class Greeter {

    public static final String GREETINGS = "greetings";
    public static final String ANSWERS = "answers";

    private final KafkaTemplate<String, String> kafka;
    private final List<String> heard = new CopyOnWriteArrayList<>();

    public Greeter(KafkaTemplate<String, String> kafka) {
        this.kafka = kafka;
    }

    public CompletableFuture<SendResult<String, String>> greet(String name) {
        return kafka.send(GREETINGS, name, "hello " + name);
    }

    @KafkaListener(topics = GREETINGS, groupId = "greeter")
    void answer(ConsumerRecord<String, String> greeting) {
        heard.add(greeting.value());
        kafka.send(ANSWERS, greeting.key(), "hello to you too, " + greeting.key());
    }

    /** The greetings this instance heard so far. */
    public List<String> heard() {
        return List.copyOf(heard);
    }
}
