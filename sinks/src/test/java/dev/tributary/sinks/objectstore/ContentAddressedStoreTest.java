package dev.tributary.sinks.objectstore;

import dev.tributary.operators.assets.ObjectKeys;
import dev.tributary.operators.assets.Sha256;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContentAddressedStoreTest {

    @TempDir
    Path dir;

    private HashingCopy.Copied copy(byte[] bytes, String name) throws IOException {
        return HashingCopy.toFile(new ByteArrayInputStream(bytes), dir.resolve(name), HashingCopy.Inspector.NONE);
    }

    @Test
    void theSameBytesLandOnTheSameKeyAndALargeReplayIsNotUploadedAgain() throws Exception {
        byte[] large = new byte[(int) ContentAddressedStore.HEAD_BEFORE_PUT_BYTES + 1];
        new Random(3).nextBytes(large);
        try (FileSystemObjectStore objects = new FileSystemObjectStore(dir.resolve("store"))) {
            ContentAddressedStore store = new ContentAddressedStore(objects, ObjectKeys.RAW_OBJECTS);
            ContentAddressedStore.Stored first = store.put(copy(large, "a"), "application/octet-stream").get();
            ContentAddressedStore.Stored replay = store.put(copy(large, "b"), "application/octet-stream").get();

            assertThat(first.key()).isEqualTo("objects/sha256/" + Sha256.hex(large));
            assertThat(first.alreadyPresent()).isFalse();
            assertThat(replay.key()).isEqualTo(first.key());
            assertThat(replay.alreadyPresent()).as("found by HEAD, not uploaded again").isTrue();
            assertThat(objects.list("objects/").get()).containsExactly(first.key());
            try (InputStream in = store.open(first.key()).get()) {
                assertThat(in.readAllBytes()).isEqualTo(large);
            }
            assertThat(objects.head(first.key()).get()).hasValueSatisfying(i ->
                    assertThat(i.sha256()).isEqualTo(Sha256.hex(large)));
        }
    }

    @Test
    void aSmallObjectIsPutWithoutAskingFirst() throws Exception {
        byte[] small = "small".getBytes();
        try (FileSystemObjectStore objects = new FileSystemObjectStore(dir.resolve("store"))) {
            ContentAddressedStore store = new ContentAddressedStore(objects, ObjectKeys.ASSET_BLOBS);
            store.put(copy(small, "a"), "text/plain").get();
            assertThat(store.put(copy(small, "b"), "text/plain").get().alreadyPresent()).isFalse();
            assertThat(objects.list("assets/").get()).containsExactly("assets/sha256/" + Sha256.hex(small));
        }
    }

    @Test
    void aNamespaceIsOnePlainSegment() {
        try (FileSystemObjectStore objects = new FileSystemObjectStore(dir)) {
            assertThatThrownBy(() -> new ContentAddressedStore(objects, "../up")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void theCopyHashesSizesAndKeepsTheHeadAndAnInspectorCanStopIt() throws Exception {
        byte[] bytes = new byte[200_000];
        new Random(5).nextBytes(bytes);
        AtomicInteger heads = new AtomicInteger();
        HashingCopy.Copied c = HashingCopy.toFile(new ByteArrayInputStream(bytes), dir.resolve("c"), new HashingCopy.Inspector() {
            @Override
            public void head(byte[] head, int length) {
                heads.incrementAndGet();
            }
        });
        assertThat(c.sha256()).isEqualTo(Sha256.hex(bytes));
        assertThat(c.sizeBytes()).isEqualTo(bytes.length);
        assertThat(Files.readAllBytes(c.file())).isEqualTo(bytes);
        assertThat(java.util.Arrays.copyOf(c.head(), c.headLength())).isEqualTo(java.util.Arrays.copyOf(bytes, c.headLength()));
        assertThat(heads).as("the head is shown once").hasValue(1);

        assertThatThrownBy(() -> HashingCopy.toFile(new ByteArrayInputStream(bytes), dir.resolve("d"), new HashingCopy.Inspector() {
            @Override
            public void size(long bytesSoFar) {
                if (bytesSoFar > 100_000) {
                    throw new IllegalStateException("too large");
                }
            }
        })).hasMessage("too large");
        assertThat(Files.size(dir.resolve("d"))).as("stopped at the limit, not the end").isLessThanOrEqualTo(100_000);

        assertThatThrownBy(() -> HashingCopy.toFile(new ByteArrayInputStream(bytes), dir.resolve("missing/e"), HashingCopy.Inspector.NONE))
                .as("the local disk failing is not the input's fault").isInstanceOf(HashingCopy.WriteFailedException.class);
    }
}
