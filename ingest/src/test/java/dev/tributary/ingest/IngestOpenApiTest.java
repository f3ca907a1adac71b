package dev.tributary.ingest;

import dev.tributary.ingest.lake.LakeDoorSettings;

import dev.tributary.testing.OpenApi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The published OpenAPI description matches the service: every documented operation exists (answers something
 * other than 404/405), the event types are the service's, and every status the service answers is documented.
 * No Kafka: the service starts against a closed port, and nothing here produces.
 */
class IngestOpenApiTest {

    private static final String KEY = "openapi-test-key-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void theDescriptionMatchesTheRoutes() throws Exception {
        int closed = OpenApi.closedPort();
        Optional<LakeDoorSettings> lake = LakeDoorSettings.fromEnv(Map.of("TRIBUTARY_LAKE_OWNERS", "hq",
                "TRIBUTARY_LAKE_LANDING", "s3://lake/landing", "TRIBUTARY_LAKE_RAW_ZONE", "s3://lake/raw",
                "TRIBUTARY_S3_ENDPOINT", "http://127.0.0.1:" + closed, "TRIBUTARY_S3_ACCESS_KEY", "k", "TRIBUTARY_S3_SECRET_KEY", "s"));
        try (IngestServer server = IngestServer.start(IngestSettings.of("127.0.0.1:" + closed, ApiKeys.of(List.of(KEY)))
                .withPort(0).withKafkaWaits(Duration.ofSeconds(1), Duration.ofSeconds(2)), lake)) {
            HttpResponse<String> published = HTTP.send(HttpRequest.newBuilder(uri(server, "/openapi.json")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(published.statusCode()).isEqualTo(200);
            JsonNode spec = new ObjectMapper().readTree(published.body());
            assertThat(spec.path("openapi").asText()).startsWith("3.");

            List<String> operations = new ArrayList<>();
            for (OpenApi.Operation operation : OpenApi.operations(spec)) {
                String concrete = operation.path().replace("{type}", "hoverboard")
                        .replace("{uploadId}", "0123456789abcdef0123456789abcdef").replace("{sha256}", "a".repeat(64));
                HttpRequest.Builder request = HttpRequest.newBuilder(uri(server, concrete)).header("Authorization", "Bearer " + KEY)
                        .header("Content-Type", "text/plain").method(operation.method(), HttpRequest.BodyPublishers.ofString("x"));
                int status = HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                assertThat(status).as("%s is served", operation).isNotIn(404, 405);
                operations.add(operation.toString());
            }
            assertThat(operations).containsExactlyInAnyOrder("POST /v1/events/{type}", "GET /v1/types", "GET /health",
                    "GET /metrics", "GET /openapi.json", "POST /v1/lake/uploads", "GET /v1/lake/uploads/{uploadId}",
                    "GET /v1/lake/uploads/{uploadId}/content", "GET /v1/lake/objects/objects/sha256/{sha256}");

            JsonNode post = spec.path("paths").path("/v1/events/{type}").path("post");
            List<String> types = new ArrayList<>();
            post.path("parameters").get(0).path("schema").path("enum").forEach(t -> types.add(t.asText()));
            assertThat(types).containsExactlyInAnyOrderElementsOf(EventRoute.telemetry(Map.of()).keySet());
            List<String> statuses = new ArrayList<>();
            post.path("responses").fieldNames().forEachRemaining(statuses::add);
            assertThat(statuses).containsExactlyInAnyOrder("202", "400", "401", "404", "413", "415", "429", "503");
        }
    }

    private static URI uri(IngestServer server, String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
