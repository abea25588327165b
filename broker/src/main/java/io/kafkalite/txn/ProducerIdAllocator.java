package io.kafkalite.txn;

import io.kafkalite.metadata.MetadataJournal;

/**
 * Hands out producer ids for InitProducerId. Ids are reserved in journaled blocks, so a restarted broker never
 * gives an id that an earlier run handed out.
 */
public final class ProducerIdAllocator implements MetadataJournal.Participant {

    private static final long BLOCK_SIZE = 1000;

    private final MetadataJournal journal;
    private long nextId;
    private long reservedUpTo;

    public ProducerIdAllocator(MetadataJournal journal) {
        this.journal = journal;
    }

    public long allocate() {
        if (nextId >= reservedUpTo) {
            reservedUpTo = nextId + BLOCK_SIZE;
            journal.producerIdBlock(reservedUpTo);
        }
        return nextId++;
    }

    @Override
    public void onProducerIdBlock(long nextUnallocated) {
        nextId = Math.max(nextId, nextUnallocated);
        reservedUpTo = nextId;
    }

    @Override
    public void writeSnapshot(MetadataJournal snapshot) {
        if (reservedUpTo > 0) {
            snapshot.producerIdBlock(reservedUpTo);
        }
    }
}
