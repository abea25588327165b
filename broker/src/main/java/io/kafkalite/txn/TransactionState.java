package io.kafkalite.txn;

/**
 * Where a transactional id's transaction stands, under the names Kafka reports (DescribeTransactions,
 * ListTransactions, {@code kafka-transactions.sh}). The prepare states last only while markers are written, so
 * clients see them only after a broker restart in the middle of ending a transaction, which recovery completes.
 */
public enum TransactionState {
    EMPTY("Empty"),
    ONGOING("Ongoing"),
    PREPARE_COMMIT("PrepareCommit"),
    PREPARE_ABORT("PrepareAbort"),
    COMPLETE_COMMIT("CompleteCommit"),
    COMPLETE_ABORT("CompleteAbort");

    private final String kafkaName;

    TransactionState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    /** The name Kafka uses for this state. */
    public String kafkaName() {
        return kafkaName;
    }

    static TransactionState fromKafkaName(String name) {
        for (TransactionState state : values()) {
            if (state.kafkaName.equals(name)) {
                return state;
            }
        }
        throw new IllegalArgumentException("Unknown transaction state '" + name + "'");
    }

    /** Whether a transaction may begin from here (nothing is open or being ended). */
    boolean isIdle() {
        return this == EMPTY || this == COMPLETE_COMMIT || this == COMPLETE_ABORT;
    }
}
