package io.kafkalite.partition;

/** An aborted transaction on one partition: its producer, its first data offset and the offset of its ABORT marker. */
public record AbortedTransaction(long producerId, long firstOffset, long lastOffset) {
}
