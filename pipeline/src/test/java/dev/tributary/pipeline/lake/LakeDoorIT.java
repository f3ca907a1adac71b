package dev.tributary.pipeline.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tributary.events.CatalogEntry;
import dev.tributary.ingest.ApiKeys;
import dev.tributary.ingest.IngestServer;
import dev.tributary.ingest.IngestSettings;
import dev.tributary.ingest.lake.LakeDoorSettings;
import dev.tributary.operators.assets.Sha256;
import dev.tributary.pipeline.S3TestSupport;
import dev.tributary.samples.SampleMedia;
import dev.tributary.sinks.search.CatalogDocuments;
import dev.tributary.testing.StackEnv;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lake's door against the stack's S3 API server: files uploaded over HTTP with their metadata land in the landing
 * area; the lake flow's landing reader (the same FileSource and {@link LandingFormat} the lake flow runs) stores each
 * under its content address and catalogues it with the uploader's owner, tags and description; both come back over
 * HTTP, by object key and by upload id, byte for byte (sha256). Bad uploads are answered 4xx with a code and a reason,
 * and nothing of them lands.
 */
class LakeDoorIT {

    private static final String KEY = "lake-door-it-key-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long LIMIT = 1024 * 1024;

    @BeforeAll
    static void s3() {
        S3TestSupport.initializeFileSystems();
    }

    @Test
    void uploadsAreStoredCataloguedWithTheirMetadataAndDownloadedByteForByte() throws Exception {
        String run = "it-lake-door-" + UUID.randomUUID().toString().substring(0, 8);
        String bucket = S3TestSupport.bucket();
        String landing = "s3://" + bucket + "/" + run + "/landing";
        String raw = "s3://" + bucket + "/" + run + "/raw";
        LakeDoorSettings lake = LakeDoorSettings.fromEnv(Map.of("TRIBUTARY_LAKE_OWNERS", "field-team,biodiversity",
                "TRIBUTARY_LAKE_LANDING", landing, "TRIBUTARY_LAKE_RAW_ZONE", raw,
                "TRIBUTARY_S3_ENDPOINT", StackEnv.s3Endpoint(), "TRIBUTARY_S3_ACCESS_KEY", StackEnv.s3AccessKey(),
                "TRIBUTARY_S3_SECRET_KEY", StackEnv.s3SecretKey())).orElseThrow().withMaxUploadBytes(LIMIT);
        byte[] photo = SampleMedia.png("lake-door-" + run, 300, 200);
        byte[] counts = ("occurrenceId,kingdom,species\n" + "o-1,Plantae,Quercus robur\n".repeat(5000)).getBytes(StandardCharsets.UTF_8);
        try (IngestServer server = IngestServer.start(IngestSettings.of(StackEnv.kafkaBootstrap(), ApiKeys.of(List.of(KEY)))
                .withPort(0), Optional.of(lake))) {
            JsonNode photoUpload = created(upload(server, "bridge north.png", "field-team", "river,bridge:north", "North side, low water", photo, KEY));
            JsonNode countsUpload = created(upload(server, "counts.csv", "biodiversity", "counts", null, counts, KEY));
            assertThat(photoUpload.path("sha256").asText()).isEqualTo(Sha256.hex(photo));
            assertThat(photoUpload.path("contentType").asText()).as("sniffed").isEqualTo("image/png");
            assertThat(photoUpload.path("objectKey").asText()).isEqualTo("objects/sha256/" + Sha256.hex(photo));
            assertThat(photoUpload.path("stored").asBoolean()).isFalse();
            assertThat(countsUpload.path("contentType").asText()).isEqualTo("text/csv");

            // bad uploads: 4xx with a code and a reason, nothing lands
            byte[] tooLarge = new byte[(int) LIMIT + 1];
            new Random(3).nextBytes(tooLarge);
            assertRefused(upload(server, "big.bin", "field-team", null, null, tooLarge, KEY), 413, "TOO_LARGE");
            assertRefused(upload(server, "empty.csv", "field-team", null, null, new byte[0], KEY), 400, "EMPTY_UPLOAD");
            assertRefused(upload(server, "x.csv", "strangers", null, null, counts, KEY), 403, "UNKNOWN_OWNER");
            assertRefused(upload(server, "../../etc/passwd", "field-team", null, null, counts, KEY), 400, "INVALID_METADATA");
            assertRefused(upload(server, "x.csv", "field-team", "has space", null, counts, KEY), 400, "INVALID_METADATA");
            assertThat(upload(server, "x.csv", "field-team", null, null, counts, "wrong-key-0123456789abcdef").statusCode()).isEqualTo(401);
            assertThat(get(server, "/v1/lake/uploads/" + photoUpload.path("uploadId").asText() + "/content").statusCode())
                    .as("landed, not stored yet").isEqualTo(404);

            // the lake flow's landing reader: stores and catalogues what landed (the metadata sidecars stay hidden)
            List<CatalogEntry> entries = readLanding(landing, raw);
            assertThat(entries).hasSize(2);
            CatalogEntry photoEntry = entries.stream().filter(e -> e.getOriginalName().equals("bridge north.png")).findFirst().orElseThrow();
            assertThat(photoEntry.getOwner()).isEqualTo("field-team");
            assertThat(photoEntry.getObjectKey()).isEqualTo("objects/sha256/" + Sha256.hex(photo));
            assertThat(photoEntry.getContentType()).isEqualTo("image/png");
            assertThat(photoEntry.getAttributes()).containsEntry("tags", "river,bridge:north")
                    .containsEntry("description", "North side, low water")
                    .containsEntry("uploadId", photoUpload.path("uploadId").asText()).doesNotContainKey("uploadMetadata");
            CatalogEntry countsEntry = entries.stream().filter(e -> e.getOriginalName().equals("counts.csv")).findFirst().orElseThrow();
            assertThat(countsEntry.getOwner()).isEqualTo("biodiversity");
            // what the catalog index gets: the tags and description searchable (the query API's /catalog?q= and tags=)
            String document = new String(CatalogDocuments.toAction("catalog", photoEntry).source(), StandardCharsets.UTF_8);
            assertThat(JSON.readTree(document).path("tags").toString()).isEqualTo("[\"river\",\"bridge:north\"]");

            // downloads: by object key (the catalog's id) and by upload id, byte for byte
            HttpResponse<byte[]> byKey = get(server, "/v1/lake/" + "objects/" + photoEntry.getObjectKey());
            assertThat(byKey.statusCode()).isEqualTo(200);
            assertThat(byKey.headers().firstValue("Content-Type").orElse("")).isEqualTo("image/png");
            assertThat(Sha256.hex(byKey.body())).isEqualTo(Sha256.hex(photo));
            HttpResponse<byte[]> byUpload = get(server, "/v1/lake/uploads/" + countsUpload.path("uploadId").asText() + "/content");
            assertThat(byUpload.statusCode()).isEqualTo(200);
            assertThat(byUpload.headers().firstValue("Content-Disposition").orElse("")).contains("counts.csv");
            assertThat(Sha256.hex(byUpload.body())).isEqualTo(Sha256.hex(counts));
            JsonNode info = JSON.readTree(get(server, "/v1/lake/uploads/" + photoUpload.path("uploadId").asText()).body());
            assertThat(info.path("stored").asBoolean()).isTrue();
            assertThat(info.path("owner").asText()).isEqualTo("field-team");
            assertThat(get(server, "/v1/lake/objects/objects/sha256/" + "0".repeat(64)).statusCode()).isEqualTo(404);
            assertThat(get(server, "/v1/lake/objects/landing/secret.txt").statusCode()).isEqualTo(400);
            assertThat(get(server, "/v1/lake/uploads/" + "f".repeat(32)).statusCode()).isEqualTo(404);
            String metrics = new String(get(server, "/metrics").body(), StandardCharsets.UTF_8);
            assertThat(metrics).contains("tributary_lake_uploads_total{owner=\"field-team\"} 1",
                    "tributary_lake_uploads_total{owner=\"biodiversity\"} 1",
                    "tributary_lake_upload_bytes_total{owner=\"field-team\"} " + photo.length,
                    "tributary_ingest_requests_total{status=\"413\"} 1", "tributary_ingest_requests_total{status=\"403\"} 1");
            System.out.printf("lake door: 2 uploads landed, stored and catalogued with their owners, tags and descriptions;"
                    + " downloaded by key and by upload id with equal sha256; 6 bad uploads refused (413, 400, 403, 400, 400, 401)%n");
        }
    }

    private static List<CatalogEntry> readLanding(String landing, String raw) throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        FileSource<CatalogEntry> source = FileSource.forBulkFileFormat(
                new LandingFormat(URI.create(raw), "lake-door-it", "lake-landing-source"), new Path(landing))
                .setFileEnumerator(LandingEnumerator.provider()).build();
        List<CatalogEntry> entries = new ArrayList<>();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "landing").uid("landing").name("landing")
                .executeAndCollect().forEachRemaining(entries::add);
        return entries;
    }

    private static JsonNode created(HttpResponse<byte[]> response) throws Exception {
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        return JSON.readTree(response.body());
    }

    private static void assertRefused(HttpResponse<byte[]> response, int status, String code) throws Exception {
        assertThat(response.statusCode()).isEqualTo(status);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("code").asText()).isEqualTo(code);
        assertThat(body.path("reason").asText()).isNotBlank();
    }

    private static HttpResponse<byte[]> upload(IngestServer server, String name, String owner, String tags, String description,
                                               byte[] body, String key) throws Exception {
        StringBuilder query = new StringBuilder("?name=").append(encode(name)).append("&owner=").append(encode(owner));
        if (tags != null) {
            query.append("&tags=").append(encode(tags));
        }
        if (description != null) {
            query.append("&description=").append(encode(description));
        }
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/lake/uploads" + query))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/octet-stream")
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> get(IngestServer server, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Authorization", "Bearer " + KEY).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
