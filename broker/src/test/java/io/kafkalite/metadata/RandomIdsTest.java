package io.kafkalite.metadata;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RandomIdsTest {

    @Test
    void kafkaIdsAreDistinctNeverReservedAndNeverStartWithADash() {
        Set<Uuid> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            Uuid id = RandomIds.uuid();
            assertThat(Uuid.RESERVED).doesNotContain(id);
            assertThat(id.toString()).doesNotStartWith("-").hasSize(22);
            assertThat(Uuid.fromString(id.toString())).isEqualTo(id);
            seen.add(id);
        }
        assertThat(seen).hasSize(10_000);
    }

    @Test
    void javaUuidsCarryTheBitsOfARandomUuid() {
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            UUID id = RandomIds.javaUuid();
            assertThat(id.version()).isEqualTo(4);
            assertThat(id.variant()).isEqualTo(2);
            assertThat(UUID.fromString(id.toString())).isEqualTo(id);
            seen.add(id);
        }
        assertThat(seen).hasSize(10_000);
    }
}
