package dev.tributary.sinks.objectstore;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObjectKeysTest {

    @Test
    void idsFromInputCannotAddLevelsOrClimbOut() {
        assertThat(ObjectKeys.edgeOutbox("edge-1", "asset.7", "photo.jpg")).isEqualTo("edges/edge-1/assets/asset.7/photo.jpg");
        assertThat(ObjectKeys.edgeOutbox("../..", "a/b", "..")).isEqualTo("edges/..%2F../assets/a%2Fb/%2E%2E");
        assertThat(ObjectKeys.segment("é")).isEqualTo("%C3%A9");
    }

    @Test
    void contentAddressedKeysNeedAHexDigest() {
        assertThat(ObjectKeys.contentAddressed("a".repeat(64))).isEqualTo("assets/sha256/" + "a".repeat(64));
        assertThatThrownBy(() -> ObjectKeys.contentAddressed("../x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void localStoreRefusesKeysOutsideItsDirectory(@org.junit.jupiter.api.io.TempDir Path dir) {
        try (LocalObjectStore store = new LocalObjectStore(dir)) {
            assertThatThrownBy(() -> store.putBytes("../escape", new byte[1], "text/plain").get())
                    .hasCauseInstanceOf(IllegalArgumentException.class);
        }
    }
}
