package dev.tributary.sinks.objectstore;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Object storage as the job needs it: content-addressed puts, existence checks, server-side copies. Every call
 * is asynchronous, so Flink's async operators can use it without blocking the task thread. Keys are
 * '/'-separated; build them with {@link ObjectKeys}.
 */
public interface ObjectStore extends AutoCloseable {

    /** Where objects live, for catalog entries: the bucket name, or the directory of a local store. */
    String container();

    /** Writes a file's bytes under the key; the caller has hashed it (sha256, hex) while writing the file. */
    CompletableFuture<ObjectInfo> putFile(String key, Path file, String contentType, String sha256);

    /** Writes bytes under the key, hashing them. */
    CompletableFuture<ObjectInfo> putBytes(String key, byte[] bytes, String contentType);

    /** The object's size, type and recorded digest, or empty when there is no such object. */
    CompletableFuture<Optional<ObjectInfo>> head(String key);

    /** Copies inside the store (server-side for S3); the target keeps the source's type and digest. */
    CompletableFuture<ObjectInfo> copy(String sourceKey, String targetKey);

    /** The whole object; fails with {@link java.util.NoSuchElementException} when it does not exist. */
    CompletableFuture<byte[]> get(String key);

    /**
     * The object as a stream, for objects too large to hold in memory; the caller closes it. Fails with
     * {@link java.util.NoSuchElementException} when it does not exist.
     */
    CompletableFuture<java.io.InputStream> open(String key);

    /** Keys under the prefix, in key order. */
    CompletableFuture<List<String>> list(String prefix);

    @Override
    void close();

    /**
     * Waits for a call, for callers on threads of their own (a source's fetcher): its failure as the IOException it
     * is, a missing object as a {@link java.io.FileNotFoundException}.
     */
    static <T> T await(CompletableFuture<T> call) throws java.io.IOException {
        try {
            return call.join();
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof java.io.UncheckedIOException u) {
                throw u.getCause();
            }
            if (cause instanceof java.io.IOException io) {
                throw io;
            }
            if (cause instanceof java.util.NoSuchElementException missing) {
                throw new java.io.FileNotFoundException(missing.getMessage());
            }
            throw new java.io.IOException(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
        }
    }
}
