package dev.tributary.tools.edge;

import dev.tributary.sinks.objectstore.ObjectStore;
import dev.tributary.operators.assets.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.concurrent.ExecutionException;

/**
 * Copies one delivered file from HQ's object store into the edge's local outbox, spending bandwidth only when
 * the file is not already there: a local file with the expected sha256 is kept; anything else is fetched into a
 * temporary file, verified, and renamed into place (a crash leaves at most a temporary file, never a wrong one).
 */
public final class OutboxCopy {

    /** What a copy did. */
    public enum Outcome { ALREADY_LOCAL, COPIED }

    private final ObjectStore store;
    private final Path outbox;

    public OutboxCopy(ObjectStore store, Path outbox) {
        this.store = store;
        this.outbox = outbox;
    }

    /**
     * Makes {@code <outbox>/<assetId>/<file name of objectKey>} hold the object with {@code expectedSha256}.
     *
     * @throws IOException when the fetched bytes do not have the expected sha256 (nothing is left in place)
     */
    public Outcome copy(String assetId, String objectKey, String expectedSha256) throws IOException {
        Path target = target(assetId, objectKey);
        if (Files.isRegularFile(target) && expectedSha256.equals(sha256(target))) {
            return Outcome.ALREADY_LOCAL;
        }
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling(target.getFileName() + ".part");
        byte[] bytes = fetch(objectKey);
        Files.write(temp, bytes);
        String actual = sha256(temp);
        if (!expectedSha256.equals(actual)) {
            Files.deleteIfExists(temp);
            throw new IOException(objectKey + " has sha256 " + actual + ", expected " + expectedSha256);
        }
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return Outcome.COPIED;
    }

    /** Where the asset's file lives in the outbox: one directory per asset, the object's own file name. */
    public Path target(String assetId, String objectKey) {
        String name = objectKey.substring(objectKey.lastIndexOf('/') + 1);
        if (assetId.contains("/") || assetId.startsWith(".") || name.isEmpty() || name.startsWith(".")) {
            throw new IllegalArgumentException("unsafe asset id or object key: " + assetId + ", " + objectKey);
        }
        return outbox.resolve(assetId).resolve(name);
    }

    private byte[] fetch(String objectKey) throws IOException {
        try {
            return store.get(objectKey).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + objectKey, e);
        } catch (ExecutionException e) {
            throw new IOException("fetching " + objectKey + " failed", e.getCause());
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStreamSink.INSTANCE);
        }
        return Sha256.hex(digest);
    }

    /** Discards bytes: the digest stream has already seen them. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
    }
}
