package dev.tributary.sinks.objectstore;

import dev.tributary.operators.assets.Sha256;

import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@link ObjectStore} on Flink's {@link FileSystem}: a {@code file://} directory, or any location the cluster's
 * file system plugins serve ({@code s3://} through flink-s3-fs-hadoop). Two users:
 * <ul>
 *   <li>the lake's raw zone ({@code lake.raw-zone}): its stored objects sit beside the event files that
 *       {@code FileSink} writes there, reached and configured the same way (Flink's {@code s3.*} options), so the
 *       raw zone is one location with one configuration;</li>
 *   <li>{@code objectstore.url=file:///dir}: development without an S3 server.</li>
 * </ul>
 * A file system keeps no user metadata, so each object's type and digest live in a sidecar tree {@code .meta/}.
 * Readers never see half an object (see {@link #write}). The calls block, on the store's own threads.
 */
public final class FileSystemObjectStore implements ObjectStore {

    private static final String META = ".meta";
    private static final String TMP = ".tmp";
    private static final int BUFFER = 64 * 1024;

    private final Path root;
    private final String container;
    /** An object store's upload is invisible until complete (s3:// through the Hadoop or Presto plugin). */
    private final boolean uploadsAppearWhole;
    private final ExecutorService io = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "file-system-object-store");
        t.setDaemon(true);
        return t;
    });

    /** A store rooted at {@code root}: {@code file:///dir}, {@code s3://bucket/prefix}, or a plain local path. */
    public FileSystemObjectStore(URI root) {
        String text = root.toString();
        this.root = new Path(text.endsWith("/") && text.length() > 1 ? text.substring(0, text.length() - 1) : text);
        String scheme = root.getScheme() == null ? "" : root.getScheme().toLowerCase(java.util.Locale.ROOT);
        this.uploadsAppearWhole = scheme.equals("s3") || scheme.equals("s3a") || scheme.equals("s3p");
        this.container = root.getScheme() == null || root.getScheme().equals("file") ? this.root.toUri().getPath() : this.root.toString();
    }

    public FileSystemObjectStore(java.nio.file.Path directory) {
        this(directory.toAbsolutePath().normalize().toUri());
    }

    @Override
    public String container() {
        return container;
    }

    /** The path of a key; keys come from records, so one that could leave the root or reach the sidecars is refused. */
    private Path pathOf(String key) {
        if (key.isEmpty() || key.startsWith("/") || key.endsWith("/") || key.contains("\\")) {
            throw new IllegalArgumentException("not an object key: " + key);
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("key outside the store: " + key);
            }
        }
        if (key.startsWith(META + "/") || key.startsWith(TMP + "/")) {
            throw new IllegalArgumentException("key outside the store: " + key);
        }
        return new Path(root, key);
    }

    private Path metaOf(String key) {
        return new Path(root, META + "/" + key + ".properties");
    }

    private FileSystem fs() throws IOException {
        return root.getFileSystem();
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

    @FunctionalInterface
    private interface Writer {
        void write(FSDataOutputStream out) throws IOException;
    }

    /**
     * Writes an object so that no reader sees half of it: on an object store (s3://) an upload only becomes visible
     * once complete, so it goes straight to its key; on a file system it goes to a temporary name under
     * {@code .tmp/} and is renamed into place. The sidecar is written first, so a visible object has its type.
     */
    private ObjectInfo write(String key, ObjectInfo info, Writer writer) throws IOException {
        Path target = pathOf(key);
        FileSystem fs = fs();
        writeMeta(fs, info);
        if (uploadsAppearWhole) {
            try (FSDataOutputStream out = fs.create(target, FileSystem.WriteMode.OVERWRITE)) {
                writer.write(out);
            }
            return info;
        }
        Path tmp = new Path(root, TMP + "/" + UUID.randomUUID());
        try (FSDataOutputStream out = fs.create(tmp, FileSystem.WriteMode.OVERWRITE)) {
            writer.write(out);
        }
        if (!renameOver(fs, tmp, target)) {
            fs.delete(tmp, false);
            throw new IOException("could not move " + tmp + " to " + target);
        }
        return info;
    }

    /** Flink's local file system replaces the target atomically; others may refuse (false, or an exception). */
    private static boolean renameOver(FileSystem fs, Path from, Path to) throws IOException {
        try {
            if (fs.rename(from, to)) {
                return true;
            }
        } catch (IOException e) {
            if (!fs.exists(to)) {
                throw e;
            }
        }
        return fs.exists(to) && fs.delete(to, false) && fs.rename(from, to);
    }

    @Override
    public CompletableFuture<ObjectInfo> putFile(String key, java.nio.file.Path file, String contentType, String sha256) {
        return async(() -> write(key, new ObjectInfo(key, Files.size(file), contentType, sha256),
                out -> Files.copy(file, out)));
    }

    @Override
    public CompletableFuture<ObjectInfo> putBytes(String key, byte[] bytes, String contentType) {
        return async(() -> write(key, new ObjectInfo(key, bytes.length, contentType, Sha256.hex(bytes)), out -> out.write(bytes)));
    }

    private void writeMeta(FileSystem fs, ObjectInfo info) throws IOException {
        Properties p = new Properties();
        if (info.contentType() != null) {
            p.setProperty("contentType", info.contentType());
        }
        if (info.sha256() != null) {
            p.setProperty("sha256", info.sha256());
        }
        try (FSDataOutputStream out = fs.create(metaOf(info.key()), FileSystem.WriteMode.OVERWRITE)) {
            p.store(out, null);
        }
    }

    private Optional<ObjectInfo> read(String key) throws IOException {
        FileSystem fs = fs();
        FileStatus status;
        try {
            status = fs.getFileStatus(pathOf(key));
        } catch (FileNotFoundException e) {
            return Optional.empty();
        }
        if (status.isDir()) {
            return Optional.empty();
        }
        Properties meta = new Properties();
        try (FSDataInputStream in = fs.open(metaOf(key))) {
            meta.load(in);
        } catch (FileNotFoundException e) {
            // a file dropped in by hand: no recorded type or digest
        }
        return Optional.of(new ObjectInfo(key, status.getLen(), meta.getProperty("contentType"), meta.getProperty("sha256")));
    }

    @Override
    public CompletableFuture<Optional<ObjectInfo>> head(String key) {
        return async(() -> read(key));
    }

    private NoSuchElementException missing(String key) {
        return new NoSuchElementException("no object " + key + " in " + root);
    }

    @Override
    public CompletableFuture<ObjectInfo> copy(String sourceKey, String targetKey) {
        return async(() -> {
            ObjectInfo source = read(sourceKey).orElseThrow(() -> new CompletionException(missing(sourceKey)));
            ObjectInfo copied = new ObjectInfo(targetKey, source.sizeBytes(), source.contentType(), source.sha256());
            return write(targetKey, copied, out -> {
                try (FSDataInputStream in = fs().open(pathOf(sourceKey))) {
                    in.transferTo(out);
                }
            });
        });
    }

    @Override
    public CompletableFuture<byte[]> get(String key) {
        return async(() -> {
            try (FSDataInputStream in = fs().open(pathOf(key))) {
                return in.readAllBytes();
            } catch (FileNotFoundException e) {
                throw new CompletionException(missing(key));
            }
        });
    }

    @Override
    public CompletableFuture<InputStream> open(String key) {
        return async(() -> {
            try {
                return fs().open(pathOf(key), BUFFER);
            } catch (FileNotFoundException e) {
                throw new CompletionException(missing(key));
            }
        });
    }

    @Override
    public CompletableFuture<List<String>> list(String prefix) {
        return async(() -> {
            List<String> keys = new ArrayList<>();
            FileSystem fs = fs();
            if (fs.exists(root)) {
                collect(fs, root, "", keys);
            }
            return keys.stream().filter(k -> k.startsWith(prefix)).sorted().toList();
        });
    }

    private static void collect(FileSystem fs, Path dir, String relative, List<String> keys) throws IOException {
        FileStatus[] children = fs.listStatus(dir);
        if (children == null) {
            return;
        }
        for (FileStatus child : children) {
            String name = child.getPath().getName();
            if (relative.isEmpty() && (name.equals(META) || name.equals(TMP))) {
                continue;
            }
            String key = relative + name;
            if (child.isDir()) {
                collect(fs, child.getPath(), key + "/", keys);
            } else {
                keys.add(key);
            }
        }
    }

    @Override
    public void close() {
        io.shutdown();
    }
}
