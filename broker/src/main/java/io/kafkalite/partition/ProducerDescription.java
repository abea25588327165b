package io.kafkalite.partition;

/**
 * A producer that wrote to a partition, as DescribeProducers reports it; {@code openTransactionFirstOffset} is -1
 * when it has no open transaction there.
 */
public record ProducerDescription(long producerId, short epoch, int lastSequence, long lastTimestamp,
                                  int coordinatorEpoch, long openTransactionFirstOffset) {
}
