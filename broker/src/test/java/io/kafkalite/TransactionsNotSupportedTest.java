package io.kafkalite;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;

/** Transactions are not implemented yet: a transactional producer must learn that at once, not after a timeout. */
class TransactionsNotSupportedTest {

    @Test
    void initTransactionsFailsRightAwayWithAMessageSayingWhy() {
        try (KafkaLite broker = KafkaLite.start();
             KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers(),
                     Map.of("transactional.id", "payments-1", "max.block.ms", 30_000))) {
            assertThatThrownBy(producer::initTransactions)
                    .isInstanceOf(KafkaException.class)
                    .hasMessageContaining("Transactions are not supported by this Kafkalite version");
        }
    }
}
