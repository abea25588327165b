package io.kafkalite;

import java.util.Map;

import io.kafkalite.testsupport.Clients;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A transactional producer in a JVM of its own, for tests that kill it mid-transaction: it opens a transaction,
 * writes a record, says so on standard output and waits to be killed.
 *
 * <p>Arguments: bootstrap servers, transactional id, topic.
 */
public final class TransactionalProducerProcess {

    static final String IN_TRANSACTION = "in transaction";

    private TransactionalProducerProcess() {
    }

    public static void main(String[] args) throws Exception {
        KafkaProducer<String, String> producer = Clients.producer(args[0], Map.of("transactional.id", args[1],
                "transaction.timeout.ms", 60_000));
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(args[2], 0, "k", "from a producer that dies")).get();
        System.out.println(IN_TRANSACTION);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
