package dev.tributary.sinks.objectstore;

import dev.tributary.operators.assets.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * {@link ObjectStore} in a local directory, for development without an S3 server. Objects are files under the
 * directory; their type and digest live in a sidecar tree {@code .meta/}. Writes go to a temporary file that is
 * then moved into place, so readers never see half an object. File I/O runs on the store's own threads.
 */
public final class LocalObjectStore implements ObjectStore {

    private static final String META = ".meta";

    private final Path root;
    private final ExecutorService io = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "local-object-store");
        t.setDaemon(true);
        return t;
    });

    public LocalObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String container() {
        return root.toString();
    }

    private Path pathOf(String key) {
        Path p = root.resolve(key).normalize();
        if (!p.startsWith(root) || p.equals(root) || key.startsWith(META)) {
            throw new IllegalArgumentException("key outside the store: " + key);
        }
        return p;
    }

    private Path metaOf(String key) {
        return root.resolve(META).resolve(key + ".properties").normalize();
    }

    private <T> CompletableFuture<T> async(IoCall<T> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, io);
    }

    @FunctionalInterface
    private interface IoCall<T> {
        T run() throws IOException;
    }

    @Override
    public CompletableFuture<ObjectInfo> putFile(String key, Path file, String contentType, String sha256) {
        return async(() -> {
            Path target = pathOf(key);
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), ".put-", ".tmp");
            Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
            ObjectInfo info = new ObjectInfo(key, Files.size(tmp), contentType, sha256);
            writeMeta(info);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return info;
        });
    }

    @Override
    public CompletableFuture<ObjectInfo> putBytes(String key, byte[] bytes, String contentType) {
        return async(() -> {
            Path target = pathOf(key);
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), ".put-", ".tmp");
            Files.write(tmp, bytes);
            ObjectInfo info = new ObjectInfo(key, bytes.length, contentType, Sha256.hex(bytes));
            writeMeta(info);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return info;
        });
    }

    private void writeMeta(ObjectInfo info) throws IOException {
        Path meta = metaOf(info.key());
        Files.createDirectories(meta.getParent());
        Properties p = new Properties();
        if (info.contentType() != null) {
            p.setProperty("contentType", info.contentType());
        }
        if (info.sha256() != null) {
            p.setProperty("sha256", info.sha256());
        }
        try (OutputStream out = Files.newOutputStream(meta)) {
            p.store(out, null);
        }
    }

    private Optional<ObjectInfo> read(String key) throws IOException {
        Path p = pathOf(key);
        if (!Files.isRegularFile(p)) {
            return Optional.empty();
        }
        Properties meta = new Properties();
        try (InputStream in = Files.newInputStream(metaOf(key))) {
            meta.load(in);
        } catch (NoSuchFileException e) {
            // a file dropped in by hand: no recorded type or digest
        }
        return Optional.of(new ObjectInfo(key, Files.size(p), meta.getProperty("contentType"), meta.getProperty("sha256")));
    }

    @Override
    public CompletableFuture<Optional<ObjectInfo>> head(String key) {
        return async(() -> read(key));
    }

    @Override
    public CompletableFuture<ObjectInfo> copy(String sourceKey, String targetKey) {
        return async(() -> {
            ObjectInfo source = read(sourceKey).orElseThrow(() -> new CompletionException(
                    new NoSuchElementException("no object " + sourceKey + " in " + root)));
            Path target = pathOf(targetKey);
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), ".copy-", ".tmp");
            Files.copy(pathOf(sourceKey), tmp, StandardCopyOption.REPLACE_EXISTING);
            ObjectInfo copied = new ObjectInfo(targetKey, source.sizeBytes(), source.contentType(), source.sha256());
            writeMeta(copied);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return copied;
        });
    }

    @Override
    public CompletableFuture<byte[]> get(String key) {
        return async(() -> {
            try {
                return Files.readAllBytes(pathOf(key));
            } catch (NoSuchFileException e) {
                throw new CompletionException(new NoSuchElementException("no object " + key + " in " + root));
            }
        });
    }

    @Override
    public CompletableFuture<List<String>> list(String prefix) {
        return async(() -> {
            if (!Files.isDirectory(root)) {
                return List.of();
            }
            try (Stream<Path> files = Files.walk(root)) {
                return files.filter(Files::isRegularFile)
                        .map(p -> root.relativize(p).toString().replace('\\', '/'))
                        .filter(k -> !k.startsWith(META + "/") && !k.endsWith(".tmp") && k.startsWith(prefix))
                        .sorted().toList();
            }
        });
    }

    @Override
    public void close() {
        io.shutdown();
    }
}
