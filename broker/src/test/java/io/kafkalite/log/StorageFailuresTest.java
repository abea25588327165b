package io.kafkalite.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;

import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.Test;

/** What the producer and the log are told when the data directory fails. */
class StorageFailuresTest {

    private final StorageFailures failures = new StorageFailures(0);
    private final Path directory = Path.of("/var/lib/kafkalite");

    @Test
    void eachKindOfFailureSaysWhatRanOutAndWhatToDo() {
        KafkaStorageException full = failures.writeFailed(directory,
                new IllegalStateException("mapping failed", new IOException("No space left on device")));
        assertThat(full.getMessage()).contains("is full").contains("retention");

        KafkaStorageException descriptors = failures.writeFailed(directory,
                new IOException("/var/lib/kafkalite/log/0000000002.b24/metadata.cq4t (Too many open files)"));
        assertThat(descriptors.getMessage()).contains("file descriptors").contains("ulimit -n");

        KafkaStorageException readOnly = failures.writeFailed(directory, new AccessDeniedException("/var/lib/kafkalite/log"));
        assertThat(readOnly.getMessage()).contains("not writable").contains("make it writable");
    }
}
