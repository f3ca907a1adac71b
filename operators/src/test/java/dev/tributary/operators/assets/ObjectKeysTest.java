package dev.tributary.operators.assets;

import org.junit.jupiter.api.Test;

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
        assertThat(ObjectKeys.contentAddressed(ObjectKeys.ASSET_BLOBS, "a".repeat(64))).isEqualTo("assets/sha256/" + "a".repeat(64));
        assertThat(ObjectKeys.contentAddressed(ObjectKeys.RAW_OBJECTS, "b".repeat(64))).isEqualTo("objects/sha256/" + "b".repeat(64));
        assertThatThrownBy(() -> ObjectKeys.contentAddressed(ObjectKeys.ASSET_BLOBS, "../x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ObjectKeys.contentAddressed("../assets", "a".repeat(64))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deliveredFileNamesComeFromTheUrlOrTheType() {
        assertThat(ObjectKeys.fileName("http://h/x/photo.jpg?size=2", "image/jpeg")).isEqualTo("photo.jpg");
        assertThat(ObjectKeys.fileName("http://h/x/", "image/png")).isEqualTo("asset.png");
        assertThat(ObjectKeys.fileName("http://h/download?id=3", "video/mp4")).isEqualTo("download.mp4");
        assertThat(ObjectKeys.fileName("not a url", "video/mp4")).isEqualTo("asset.mp4");
    }
}
