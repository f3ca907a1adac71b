package dev.tributary.sinks.assets;

import dev.tributary.operators.assets.UrlGuard;
import dev.tributary.operators.assets.ObjectKeys;
import dev.tributary.operators.assets.Thumbnails;
import dev.tributary.sinks.objectstore.ContentAddressedStore;
import dev.tributary.sinks.objectstore.ObjectStore;

import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dispatcher;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import dev.tributary.operators.assets.Thumbnails;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Downloads one URL into object storage without blocking its caller: checks the URL (and every redirect hop)
 * with the {@link UrlGuard}, fetches it with OkHttp, copies the body into a temporary file while hashing and
 * sniffing it ({@link BodyToFile}), and puts the file into the {@link ContentAddressedStore} under
 * {@code assets/sha256/<hex>} (large files only when that object does not exist yet). A replay therefore writes
 * the same object.
 *
 * <p>Why OkHttp and not the JDK's client: a URL checked by resolving its host, then fetched by a client that
 * resolves the host again, can be pointed at an internal address in between (DNS rebinding). OkHttp resolves
 * through the {@link Dns} it is given, and this one is the guard ({@link GuardedDns}): the addresses a connection
 * is made to are the addresses that were checked, in the same lookup, while the request keeps its Host header and
 * TLS server name. The JDK's client (Java 17) has no such hook.
 */
public final class AssetDownloader {

    private final OkHttpClient http;
    private final UrlGuard guard;
    private final DownloadLimits limits;
    private final ContentAddressedStore blobs;
    private final Path tempDir;
    private final Executor resolverExecutor;

    public AssetDownloader(OkHttpClient http, UrlGuard guard, DownloadLimits limits, ObjectStore store, Path tempDir,
            Executor resolverExecutor) {
        this.http = http;
        this.guard = guard;
        this.limits = limits;
        this.blobs = new ContentAddressedStore(store, ObjectKeys.ASSET_BLOBS);
        this.tempDir = tempDir;
        this.resolverExecutor = resolverExecutor;
    }

    /**
     * An HTTP client for downloads: it resolves hosts through the guard, follows no redirect itself (the downloader
     * does, checking every hop), retries nothing on its own (the operator's retry strategy decides), and runs at
     * most {@code concurrency} calls at once, each on a thread of its own while it copies the body (OkHttp's
     * dispatcher: threads made on demand, gone after a minute idle).
     */
    public static OkHttpClient newHttpClient(DownloadLimits limits, UrlGuard guard, int concurrency) {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(concurrency);
        dispatcher.setMaxRequestsPerHost(concurrency);
        return new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .dns(new GuardedDns(guard))
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
                .connectTimeout(limits.connectTimeout())
                .readTimeout(limits.totalTimeout())
                .build();
    }

    /** Stops the client's threads and closes its idle connections. */
    public static void shutdown(OkHttpClient http) {
        http.dispatcher().cancelAll();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    /** The guard as OkHttp's resolver: a refused host fails the lookup, so nothing connects to it. */
    static final class GuardedDns implements Dns {
        private final UrlGuard guard;

        GuardedDns(UrlGuard guard) {
            this.guard = guard;
        }

        @Override
        public List<InetAddress> lookup(String hostname) throws UnknownHostException {
            try {
                return guard.addresses(hostname);
            } catch (UrlGuard.RefusedUrlException e) {
                throw new RefusedHostException(e.getMessage());
            }
        }
    }

    /** A lookup the guard refused (carried through OkHttp as the UnknownHostException its resolver may throw). */
    static final class RefusedHostException extends UnknownHostException {
        RefusedHostException(String message) {
            super(message);
        }
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

    /**
     * Checks the URL's form, and the host's addresses for an early answer without a connection (an address literal
     * never reaches the resolver, so this is where it is judged); the connection itself resolves through the guard
     * again.
     */
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
        Request request = new Request.Builder().url(uri.toString()).get()
                .header("Accept", String.join(", ", limits.allowedMediaTypes())).build();
        Call call = http.newCall(request);
        // the whole call, body included: a body that trickles in slower than any per-read timeout would notice is
        // cut too, and OkHttp closes the connection when it cancels the call
        call.timeout().timeout(remaining, TimeUnit.NANOSECONDS);
        CompletableFuture<Hop> hopDone = new CompletableFuture<>();
        call.enqueue(new Callback() {
            @Override
            public void onFailure(Call c, IOException e) {
                hopDone.completeExceptionally(classify(e));
            }

            @Override
            public void onResponse(Call c, Response r) {
                try (r) {
                    hopDone.complete(answer(c, r, uri, hop));
                } catch (RuntimeException | IOException e) {
                    c.cancel();
                    hopDone.completeExceptionally(classify(e));
                }
            }
        });
        return hopDone.thenCompose(h -> h.body() != null ? CompletableFuture.completedFuture(h.body())
                : fetch(h.redirect(), hop + 1, deadline));
    }

    /** What one request ended with: the body on disk, or where it redirects to. */
    private record Hop(BodyToFile.Body body, URI redirect) {}

    /**
     * Runs on the client's thread with the response open: a 2xx body goes to a file, a redirect names its target,
     * anything else fails with its reason.
     */
    private Hop answer(Call call, Response r, URI uri, int hop) throws IOException {
        int status = r.code();
        ResponseBody responseBody = r.body();
        if (status >= 200 && status < 300) {
            Path file = tempFile();
            try {
                return new Hop(BodyToFile.copy(responseBody.byteStream(), file, limits), null);
            } catch (IOException | RuntimeException e) {
                deleteQuietly(file);
                throw e;
            }
        }
        if (!BoundedDiscard.drain(responseBody.byteStream(), BoundedDiscard.MAX_BYTES)) {
            call.cancel(); // closes the connection instead of reading an endless body
        }
        String location = r.header("Location");
        if (status >= 300 && status < 400 && location != null) {
            if (hop >= limits.maxRedirects()) {
                throw new DownloadException(FailureReason.TOO_MANY_REDIRECTS, "more than " + limits.maxRedirects() + " redirects");
            }
            try {
                return new Hop(null, uri.resolve(location));
            } catch (IllegalArgumentException e) {
                throw new DownloadException(FailureReason.BLOCKED_URL, "malformed redirect: " + e.getMessage());
            }
        }
        if (status == 429) {
            throw new DownloadException(FailureReason.RATE_LIMITED, "HTTP 429 from " + uri.getHost());
        }
        if (status >= 500) {
            throw new DownloadException(FailureReason.HTTP_SERVER_ERROR, "HTTP " + status + " from " + uri.getHost());
        }
        throw new DownloadException(FailureReason.HTTP_CLIENT_ERROR, "HTTP " + status + " from " + uri.getHost());
    }

    private Path tempFile() {
        try {
            return Files.createTempFile(tempDir, "asset-", ".part");
        } catch (IOException e) {
            throw new DownloadException(FailureReason.STORAGE_ERROR, "temporary file: " + e.getMessage());
        }
    }

    private CompletableFuture<DownloadResult> store(BodyToFile.Body body, String declaredMediaType) {
        if (declaredMediaType != null && !declaredMediaType.isBlank() && !declaredMediaType.equalsIgnoreCase(body.contentType())) {
            deleteQuietly(body.file());
            return CompletableFuture.failedFuture(new DownloadException(FailureReason.MEDIA_TYPE_MISMATCH,
                    "announced as " + declaredMediaType + " but the bytes are " + body.contentType()));
        }
        // the thumbnail before the upload: the upload may move or consume the temporary file; CPU work, so on the
        // downloader's executor rather than the HTTP client's thread
        return CompletableFuture.supplyAsync(() -> Thumbnails.of(body.file(), body.contentType()), resolverExecutor)
                .thenCompose(thumbnail -> blobs.put(body.copy(), body.contentType()).thenApply(s ->
                        (DownloadResult) new DownloadResult.Stored(s.key(), s.sha256(), s.sizeBytes(), s.contentType(),
                                s.alreadyPresent(), thumbnail))
        ).handle((r, e) -> {
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
        if (t instanceof RefusedHostException) {
            return new DownloadException(FailureReason.BLOCKED_URL, t.getMessage());
        }
        if (t instanceof InterruptedIOException) {
            // the call's deadline, a connect or a read timeout (SocketTimeoutException is one too)
            return new DownloadException(FailureReason.TIMEOUT, t.getClass().getSimpleName() + ": " + t.getMessage());
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
