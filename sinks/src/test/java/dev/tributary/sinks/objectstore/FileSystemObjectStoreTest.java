package dev.tributary.sinks.objectstore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The file system store on file:// (s3:// goes through the same Flink FileSystem calls: LandingOnS3IT). */
class FileSystemObjectStoreTest {

    @TempDir
    Path dir;

    @Test
    void keepsTheObjectStoreContract() throws Exception {
        try (FileSystemObjectStore store = new FileSystemObjectStore(dir.resolve("store"))) {
            ObjectStoreContract.putHeadCopyGetOpenList(store, "p/", dir);
            ObjectStoreContract.rewritingTheSameContentAddressedKeyKeepsOneObject(store);
            assertThat(store.list("").get()).as("sidecars and temporary objects are not objects")
                    .noneMatch(k -> k.startsWith(".meta/") || k.startsWith(".tmp/"));
            assertThat(Files.list(dir.resolve("store/.tmp"))).as("no temporary object left").isEmpty();
            assertThat(store.container()).isEqualTo(dir.resolve("store").toString());
        }
    }

    @Test
    void refusesKeysOutsideItsDirectory() {
        try (FileSystemObjectStore store = new FileSystemObjectStore(dir)) {
            for (String key : new String[] {"../escape", "a/../../escape", ".meta/x", ".tmp/x", "/abs", "a//b", ""}) {
                assertThatThrownBy(() -> store.putBytes(key, new byte[1], "text/plain").get()).as(key)
                        .hasCauseInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    @Test
    void aFileDroppedInByHandHasNoRecordedTypeOrDigest() throws Exception {
        Files.createDirectories(dir.resolve("in"));
        Files.write(dir.resolve("in/hand.txt"), new byte[] {1, 2, 3});
        try (FileSystemObjectStore store = new FileSystemObjectStore(dir)) {
            assertThat(store.head("in/hand.txt").get()).hasValueSatisfying(i -> {
                assertThat(i.sizeBytes()).isEqualTo(3);
                assertThat(i.contentType()).isNull();
                assertThat(i.sha256()).isNull();
            });
            assertThat(store.head("in").get()).as("a directory is no object").isEmpty();
        }
    }
}
