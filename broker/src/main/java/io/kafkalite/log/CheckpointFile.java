package io.kafkalite.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The indexes of every partition as of one point in the store, so that a restart reads them instead of every
 * stored batch and only scans what was appended after that point. Written to a temporary file, forced to disk and
 * renamed over the previous one, so a crash leaves either the old checkpoint or the new one; a checksum catches
 * anything else, and then recovery scans the whole store instead.
 */
final class CheckpointFile {

    private static final int MAGIC = 0x4B4C4958;
    private static final int VERSION = 1;

    private CheckpointFile() {
    }

    /** Writes the indexes of {@code logs} and the store's state, as of now. */
    static void write(Path file, BatchStore store, Collection<BatchLog> logs) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            Writer out = new Writer(channel);
            out.putInt(MAGIC);
            out.putInt(VERSION);
            store.writeCheckpoint(out);
            out.putInt(logs.size());
            for (BatchLog log : logs) {
                log.writeTo(out);
            }
            out.finish();
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The checkpoint in {@code file} (giving the store its part), or null when there is none or it is damaged. */
    static Checkpoint read(Path file, BatchStore store) throws IOException {
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".tmp"));
        if (!Files.exists(file)) {
            return null;
        }
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        if (bytes.remaining() < 24) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes.array(), 0, bytes.remaining() - 8);
        if (crc.getValue() != bytes.getLong(bytes.remaining() - 8) || bytes.getInt(0) != MAGIC || bytes.getInt(4) != VERSION) {
            return null;
        }
        Reader in = new Reader(bytes.position(8));
        long mark = store.readCheckpoint(in);
        int count = in.getInt();
        List<BatchLog> logs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            logs.add(BatchLog.readFrom(in, store));
        }
        return new Checkpoint(mark, logs);
    }

    /** What a checkpoint holds. */
    record Checkpoint(long mark, List<BatchLog> logs) {
    }

    /** Buffered writes with a running checksum, appended at the end. */
    static final class Writer {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
        private final CRC32C crc = new CRC32C();

        Writer(FileChannel channel) {
            this.channel = channel;
        }

        void putInt(int value) {
            ensure(4).putInt(value);
        }

        void putLong(long value) {
            ensure(8).putLong(value);
        }

        private ByteBuffer ensure(int bytes) {
            if (buffer.remaining() < bytes) {
                flush();
            }
            return buffer;
        }

        private void flush() {
            buffer.flip();
            crc.update(buffer.array(), 0, buffer.limit());
            try {
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            buffer.clear();
        }

        void finish() throws IOException {
            flush();
            buffer.putLong(crc.getValue()).flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    /** Reads what {@link Writer} wrote. */
    static final class Reader {
        private final ByteBuffer bytes;

        Reader(ByteBuffer bytes) {
            this.bytes = bytes;
        }

        int getInt() {
            return bytes.getInt();
        }

        long getLong() {
            return bytes.getLong();
        }
    }
}
