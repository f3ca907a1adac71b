package dev.tributary.sinks.assets;

import dev.tributary.operators.assets.UrlGuard;
import dev.tributary.samples.SampleAssetServer;
import dev.tributary.sinks.objectstore.FileSystemObjectStore;
import dev.tributary.operators.assets.ObjectKeys;
import dev.tributary.operators.assets.Thumbnails;
import dev.tributary.operators.assets.Sha256;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/** The downloader against a local HTTP server (this test's own) and the local-directory object store. */
class AssetDownloaderTest {

    static SampleAssetServer server;
    static final ExecutorService EXECUTOR = Executors.newFixedThreadPool(4);

    @TempDir
    Path temp;

    @BeforeAll
    static void start() throws Exception {
        server = SampleAssetServer.start(0, 16);
    }

    @AfterAll
    static void stop() {
        server.close();
        EXECUTOR.shutdownNow();
    }

    private AssetDownloader downloader(FileSystemObjectStore store, boolean allowLoopback, long maxBytes, Duration total) throws Exception {
        DownloadLimits limits = new DownloadLimits(maxBytes, Set.copyOf(DownloadLimits.DEFAULT_MEDIA_TYPES), 3,
                Duration.ofSeconds(2), total);
        UrlGuard guard = UrlGuard.withSystemResolver(allowLoopback ? List.of("127.0.0.1") : List.of(), false);
        Path tmp = Files.createDirectories(temp.resolve("tmp"));
        return new AssetDownloader(AssetDownloader.newHttpClient(limits, guard, 16), guard, limits, store, tmp, EXECUTOR);
    }

    private DownloadResult run(String path, String declared, long maxBytes, Duration total) throws Exception {
        try (FileSystemObjectStore store = new FileSystemObjectStore(temp.resolve("store"))) {
            return downloader(store, true, maxBytes, total).download(server.url(path), declared).get();
        }
    }

    @Test
    void storesUnderTheContentAddressedKeyAndAReplayFindsItThere() throws Exception {
        byte[] expected = server.bytesOf("/img/one.png");
        try (FileSystemObjectStore store = new FileSystemObjectStore(temp.resolve("store"))) {
            AssetDownloader d = downloader(store, true, 1 << 20, Duration.ofSeconds(10));
            DownloadResult first = d.download(server.url("/img/one.png"), "image/png").get();
            DownloadResult.Stored stored = (DownloadResult.Stored) first;
            assertThat(stored).isEqualTo(new DownloadResult.Stored(ObjectKeys.contentAddressed(ObjectKeys.ASSET_BLOBS, Sha256.hex(expected)),
                    Sha256.hex(expected), expected.length, "image/png", false, stored.thumbnail()));
            assertThat(stored.thumbnail().getKind()).as("the image itself, scaled").isEqualTo(Thumbnails.SCALED);
            assertThat(store.get(((DownloadResult.Stored) first).objectKey()).get()).isEqualTo(expected);

            DownloadResult replay = d.download(server.url("/img/one.png"), "image/png").get();
            assertThat(((DownloadResult.Stored) replay).objectKey()).isEqualTo(((DownloadResult.Stored) first).objectKey());
            assertThat(store.list("assets/").get()).hasSize(1);
            assertThat(Files.list(temp.resolve("tmp"))).as("temporary files are removed").isEmpty();
        }
    }

    @Test
    void aLargeFileAlreadyStoredIsNotUploadedAgain() throws Exception {
        try (FileSystemObjectStore store = new FileSystemObjectStore(temp.resolve("store"))) {
            AssetDownloader d = downloader(store, true, 8 << 20, Duration.ofSeconds(20));
            String path = "/large/large.mp4";
            assertThat(server.bytesOf(path).length).isGreaterThan((int) dev.tributary.sinks.objectstore.ContentAddressedStore.HEAD_BEFORE_PUT_BYTES);
            assertThat(((DownloadResult.Stored) d.download(server.url(path), "video/mp4").get()).alreadyPresent()).isFalse();
            assertThat(((DownloadResult.Stored) d.download(server.url(path), "video/mp4").get()).alreadyPresent()).isTrue();
        }
    }

    @Test
    void followsRedirectsAndDetectsJpegAndMp4() throws Exception {
        assertThat(run("/redirect/two.png", "image/png", 1 << 20, Duration.ofSeconds(10))).isInstanceOf(DownloadResult.Stored.class);
        assertThat(run("/img/three.jpg", "image/jpeg", 1 << 20, Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(DownloadResult.Stored.class, s -> assertThat(s.contentType()).isEqualTo("image/jpeg"));
        assertThat(run("/video/four.mp4", "video/mp4", 1 << 20, Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(DownloadResult.Stored.class, s -> assertThat(s.contentType()).isEqualTo("video/mp4"));
    }

    private static FailureReason reason(DownloadResult r) {
        assertThat(r).isInstanceOf(DownloadResult.Failed.class);
        return ((DownloadResult.Failed) r).reason();
    }

    @Test
    void eachHostileCaseFailsWithItsReason() throws Exception {
        Duration ten = Duration.ofSeconds(10);
        assertThat(reason(run("/redirect-private/x", "image/png", 1 << 20, ten))).isEqualTo(FailureReason.BLOCKED_URL);
        assertThat(reason(run("/wrong/x.png", "image/png", 1 << 20, ten))).isEqualTo(FailureReason.UNSUPPORTED_MEDIA_TYPE);
        assertThat(reason(run("/img/five.png", "image/jpeg", 1 << 20, ten))).isEqualTo(FailureReason.MEDIA_TYPE_MISMATCH);
        assertThat(reason(run("/status/404", "image/png", 1 << 20, ten))).isEqualTo(FailureReason.HTTP_CLIENT_ERROR);
        assertThat(reason(run("/status/503", "image/png", 1 << 20, ten))).isEqualTo(FailureReason.HTTP_SERVER_ERROR);
        assertThat(reason(run("/status/429", "image/png", 1 << 20, ten))).isEqualTo(FailureReason.RATE_LIMITED);
        assertThat(reason(run("/flaky/six.png", "image/png", 1 << 20, ten))).isEqualTo(FailureReason.HTTP_SERVER_ERROR);
        assertThat(run("/flaky/six.png", "image/png", 1 << 20, ten)).isInstanceOf(DownloadResult.Stored.class);
    }

    @Test
    void anOversizedBodyIsCutAtTheLimitNotAfterIt() throws Exception {
        DownloadResult r = run("/big/huge.png", "image/png", 256 * 1024, Duration.ofSeconds(30));
        assertThat(reason(r)).isEqualTo(FailureReason.TOO_LARGE);
    }

    @Test
    void aSlowBodyIsCutByTheTotalDeadline() throws Exception {
        DownloadResult r = run("/slow/slow.png", "image/png", 1 << 20, Duration.ofMillis(800));
        // the whole body would take minutes at one byte per 200 ms: TIMEOUT means it was cut
        assertThat(reason(r)).isEqualTo(FailureReason.TIMEOUT);
    }

    /**
     * A server that answers 500 with a body without end, or 200 with a PNG that trickles in without end, and records, per
     * request, how many bytes it wrote before the client hung up (-1 while the client still listens).
     */
    private static final class EndlessServer implements AutoCloseable {
        final com.sun.net.httpserver.HttpServer http;
        final java.util.Map<String, java.util.concurrent.CompletableFuture<Long>> hungUpAfter =
                new java.util.concurrent.ConcurrentHashMap<>();
        final ExecutorService threads = Executors.newFixedThreadPool(4);

        EndlessServer() throws Exception {
            http = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress(java.net.InetAddress.getByName("127.0.0.1"), 0), 8);
            http.createContext("/", ex -> {
                String path = ex.getRequestURI().getPath();
                java.util.concurrent.CompletableFuture<Long> result = new java.util.concurrent.CompletableFuture<>();
                hungUpAfter.put(path, result);
                long written = 0;
                try (ex) {
                    ex.sendResponseHeaders(path.startsWith("/error") ? 500 : 200, 0);
                    byte[] chunk = new byte[16 * 1024];
                    java.io.OutputStream out = ex.getResponseBody();
                    if (!path.startsWith("/error")) { // a PNG's first bytes, so the body passes the sniffer
                        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'});
                        out.flush();
                    }
                    // a cap, so a client that never hangs up cannot keep this thread: 1 GiB, or 10 min of silence
                    for (int i = 0; i < 65_536; i++) {
                        if (path.startsWith("/error")) {
                            out.write(chunk);
                            written += chunk.length;
                        } else {
                            out.write(0);
                            out.flush();
                            written++;
                            Thread.sleep(10); // the server's pace is the case under test, not a wait of the test
                        }
                    }
                    result.complete(-1L);
                } catch (java.io.IOException hungUp) {
                    result.complete(written);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            http.setExecutor(threads);
            http.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + http.getAddress().getPort() + path;
        }

        @Override
        public void close() {
            http.stop(0);
            threads.shutdownNow();
        }
    }

    @Test
    void anErrorResponsesBodyIsReadOnlyUpToASmallBound() throws Exception {
        try (EndlessServer hostile = new EndlessServer(); FileSystemObjectStore store = new FileSystemObjectStore(temp.resolve("store"))) {
            DownloadResult r = downloader(store, true, 1 << 20, Duration.ofMinutes(5))
                    .download(hostile.url("/error.png"), "image/png").get();
            assertThat(reason(r)).isEqualTo(FailureReason.HTTP_SERVER_ERROR);
            // the server learns the client hung up when a write fails: after the socket buffers (a few MB) fill
            long written = hostile.hungUpAfter.get("/error.png").get(1, java.util.concurrent.TimeUnit.MINUTES);
            assertThat(written).as("bytes the server wrote before the client hung up").isBetween(0L, 32L << 20);
        }
    }

    @Test
    void anAttemptThatTimesOutClosesItsConnection() throws Exception {
        try (EndlessServer hostile = new EndlessServer(); FileSystemObjectStore store = new FileSystemObjectStore(temp.resolve("store"))) {
            DownloadResult r = downloader(store, true, 1 << 20, Duration.ofMillis(800))
                    .download(hostile.url("/silent.png"), "image/png").get();
            assertThat(reason(r)).isEqualTo(FailureReason.TIMEOUT);
            long written = hostile.hungUpAfter.get("/silent.png").get(1, java.util.concurrent.TimeUnit.MINUTES);
            assertThat(written).as("the server saw the connection closed, not a client still reading").isNotNegative();
        }
    }

    @Test
    void loopbackIsRefusedWhenNotAllowListed() throws Exception {
        try (FileSystemObjectStore store = new FileSystemObjectStore(temp.resolve("store"))) {
            DownloadResult r = downloader(store, false, 1 << 20, Duration.ofSeconds(5))
                    .download(server.url("/img/seven.png"), "image/png").get();
            assertThat(reason(r)).isEqualTo(FailureReason.BLOCKED_URL);
            assertThat(server.hits("/img/seven.png")).as("no request reached the server").isZero();
        }
    }

    /** A downloader whose guard resolves names from this test's table, as a DNS server would answer them. */
    private AssetDownloader downloader(FileSystemObjectStore store, UrlGuard guard) throws Exception {
        DownloadLimits limits = new DownloadLimits(1 << 20, Set.copyOf(DownloadLimits.DEFAULT_MEDIA_TYPES), 3,
                Duration.ofSeconds(2), Duration.ofSeconds(10));
        Path tmp = Files.createDirectories(temp.resolve("tmp"));
        return new AssetDownloader(AssetDownloader.newHttpClient(limits, guard, 16), guard, limits, store, tmp, EXECUTOR);
    }

    @Test
    void theConnectionGoesToTheAddressTheGuardResolvedAndChecked() throws Exception {
        // a name no DNS server knows (.invalid is reserved): only the guard's resolver gives it an address, so a
        // download that arrives proves the client connected where the guard looked, not where a resolver of its own
        // would have
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        UrlGuard guard = new UrlGuard(List.of("assets.invalid"), false, host -> {
            lookups.incrementAndGet();
            if (!host.equals("assets.invalid")) {
                throw new java.net.UnknownHostException(host);
            }
            return new java.net.InetAddress[] {java.net.InetAddress.getByName("127.0.0.1")};
        });
        String url = server.url("/img/guarded.png").replace("127.0.0.1", "assets.invalid");
        try (FileSystemObjectStore store = new FileSystemObjectStore(temp.resolve("store"))) {
            DownloadResult r = downloader(store, guard).download(url, "image/png").get();
            assertThat(r).isInstanceOf(DownloadResult.Stored.class);
            assertThat(((DownloadResult.Stored) r).sha256()).isEqualTo(Sha256.hex(server.bytesOf("/img/guarded.png")));
            assertThat(lookups.get()).as("the check's lookup and the connection's, both through the guard").isEqualTo(2);
        }
    }

    @Test
    void aNameThatRebindsToAnInternalAddressAfterTheCheckIsRefusedAtConnect() throws Exception {
        // DNS rebinding: the first answer is public, every later one the loopback address where the server listens
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        UrlGuard guard = new UrlGuard(List.of(), false, host -> new java.net.InetAddress[] {
                java.net.InetAddress.getByName(lookups.incrementAndGet() == 1 ? "93.184.215.14" : "127.0.0.1")});
        String url = server.url("/img/rebound.png").replace("127.0.0.1", "rebinding.invalid");
        try (FileSystemObjectStore store = new FileSystemObjectStore(temp.resolve("store"))) {
            DownloadResult r = downloader(store, guard).download(url, "image/png").get();
            assertThat(reason(r)).isEqualTo(FailureReason.BLOCKED_URL);
            assertThat(((DownloadResult.Failed) r).message()).contains("127.0.0.1");
            assertThat(lookups.get()).as("checked once up front, once more when connecting").isEqualTo(2);
            assertThat(server.hits("/img/rebound.png")).as("no request reached the internal address").isZero();
        }
    }
}
