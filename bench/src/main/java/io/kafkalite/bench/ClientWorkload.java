package io.kafkalite.bench;

import java.util.Map;

/**
 * The client workloads a client JVM can run, each a method of {@link Workloads} that returns named results.
 * To add one: write the method, add a constant here, and add a {@link Scenario} in {@link Scenarios}.
 */
enum ClientWorkload {
    FIRST_PRODUCE(Workloads::firstProduce),
    PER_TEST(Workloads::perTestLoop),
    THROUGHPUT(Workloads::throughput),
    LATENCY(Workloads::latency),
    GROUP_JOIN(Workloads::groupJoin),
    CREATE_PARTITIONS(Workloads::createPartitions),
    PRODUCE_AND_CONSUME(Workloads::produceAndConsume),
    FIRST_WRITE(Workloads::firstWrite),
    NEW_PARTITIONS(Workloads::newPartitions),
    PARTITIONS_READ_BACK(Workloads::partitionsReadBack),
    RESET_BETWEEN_TESTS(Workloads::resetBetweenTests),
    FILL_FOR_RESTART(Workloads::fillForRestart),
    READ_AFTER_RESTART(Workloads::readAfterRestart),
    TRANSACTIONAL_PRODUCE(Workloads::transactionalProduce),
    TRANSACTIONAL_PER_TEST(Workloads::transactionalPerTestLoop),
    SHARE_CONSUME(NewGroupWorkloads::shareConsume),
    STREAMS_JOIN(NewGroupWorkloads::streamsJoin);

    /** The body of a workload: runs in the client JVM and returns its results by name. */
    @FunctionalInterface
    interface Body {
        Map<String, Double> run(WorkloadContext context) throws Exception;
    }

    private final Body body;

    ClientWorkload(Body body) {
        this.body = body;
    }

    Map<String, Double> run(WorkloadContext context) throws Exception {
        return body.run(context);
    }

    /** Short name for log files. */
    String id() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
