package dev.tributary.sinks.assets;

import dev.tributary.operators.assets.UrlGuard;
import dev.tributary.operators.assets.ObjectKeys;
import dev.tributary.sinks.objectstore.ObjectStore;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Downloads one URL into object storage without blocking its caller: checks the URL (and every redirect hop)
 * with the {@link UrlGuard} on the resolver executor, fetches it with the JDK's asynchronous HTTP client, streams
 * the body into a temporary file while hashing and sniffing it ({@link BodyToFile}), and puts the file under
 * {@code assets/sha256/<hex>} (large files only when that object does not exist yet). A replay therefore writes
 * the same object.
 */
public final class AssetDownloader {

    /**
     * Below this size a put is cheaper than asking first (one round trip either way, and rewriting a
     * content-addressed object changes nothing); above it a HEAD saves re-uploading a blob a replay already stored.
     */
    static final long HEAD_BEFORE_PUT_BYTES = 1 << 20;

    private final HttpClient http;
    private final UrlGuard guard;
    private final DownloadLimits limits;
    private final ObjectStore store;
    private final Path tempDir;
    private final Executor resolverExecutor;

    public AssetDownloader(HttpClient http, UrlGuard guard, DownloadLimits limits, ObjectStore store, Path tempDir,
            Executor resolverExecutor) {
        this.http = http;
        this.guard = guard;
        this.limits = limits;
        this.store = store;
        this.tempDir = tempDir;
        this.resolverExecutor = resolverExecutor;
    }

    /** An HTTP client for downloads: redirects are followed by the downloader, so every hop is checked. */
    public static HttpClient newHttpClient(DownloadLimits limits, Executor executor) {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(limits.connectTimeout()).executor(executor).build();
    }

    /** Never completes exceptionally: every failure is a {@link DownloadResult.Failed} with its reason. */
    public CompletableFuture<DownloadResult> download(String url, String declaredMediaType) {
        long deadline = System.nanoTime() + limits.totalTimeout().toNanos();
        CompletableFuture<DownloadResult> out;
        try {
            out = fetch(URI.create(url), 0, deadline)
                    .thenCompose(body -> store(body, declaredMediaType));
        } catch (IllegalArgumentException e) {
            out = CompletableFuture.failedFuture(new DownloadException(FailureReason.BLOCKED_URL, "malformed URL: " + e.getMessage()));
        }
        return out.exceptionally(AssetDownloader::failure);
    }

    private CompletableFuture<BodyToFile.Body> fetch(URI uri, int hop, long deadline) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                guard.check(uri);
                return uri;
            } catch (UrlGuard.RefusedUrlException e) {
                throw new DownloadException(FailureReason.BLOCKED_URL, e.getMessage());
            }
        }, resolverExecutor).thenCompose(checked -> request(checked, hop, deadline));
    }

    private CompletableFuture<BodyToFile.Body> request(URI uri, int hop, long deadline) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            return CompletableFuture.failedFuture(new DownloadException(FailureReason.TIMEOUT,
                    "no time left after " + hop + " redirects"));
        }
        Path file;
        try {
            file = Files.createTempFile(tempDir, "asset-", ".part");
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new DownloadException(FailureReason.STORAGE_ERROR, "temporary file: " + e.getMessage()));
        }
        HttpRequest request = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofNanos(remaining))
                .header("Accept", String.join(", ", limits.allowedMediaTypes())).build();
        BodyHolder holder = new BodyHolder();
        CompletableFuture<HttpResponse<BodyToFile.Body>> response = http.sendAsync(request, info -> {
            int status = info.statusCode();
            if (status >= 200 && status < 300) {
                holder.body = new BodyToFile(file, limits);
                return holder.body;
            }
            return HttpResponse.BodySubscribers.mapping(BoundedDiscard.subscriber(), none -> (BodyToFile.Body) null);
        });
        // the total deadline also cuts a body that trickles in slower than any per-read timeout would notice
        CompletableFuture.delayedExecutor(remaining, TimeUnit.NANOSECONDS).execute(() -> {
            if (response.isDone()) {
                return;
            }
            holder.timedOut = true;
            DownloadException timeout = new DownloadException(FailureReason.TIMEOUT,
                    "download did not finish within " + limits.totalTimeout());
            if (holder.body != null) {
                holder.body.abort(timeout);
            }
            // cancel(true) aborts the exchange and closes its connection (completing the future would leave the
            // client reading, or waiting for headers, on a connection nobody listens to any more)
            response.cancel(true);
        });
        return response.handle((r, e) -> {
            if (e != null) {
                deleteQuietly(file);
                throw new CompletionException(holder.timedOut
                        ? new DownloadException(FailureReason.TIMEOUT, "download did not finish within " + limits.totalTimeout())
                        : classify(e));
            }
            return r;
        }).thenCompose(r -> {
            int status = r.statusCode();
            if (status >= 200 && status < 300) {
                return CompletableFuture.completedFuture(r.body());
            }
            deleteQuietly(file);
            if (status >= 300 && status < 400 && r.headers().firstValue("Location").isPresent()) {
                if (hop >= limits.maxRedirects()) {
                    throw new DownloadException(FailureReason.TOO_MANY_REDIRECTS, "more than " + limits.maxRedirects() + " redirects");
                }
                URI next = uri.resolve(r.headers().firstValue("Location").get());
                return fetch(next, hop + 1, deadline);
            }
            if (status == 429) {
                throw new DownloadException(FailureReason.RATE_LIMITED, "HTTP 429 from " + uri.getHost());
            }
            if (status >= 500) {
                throw new DownloadException(FailureReason.HTTP_SERVER_ERROR, "HTTP " + status + " from " + uri.getHost());
            }
            throw new DownloadException(FailureReason.HTTP_CLIENT_ERROR, "HTTP " + status + " from " + uri.getHost());
        });
    }

    /** Set by the body handler (HTTP client thread) and the deadline timer, read by both and the response handler. */
    private static final class BodyHolder {
        volatile BodyToFile body;
        volatile boolean timedOut;
    }


    private CompletableFuture<DownloadResult> store(BodyToFile.Body body, String declaredMediaType) {
        if (declaredMediaType != null && !declaredMediaType.isBlank() && !declaredMediaType.equalsIgnoreCase(body.contentType())) {
            deleteQuietly(body.file());
            return CompletableFuture.failedFuture(new DownloadException(FailureReason.MEDIA_TYPE_MISMATCH,
                    "announced as " + declaredMediaType + " but the bytes are " + body.contentType()));
        }
        String key = ObjectKeys.contentAddressed(body.sha256());
        CompletableFuture<java.util.Optional<dev.tributary.sinks.objectstore.ObjectInfo>> existingObject =
                body.sizeBytes() < HEAD_BEFORE_PUT_BYTES ? CompletableFuture.completedFuture(java.util.Optional.empty())
                        : store.head(key);
        return existingObject.thenCompose(existing -> {
            if (existing.isPresent() && existing.get().sizeBytes() == body.sizeBytes()) {
                return CompletableFuture.<DownloadResult>completedFuture(
                        new DownloadResult.Stored(key, body.sha256(), body.sizeBytes(), body.contentType(), true));
            }
            return store.putFile(key, body.file(), body.contentType(), body.sha256())
                    .thenApply(i -> (DownloadResult) new DownloadResult.Stored(key, body.sha256(), body.sizeBytes(), body.contentType(), false));
        }).handle((r, e) -> {
            deleteQuietly(body.file());
            if (e != null) {
                throw new CompletionException(new DownloadException(FailureReason.STORAGE_ERROR,
                        "object store: " + unwrap(e).getMessage()));
            }
            return r;
        });
    }

    private static DownloadException classify(Throwable e) {
        Throwable t = unwrap(e);
        if (t instanceof DownloadException d) {
            return d;
        }
        if (t instanceof HttpConnectTimeoutException || t instanceof HttpTimeoutException) {
            return new DownloadException(FailureReason.TIMEOUT, t.getMessage());
        }
        if (t instanceof ConnectException || t instanceof IOException) {
            return new DownloadException(FailureReason.NETWORK_ERROR, t.getClass().getSimpleName() + ": " + t.getMessage());
        }
        return new DownloadException(FailureReason.NETWORK_ERROR, String.valueOf(t));
    }

    private static DownloadResult failure(Throwable e) {
        DownloadException d = classify(e);
        return new DownloadResult.Failed(d.reason, d.getMessage());
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // temporary directory; the operator's close removes leftovers
        }
    }
}
