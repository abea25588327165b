package io.kafkalite.log;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class DataDirectoryTest {

    @Test
    void temporaryDirectoriesAreNewEmptyAndTheOwnersOnly(@TempDir Path parent) throws Exception {
        Path first = DataDirectory.createTemporary(parent, "kafkalite-");
        Path second = DataDirectory.createTemporary(parent, "kafkalite-");
        assertThat(first).isNotEqualTo(second).hasParentRaw(parent).isEmptyDirectory();
        assertThat(first.getFileName().toString()).startsWith("kafkalite-");
        assertThat(second).isEmptyDirectory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first))).isEqualTo("rwx------");
    }
}
