package dev.tributary.sinks.assets;

import dev.tributary.operators.assets.Thumbnails;

import dev.tributary.events.AssetAnnounced;
import dev.tributary.events.AssetState;
import dev.tributary.events.AssetStatus;
import dev.tributary.events.DownloadOutcome;
import dev.tributary.operators.assets.UrlGuard;
import dev.tributary.sinks.objectstore.ObjectStore;
import dev.tributary.sinks.objectstore.ObjectStoreConfig;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The asset download operator: for each announcement to fetch, downloads the URL into object storage (see
 * {@link AssetDownloader}) and emits a {@link DownloadOutcome}: STORED with the content-addressed key, or FAILED
 * with the reason. Never blocks the task thread: DNS checks and HTTP run on the operator's own small pool.
 * Failures worth retrying are marked {@code retryable}, which the operator's retry strategy acts on.
 */
public final class DownloadFunction extends RichAsyncFunction<AssetAnnounced, DownloadOutcome> {

    private static final long serialVersionUID = 1L;

    private final ObjectStoreConfig store;
    private final DownloadLimits limits;
    private final UrlGuard guard;
    private final int threads;
    private final int concurrency;

    private transient ExecutorService executor;
    private transient ObjectStore objectStore;
    private transient Path tempDir;
    private transient okhttp3.OkHttpClient http;
    private transient AssetDownloader downloader;
    private transient DownloadMetrics metrics;

    /**
     * {@code threads} run the URL checks (DNS) and the object store's callbacks; {@code concurrency} is the async
     * operator's capacity, and as many downloads run at once (each holds an HTTP client thread while its body is
     * copied).
     */
    public DownloadFunction(ObjectStoreConfig store, DownloadLimits limits, UrlGuard guard, int threads, int concurrency) {
        this.store = store;
        this.limits = limits;
        this.guard = guard;
        this.threads = threads;
        this.concurrency = concurrency;
    }

    @Override
    public void open(OpenContext openContext) throws IOException {
        AtomicInteger n = new AtomicInteger();
        executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "asset-download-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        objectStore = store.open();
        tempDir = Files.createTempDirectory("tributary-assets-");
        http = AssetDownloader.newHttpClient(limits, guard, concurrency);
        downloader = new AssetDownloader(http, guard, limits, objectStore, tempDir, executor);
        metrics = new DownloadMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void asyncInvoke(AssetAnnounced announced, ResultFuture<DownloadOutcome> result) {
        metrics.started.inc();
        metrics.inFlight.incrementAndGet();
        long start = System.nanoTime();
        downloader.download(announced.getUrl(), announced.getMediaType()).whenComplete((r, e) -> {
            metrics.inFlight.decrementAndGet();
            metrics.latencyMillis.update((System.nanoTime() - start) / 1_000_000);
            DownloadResult outcome = r != null ? r
                    : new DownloadResult.Failed(FailureReason.NETWORK_ERROR, String.valueOf(e));
            if (outcome instanceof DownloadResult.Stored s) {
                metrics.succeeded.inc();
                if (!s.alreadyPresent()) {
                    metrics.bytes.inc(s.sizeBytes());
                }
                if (s.thumbnail() != null) {
                    (Thumbnails.SCALED.equals(s.thumbnail().getKind()) ? metrics.thumbnailsScaled : metrics.thumbnailsPoster).inc();
                }
            } else {
                metrics.failed(((DownloadResult.Failed) outcome).reason());
            }
            result.complete(List.of(toOutcome(announced, outcome)));
        });
    }

    @Override
    public void timeout(AssetAnnounced announced, ResultFuture<DownloadOutcome> result) {
        // an answer, not an exception: a download that never answers fails its asset, not the job
        metrics.failed(FailureReason.TIMEOUT);
        result.complete(List.of(toOutcome(announced, new DownloadResult.Failed(FailureReason.TIMEOUT,
                "no answer within the download operator's timeout"))));
    }

    /** Whether an attempt's outcome should be tried again (used by the operator's retry strategy). */
    public static boolean retryable(java.util.Collection<DownloadOutcome> outcomes) {
        return outcomes != null && outcomes.stream().anyMatch(DownloadOutcome::getRetryable);
    }

    static DownloadOutcome toOutcome(AssetAnnounced a, DownloadResult r) {
        AssetStatus.Builder status = AssetStatus.newBuilder().setAssetId(a.getAssetId()).setVersion(a.getVersion())
                .setAt(Instant.now()).setUrl(a.getUrl());
        DownloadOutcome.Builder out = DownloadOutcome.newBuilder().setAnnouncement(a);
        if (r instanceof DownloadResult.Stored s) {
            status.setState(AssetState.STORED).setObjectKey(s.objectKey()).setSha256(s.sha256())
                    .setSizeBytes(s.sizeBytes()).setContentType(s.contentType());
            out.setRetryable(false).setThumbnail(s.thumbnail());
        } else {
            DownloadResult.Failed f = (DownloadResult.Failed) r;
            status.setState(AssetState.FAILED).setReason(f.describe());
            out.setFailureReason(f.reason().name()).setRetryable(f.reason().retryable());
        }
        return out.setStatus(status.build()).build();
    }

    @Override
    public void close() throws IOException {
        if (executor != null) {
            executor.shutdownNow();
        }
        if (http != null) {
            AssetDownloader.shutdown(http);
        }
        if (objectStore != null) {
            objectStore.close();
        }
        if (tempDir != null) {
            try (Stream<Path> files = Files.walk(tempDir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
