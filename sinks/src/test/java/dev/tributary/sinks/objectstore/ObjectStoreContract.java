package dev.tributary.sinks.objectstore;

import dev.tributary.operators.assets.ObjectKeys;
import dev.tributary.operators.assets.Sha256;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every {@link ObjectStore} does, checked the same way against each (S3 in an IT, the file system in a unit test). */
final class ObjectStoreContract {

    private ObjectStoreContract() {}

    static void putHeadCopyGetOpenList(ObjectStore store, String prefix, Path temp) throws Exception {
        byte[] bytes = "hello object store".getBytes(StandardCharsets.UTF_8);
        ObjectInfo put = store.putBytes(prefix + "a.txt", bytes, "text/plain").get();
        assertThat(put.sha256()).isEqualTo(Sha256.hex(bytes));

        assertThat(store.head(prefix + "a.txt").get()).hasValueSatisfying(i -> {
            assertThat(i.sizeBytes()).isEqualTo(bytes.length);
            assertThat(i.contentType()).isEqualTo("text/plain");
            assertThat(i.sha256()).isEqualTo(Sha256.hex(bytes));
        });
        assertThat(store.head(prefix + "missing").get()).isEmpty();

        Path file = temp.resolve("upload.bin");
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        Files.write(file, big);
        ObjectInfo fromFile = store.putFile(prefix + "b.bin", file, "application/octet-stream", Sha256.hex(big)).get();
        assertThat(fromFile.sizeBytes()).isEqualTo(big.length);
        assertThat(store.get(prefix + "b.bin").get()).isEqualTo(big);
        try (java.io.InputStream in = store.open(prefix + "b.bin").get()) {
            assertThat(in.readAllBytes()).as("streamed").isEqualTo(big);
        }
        assertThatThrownBy(() -> store.open(prefix + "missing").get())
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(NoSuchElementException.class);

        ObjectInfo copied = store.copy(prefix + "a.txt", prefix + "edge/x/a.txt").get();
        assertThat(copied.sha256()).isEqualTo(Sha256.hex(bytes));
        assertThat(copied.contentType()).isEqualTo("text/plain");
        assertThat(store.get(prefix + "edge/x/a.txt").get()).isEqualTo(bytes);

        assertThat(store.list(prefix).get())
                .containsExactly(prefix + "a.txt", prefix + "b.bin", prefix + "edge/x/a.txt");
        assertThatThrownBy(() -> store.get(prefix + "missing").get())
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(NoSuchElementException.class);
    }

    static void rewritingTheSameContentAddressedKeyKeepsOneObject(ObjectStore store) throws Exception {
        byte[] bytes = ("replayed " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        String key = ObjectKeys.contentAddressed(ObjectKeys.ASSET_BLOBS, Sha256.hex(bytes));
        store.putBytes(key, bytes, "text/plain").get();
        store.putBytes(key, bytes, "text/plain").get();
        assertThat(store.list(key).get()).containsExactly(key);
        assertThat(store.get(key).get()).isEqualTo(bytes);
    }
}
