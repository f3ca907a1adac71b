package dev.tributary.sinks.objectstore;

import dev.tributary.operators.assets.ObjectKeys;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The job's one content-addressed store: a {@link HashingCopy hashed copy} goes under
 * {@code <namespace>/sha256/<hex>} of an {@link ObjectStore}, so the same bytes always land on the same key and a
 * replay after a failure rewrites, never adds. Two users: the asset downloads (namespace {@code assets}, in the
 * object store of {@code objectstore.url}) and the lake's landing (namespace {@code objects}, in the raw zone).
 */
public final class ContentAddressedStore {

    /**
     * Below this size a put is cheaper than asking first (one round trip either way, and rewriting a
     * content-addressed object changes nothing); above it a HEAD saves re-uploading what a replay already stored.
     */
    public static final long HEAD_BEFORE_PUT_BYTES = 1 << 20;

    /** Where the bytes are; {@code alreadyPresent} when a large object was found stored and not uploaded again. */
    public record Stored(String key, String sha256, long sizeBytes, String contentType, boolean alreadyPresent) {}

    private final ObjectStore objects;
    private final String namespace;

    public ContentAddressedStore(ObjectStore objects, String namespace) {
        this.objects = objects;
        this.namespace = namespace;
        ObjectKeys.contentAddressed(namespace, "0".repeat(64)); // refuses a namespace that is not one plain segment
    }

    public String keyOf(String sha256) {
        return ObjectKeys.contentAddressed(namespace, sha256);
    }

    /** Puts the copy's file under its content address; the caller still owns (and deletes) the file. */
    public CompletableFuture<Stored> put(HashingCopy.Copied copy, String contentType) {
        String key = keyOf(copy.sha256());
        CompletableFuture<Optional<ObjectInfo>> existing = copy.sizeBytes() < HEAD_BEFORE_PUT_BYTES
                ? CompletableFuture.completedFuture(Optional.empty()) : objects.head(key);
        return existing.thenCompose(found -> {
            if (found.isPresent() && found.get().sizeBytes() == copy.sizeBytes()) {
                return CompletableFuture.completedFuture(new Stored(key, copy.sha256(), copy.sizeBytes(), contentType, true));
            }
            return objects.putFile(key, copy.file(), contentType, copy.sha256())
                    .thenApply(i -> new Stored(key, copy.sha256(), copy.sizeBytes(), contentType, false));
        });
    }

    /** The stored object as a stream; the caller closes it. */
    public CompletableFuture<java.io.InputStream> open(String key) {
        return objects.open(key);
    }
}
