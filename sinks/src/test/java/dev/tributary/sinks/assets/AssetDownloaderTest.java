package dev.tributary.sinks.assets;

import dev.tributary.operators.assets.UrlGuard;
import dev.tributary.samples.SampleAssetServer;
import dev.tributary.sinks.objectstore.LocalObjectStore;
import dev.tributary.operators.assets.ObjectKeys;
import dev.tributary.sinks.objectstore.Sha256;

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

    private AssetDownloader downloader(LocalObjectStore store, boolean allowLoopback, long maxBytes, Duration total) throws Exception {
        DownloadLimits limits = new DownloadLimits(maxBytes, Set.copyOf(DownloadLimits.DEFAULT_MEDIA_TYPES), 3,
                Duration.ofSeconds(2), total);
        UrlGuard guard = UrlGuard.withSystemResolver(allowLoopback ? List.of("127.0.0.1") : List.of(), false);
        Path tmp = Files.createDirectories(temp.resolve("tmp"));
        return new AssetDownloader(AssetDownloader.newHttpClient(limits, EXECUTOR), guard, limits, store, tmp, EXECUTOR);
    }

    private DownloadResult run(String path, String declared, long maxBytes, Duration total) throws Exception {
        try (LocalObjectStore store = new LocalObjectStore(temp.resolve("store"))) {
            return downloader(store, true, maxBytes, total).download(server.url(path), declared).get();
        }
    }

    @Test
    void storesUnderTheContentAddressedKeyAndAReplayFindsItThere() throws Exception {
        byte[] expected = server.bytesOf("/img/one.png");
        try (LocalObjectStore store = new LocalObjectStore(temp.resolve("store"))) {
            AssetDownloader d = downloader(store, true, 1 << 20, Duration.ofSeconds(10));
            DownloadResult first = d.download(server.url("/img/one.png"), "image/png").get();
            assertThat(first).isEqualTo(new DownloadResult.Stored(ObjectKeys.contentAddressed(Sha256.hex(expected)),
                    Sha256.hex(expected), expected.length, "image/png", false));
            assertThat(store.get(((DownloadResult.Stored) first).objectKey()).get()).isEqualTo(expected);

            DownloadResult replay = d.download(server.url("/img/one.png"), "image/png").get();
            assertThat(((DownloadResult.Stored) replay).objectKey()).isEqualTo(((DownloadResult.Stored) first).objectKey());
            assertThat(store.list("assets/").get()).hasSize(1);
            assertThat(Files.list(temp.resolve("tmp"))).as("temporary files are removed").isEmpty();
        }
    }

    @Test
    void aLargeFileAlreadyStoredIsNotUploadedAgain() throws Exception {
        try (LocalObjectStore store = new LocalObjectStore(temp.resolve("store"))) {
            AssetDownloader d = downloader(store, true, 8 << 20, Duration.ofSeconds(20));
            String path = "/large/large.mp4";
            assertThat(server.bytesOf(path).length).isGreaterThan((int) AssetDownloader.HEAD_BEFORE_PUT_BYTES);
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

    @Test
    void loopbackIsRefusedWhenNotAllowListed() throws Exception {
        try (LocalObjectStore store = new LocalObjectStore(temp.resolve("store"))) {
            DownloadResult r = downloader(store, false, 1 << 20, Duration.ofSeconds(5))
                    .download(server.url("/img/seven.png"), "image/png").get();
            assertThat(reason(r)).isEqualTo(FailureReason.BLOCKED_URL);
            assertThat(server.hits("/img/seven.png")).as("no request reached the server").isZero();
        }
    }
}
