package dev.tributary.pipeline.edge;

import dev.tributary.events.AssetBroadcast;
import dev.tributary.events.AssetRequest;
import dev.tributary.events.Thumbnail;
import dev.tributary.operators.assets.Sha256;
import dev.tributary.operators.assets.Thumbnails;
import dev.tributary.operators.codec.AvroEventSerializer;
import dev.tributary.pipeline.Await;
import dev.tributary.pipeline.FreshTopics;
import dev.tributary.pipeline.KafkaTestSupport;
import dev.tributary.pipeline.S3TestSupport;
import dev.tributary.pipeline.TestEnvironments;
import dev.tributary.pipeline.TributaryJob;
import dev.tributary.pipeline.WarehouseTestSchema;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.flows.FlowContext;
import dev.tributary.pipeline.io.KafkaSources;
import dev.tributary.pipeline.io.TributarySinks;
import dev.tributary.samples.SampleMedia;
import dev.tributary.testing.Browser;
import dev.tributary.testing.StackEnv;
import dev.tributary.tools.edge.console.EdgeConsole;
import dev.tributary.tools.edge.console.EdgeConsoleSettings;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The field team's console in a real browser (headless Chromium), over the real edge flow: HQ's broadcasts of an
 * image and a video, each with the thumbnail HQ makes ({@link Thumbnails}), become edge_assets rows through the
 * edge flow on a MiniCluster; the console shows them as tiles with their thumbnails; Request sends the request
 * (the console's publisher puts an AssetRequest on the requests topic, as bin/edge publish does); when HQ's copy is
 * in the edge's prefix of the object store (what HQ's assets flow writes: AssetsFlowIT, EdgeLinkE2E) the console's
 * sync brings it into the outbox and the tile reaches DELIVERED without a reload; the viewer shows the file, byte
 * for byte the one HQ stored. Stack: Kafka, PostgreSQL, S3; Chromium from bin/browser. Screenshots in
 * target/screenshots/.
 */
class EdgeConsoleIT {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path temp;

    @Test
    void aFieldTeamSeesRequestsAndViewsABroadcastAsset() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String edgeId = "edge-console-" + run;
        FreshTopics base = FreshTopics.create(2);
        List<String> topics = KafkaTestSupport.createTopics(1, "console-broadcast", "console-requested");
        String broadcastTopic = topics.get(0);
        String requestsTopic = topics.get(1);
        WarehouseTestSchema db = WarehouseTestSchema.fresh("edge_console_it_" + run);

        byte[] photo = SampleMedia.jpeg("console-photo-" + run, 1200, 800);
        byte[] video = SampleMedia.mp4("console-video-" + run, 50_000);
        String photoId = "photo-" + run;
        String videoId = "video-" + run;
        KafkaTestSupport.produce(broadcastTopic, 0, List.of(
                broadcast(videoId, "River crossing (video)", "video/mp4", video, Instant.parse("2026-12-01T10:00:00Z")),
                broadcast(photoId, "Bridge north side", "image/jpeg", photo, Instant.parse("2026-12-01T11:00:00Z"))));

        Map<String, String> raw = new LinkedHashMap<>(base.settings());
        raw.put("flows", "edge");
        raw.put("topics.edge-assets-broadcast", broadcastTopic);
        raw.put("edge.id", edgeId);
        raw.putAll(db.jobSettings());
        raw.put("warehouse.flush-interval", "500ms");
        JobSettings settings = WarehouseTestSchema.parse(raw);
        StreamExecutionEnvironment env = TestEnvironments.withRestarts(3);
        env.setParallelism(1);
        TributaryJob.build(new FlowContext(env, settings, new KafkaSources(settings), new TributarySinks(settings)));
        JobClient job = env.executeAsync("edge-console-it");

        Path outbox = temp.resolve("outbox");
        Map<String, String> consoleEnv = new HashMap<>();
        consoleEnv.put("TRIBUTARY_EDGE_ID", edgeId);
        consoleEnv.put("TRIBUTARY_EDGE_PG_URL", db.url());
        consoleEnv.put("TRIBUTARY_EDGE_PG_USER", StackEnv.pgUser());
        consoleEnv.put("TRIBUTARY_EDGE_PG_PASSWORD", StackEnv.pgPassword());
        consoleEnv.put("TRIBUTARY_EDGE_KAFKA_BOOTSTRAP", StackEnv.kafkaBootstrap());
        consoleEnv.put("TRIBUTARY_EDGE_REQUESTS_TOPIC", requestsTopic);
        consoleEnv.put("TRIBUTARY_EDGE_HEARTBEATS_TOPIC", "hq.heartbeats.console-it-" + run); // no mirror here
        consoleEnv.put("TRIBUTARY_EDGE_CONSOLE_PORT", "0");
        consoleEnv.put("TRIBUTARY_EDGE_PUBLISH_SECONDS", "1");
        consoleEnv.put("TRIBUTARY_EDGE_SYNC_SECONDS", "1");
        consoleEnv.put("TRIBUTARY_EDGE_OUTBOX", outbox.toString());
        consoleEnv.put("TRIBUTARY_S3_ENDPOINT", StackEnv.s3Endpoint());
        consoleEnv.put("TRIBUTARY_S3_BUCKET", StackEnv.s3Bucket());
        consoleEnv.put("TRIBUTARY_S3_ACCESS_KEY", StackEnv.s3AccessKey());
        consoleEnv.put("TRIBUTARY_S3_SECRET_KEY", StackEnv.s3SecretKey());

        WebDriver browser = null;
        try (EdgeConsole console = EdgeConsole.start(EdgeConsoleSettings.fromEnv(consoleEnv))) {
            Await.until("both broadcasts in edge_assets with their thumbnails", Duration.ofMinutes(2),
                    () -> db.countOrMinusOne("SELECT count(*) FROM edge_assets WHERE status = 'AVAILABLE'"
                            + " AND thumbnail LIKE 'data:image/%'") == 2);
            String consoleUrl = "http://127.0.0.1:" + console.port();
            browser = Browser.headless();
            browser.get(consoleUrl + "/");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            wait.until(b -> b.findElements(By.cssSelector("li.tile")).size() == 2);

            // tiles, newest first, each with HQ's thumbnail: the photo scaled down, a poster for the video
            WebElement photoTile = tile(browser, photoId);
            WebElement videoTile = tile(browser, videoId);
            assertThat(browser.findElements(By.cssSelector("li.tile")).get(0).getDomAttribute("data-asset-id")).isEqualTo(photoId);
            wait.until(b -> naturalWidth(b, photoTile.findElement(By.cssSelector(".thumb img"))) > 0
                    && naturalWidth(b, videoTile.findElement(By.cssSelector(".thumb img"))) > 0);
            assertThat(naturalWidth(browser, photoTile.findElement(By.cssSelector(".thumb img")))).isEqualTo(160);
            assertThat(naturalHeight(browser, photoTile.findElement(By.cssSelector(".thumb img")))).isEqualTo(107);
            assertThat(naturalWidth(browser, videoTile.findElement(By.cssSelector(".thumb img")))).isEqualTo(Thumbnails.MAX_EDGE);
            assertThat(photoTile.getText()).contains("Bridge north side", "image/jpeg", "AVAILABLE", "Request");
            assertThat(videoTile.getText()).contains("River crossing (video)", "video/mp4", "AVAILABLE");
            assertThat(browser.findElement(By.id("link-state")).getText()).isEqualTo("UNKNOWN");
            Browser.screenshot(browser, "edge-console-available.png");

            // Request: the same path as bin/edge request; the console's publisher sends it to HQ's requests topic
            photoTile.findElement(By.cssSelector("button.request")).click();
            wait.until(b -> "REQUESTED".equals(tile(b, photoId).getDomAttribute("data-status")));
            List<ConsumerRecord<byte[], byte[]>> sent = KafkaTestSupport.readCommittedToEnd(requestsTopic, Duration.ofSeconds(30));
            assertThat(sent).hasSize(1);
            AssetRequest request = AssetRequest.getDecoder().decode(sent.get(0).value());
            assertThat(request.getAssetId()).isEqualTo(photoId);
            assertThat(request.getEdgeId()).isEqualTo(edgeId);
            assertThat(answer(console, "POST", "/api/assets/" + photoId + "/request").statusCode())
                    .as("a requested asset is not requested twice").isEqualTo(409);
            assertThat(answer(console, "POST", "/api/assets/nothing-" + run + "/request").statusCode()).isEqualTo(404);
            assertThat(answer(console, "GET", "/api/assets/" + photoId + "/file").statusCode())
                    .as("no file before it is delivered").isEqualTo(409);

            // HQ answers by copying the file into this edge's prefix; the console's sync brings it, the tile follows
            try (S3Client s3 = S3TestSupport.client()) {
                S3TestSupport.put(s3, "edges/" + edgeId + "/assets/" + photoId + "/bridge-north.jpg", photo);
            }
            wait.withTimeout(Duration.ofSeconds(60))
                    .until(b -> "DELIVERED".equals(tile(b, photoId).getDomAttribute("data-status")));
            assertThat(Sha256.hex(Files.readAllBytes(outbox.resolve(photoId).resolve("bridge-north.jpg"))))
                    .isEqualTo(Sha256.hex(photo));
            Browser.screenshot(browser, "edge-console-delivered.png");

            tile(browser, photoId).findElement(By.cssSelector("button.view")).click();
            wait.until(b -> b.findElement(By.id("viewer")).isDisplayed()
                    && naturalWidth(b, b.findElement(By.id("viewer-media"))) == 1200);
            assertThat(naturalHeight(browser, browser.findElement(By.id("viewer-media")))).isEqualTo(800);
            Browser.screenshot(browser, "edge-console-viewer.png");
            HttpResponse<byte[]> file = HTTP.send(HttpRequest.newBuilder(
                    URI.create(consoleUrl + "/api/assets/" + photoId + "/file")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(file.headers().firstValue("Content-Type").orElse("")).startsWith("image/jpeg");
            assertThat(Sha256.hex(file.body())).isEqualTo(Sha256.hex(photo));
            browser.findElement(By.id("viewer-close")).click();

            // the video: requested, delivered, played from the outbox by ranges
            tile(browser, videoId).findElement(By.cssSelector("button.request")).click();
            wait.until(b -> "REQUESTED".equals(tile(b, videoId).getDomAttribute("data-status")));
            try (S3Client s3 = S3TestSupport.client()) {
                S3TestSupport.put(s3, "edges/" + edgeId + "/assets/" + videoId + "/river.mp4", video);
            }
            wait.until(b -> "DELIVERED".equals(tile(b, videoId).getDomAttribute("data-status")));
            tile(browser, videoId).findElement(By.cssSelector("button.view")).click();
            wait.until(b -> b.findElement(By.id("viewer")).isDisplayed());
            WebElement player = browser.findElement(By.id("viewer-media"));
            assertThat(player.getTagName()).isEqualTo("video");
            assertThat(player.getDomProperty("src")).endsWith("/api/assets/" + videoId + "/file");
            HttpResponse<byte[]> range = HTTP.send(HttpRequest.newBuilder(URI.create(consoleUrl + "/api/assets/" + videoId + "/file"))
                    .header("Range", "bytes=0-99").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(range.statusCode()).as("a video player's range request").isEqualTo(206);
            // Javalin answers a range with a chunk from its start (at least what was asked), named in Content-Range
            assertThat(range.body().length).isGreaterThanOrEqualTo(100);
            assertThat(range.headers().firstValue("Content-Range").orElse(""))
                    .isEqualTo("bytes 0-" + (range.body().length - 1) + "/" + video.length);
            assertThat(range.body()).isEqualTo(java.util.Arrays.copyOf(video, range.body().length));
            assertThat(KafkaTestSupport.readCommittedToEnd(requestsTopic, Duration.ofSeconds(30))).as("one request each").hasSize(2);
            assertThat(browser.findElement(By.id("error")).getText()).isEmpty();
            System.out.printf("edge console: 2 tiles with thumbnails; the photo and the video requested -> REQUESTED -> DELIVERED;"
                    + " the photo viewed at 1200x800, the video played by ranges%n");
        } finally {
            if (browser != null) {
                browser.quit();
            }
            job.cancel().get();
        }
    }

    private static WebElement tile(WebDriver browser, String assetId) {
        return browser.findElement(By.cssSelector("li.tile[data-asset-id='" + assetId + "']"));
    }

    private static long naturalWidth(WebDriver browser, WebElement image) {
        Object v = ((JavascriptExecutor) browser).executeScript("return arguments[0].naturalWidth || 0;", image);
        return ((Number) v).longValue();
    }

    private static long naturalHeight(WebDriver browser, WebElement image) {
        Object v = ((JavascriptExecutor) browser).executeScript("return arguments[0].naturalHeight || 0;", image);
        return ((Number) v).longValue();
    }

    private static HttpResponse<String> answer(EdgeConsole console, String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + console.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A broadcast as HQ's assets flow writes it, with the thumbnail HQ's downloader makes from the same bytes. */
    private Map.Entry<String, byte[]> broadcast(String assetId, String title, String contentType, byte[] bytes, Instant at)
            throws Exception {
        Path file = Files.write(temp.resolve(assetId), bytes);
        Thumbnail thumbnail = Thumbnails.of(file, contentType);
        String sha = Sha256.hex(bytes);
        AssetBroadcast b = AssetBroadcast.newBuilder().setAssetId(assetId).setVersion(1).setSource("hq").setTitle(title)
                .setMediaType(contentType.substring(0, contentType.indexOf('/'))).setContentType(contentType)
                .setObjectKey("assets/sha256/" + sha).setSha256(sha).setSizeBytes(bytes.length).setStoredAt(at)
                .setThumbnail(thumbnail).build();
        return new SimpleEntry<>(assetId, AvroEventSerializer.encode(b));
    }
}
