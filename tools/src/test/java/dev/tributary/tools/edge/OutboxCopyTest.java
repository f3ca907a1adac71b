package dev.tributary.tools.edge;

import dev.tributary.sinks.objectstore.FileSystemObjectStore;
import dev.tributary.operators.assets.Sha256;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The outbox copy against a real (filesystem) object store: only missing or wrong files cost a transfer. */
class OutboxCopyTest {

    private static final String KEY = "edges/edge-1/assets/a-1/photo.png";
    private static final byte[] CONTENT = "abc".getBytes(StandardCharsets.UTF_8);
    /** sha256("abc"), the FIPS 180-2 example: independent of the code under test. */
    private static final String SHA = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @TempDir
    Path storeRoot;
    @TempDir
    Path outbox;
    private FileSystemObjectStore store;
    private OutboxCopy copy;

    @BeforeEach
    void setUp() throws Exception {
        store = new FileSystemObjectStore(storeRoot);
        store.putBytes(KEY, CONTENT, "image/png").get();
        copy = new OutboxCopy(store, outbox);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Test
    void copiesAMissingFileThenLeavesItAlone() throws Exception {
        assertThat(copy.copy("a-1", KEY, SHA)).isEqualTo(OutboxCopy.Outcome.COPIED);
        Path target = outbox.resolve("a-1").resolve("photo.png");
        assertThat(Files.readAllBytes(target)).isEqualTo(CONTENT);
        assertThat(copy.copy("a-1", KEY, SHA)).isEqualTo(OutboxCopy.Outcome.ALREADY_LOCAL);
        try (var files = Files.list(target.getParent())) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void replacesALocalFileWithTheWrongContent() throws Exception {
        Path target = copy.target("a-1", KEY);
        Files.createDirectories(target.getParent());
        Files.writeString(target, "half a transfer");
        assertThat(copy.copy("a-1", KEY, SHA)).isEqualTo(OutboxCopy.Outcome.COPIED);
        assertThat(Files.readAllBytes(target)).isEqualTo(CONTENT);
    }

    @Test
    void refusesBytesWithAnotherShaAndLeavesNothingInPlace() {
        String other = Sha256.hex("other".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> copy.copy("a-1", KEY, other)).isInstanceOf(IOException.class).hasMessageContaining(other);
        assertThat(outbox.resolve("a-1")).isEmptyDirectory();
    }

    @Test
    void refusesPathsThatWouldLeaveTheOutbox() {
        assertThatThrownBy(() -> copy.target("../x", KEY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> copy.target("a-1", "edges/e/assets/a-1/")).isInstanceOf(IllegalArgumentException.class);
    }
}
