package io.kafkalite.log;

import java.io.IOException;
import java.nio.channels.FileChannel;

import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.RecordsSend;

/**
 * Stored batches as a fetch response carries them: regions of log segment files, sent to the socket with
 * {@link TransferableChannel#transferFrom} ({@code sendfile} on a plain socket), so record bytes never pass through
 * the heap. The segments are pinned from the broker loop until the network thread has sent the last byte, so a
 * segment deleted meanwhile keeps its file open until then.
 */
final class FileRegionRecords implements BaseRecords {

    private final ChronicleBatchStore.Segment[] segments;
    private final FileChannel[] channels;
    private final long[] positions;
    private final int[] sizes;
    private final int count;
    private final int sizeInBytes;

    FileRegionRecords(ChronicleBatchStore.Segment[] segments, FileChannel[] channels, long[] positions, int[] sizes,
                      int count) {
        this.segments = segments;
        this.channels = channels;
        this.positions = positions;
        this.sizes = sizes;
        this.count = count;
        int total = 0;
        for (int i = 0; i < count; i++) {
            total += sizes[i];
            segments[i].pin();
        }
        this.sizeInBytes = total;
    }

    @Override
    public int sizeInBytes() {
        return sizeInBytes;
    }

    @Override
    public RecordsSend<FileRegionRecords> toSend() {
        return new RegionSend(this);
    }

    private void unpin() {
        for (int i = 0; i < count; i++) {
            segments[i].unpin();
        }
    }

    @Override
    public String toString() {
        return "FileRegionRecords(" + count + " batches, " + sizeInBytes + " bytes)";
    }

    /** Writes the regions one after the other, resuming where the socket last stopped taking bytes. */
    private static final class RegionSend extends RecordsSend<FileRegionRecords> {
        private int region;
        private long regionOffset;
        private boolean unpinned;

        RegionSend(FileRegionRecords records) {
            super(records, records.sizeInBytes);
        }

        @Override
        protected int writeTo(TransferableChannel channel, int previouslyWritten, int remaining) throws IOException {
            FileRegionRecords records = records();
            int written = 0;
            while (region < records.count) {
                long left = records.sizes[region] - regionOffset;
                long sent = channel.transferFrom(records.channels[region], records.positions[region] + regionOffset, left);
                written += (int) sent;
                regionOffset += sent;
                if (regionOffset == records.sizes[region]) {
                    region++;
                    regionOffset = 0;
                } else if (sent == 0) {
                    break; // the socket is full; the selector calls again when it can take more
                }
            }
            if (region == records.count && !unpinned) {
                unpinned = true;
                records.unpin();
            }
            return written;
        }
    }
}
