package dev.tributary.sinks.objectstore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalObjectStoreTest {

    @Test
    void refusesKeysOutsideItsDirectory(@TempDir Path dir) {
        try (LocalObjectStore store = new LocalObjectStore(dir)) {
            assertThatThrownBy(() -> store.putBytes("../escape", new byte[1], "text/plain").get())
                    .hasCauseInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.putBytes(".meta/x", new byte[1], "text/plain").get())
                    .hasCauseInstanceOf(IllegalArgumentException.class);
        }
    }
}
