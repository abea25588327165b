package io.kafkalite.group;

/** An offset a group committed for a partition, with the leader epoch and metadata string that came with it. */
public record CommittedOffset(long offset, int leaderEpoch, String metadata) {
}
