package dev.tributary.query;

import dev.tributary.testing.OpenApi;

import static org.assertj.core.api.Assertions.assertThat;

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

/**
 * The published OpenAPI description matches the service: every documented operation is served (answers something
 * other than 404/405, here 503 because the warehouse and the search server are closed ports), every route the
 * service has is documented, the console page is served, and a write is a JSON 405. No server needed.
 */
class QueryOpenApiTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void theDescriptionMatchesTheRoutes() throws Exception {
        int closed = OpenApi.closedPort();
        QuerySettings settings = new QuerySettings("127.0.0.1", 0, "jdbc:postgresql://127.0.0.1:" + closed + "/tributary",
                "reader", "not-a-secret", "http://127.0.0.1:" + closed, "devices", "catalog", Duration.ofSeconds(1))
                .withKafka("127.0.0.1:" + closed, "pipeline.dead-letter");
        try (QueryServer server = QueryServer.start(settings)) {
            HttpResponse<String> published = get(server, "/openapi.json");
            assertThat(published.statusCode()).isEqualTo(200);
            JsonNode spec = new ObjectMapper().readTree(published.body());
            assertThat(spec.path("openapi").asText()).startsWith("3.");

            List<String> operations = new ArrayList<>();
            for (OpenApi.Operation operation : OpenApi.operations(spec)) {
                String template = operation.path();
                String concrete = template.replace("{windowStart}", "2026-11-21T22:04:00Z").replace("{windowLength}", "PT2M")
                        .replace("{deviceId}", "hb-1").replace("{assetId}", "a-1")
                        + (template.equals("/observations/counts") ? "?by=kingdom" : "");
                int status = get(server, concrete).statusCode();
                assertThat(status).as("%s is served", operation).isNotIn(404, 405);
                if (!template.equals("/health") && !template.equals("/openapi.json") && !template.startsWith("/console")) {
                    assertThat(status).as("%s asks a closed server", operation).isEqualTo(503);
                }
                operations.add(operation.toString());
            }
            assertThat(operations).containsExactlyInAnyOrder("GET /observations/counts", "GET /observations/windows",
                    "GET /observations/windows/{windowStart}/{windowLength}", "GET /devices/{deviceId}",
                    "GET /assets", "GET /assets/{assetId}", "GET /catalog", "GET /alerts", "GET /dead-letters", "GET /health", "GET /openapi.json",
                    "GET /console/");

            HttpResponse<String> console = get(server, "/console/");
            assertThat(console.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            assertThat(console.body()).contains("Tributary HQ", "console.js");
            assertThat(get(server, "/console/console.js").statusCode()).isEqualTo(200);

            HttpResponse<String> write = HTTP.send(HttpRequest.newBuilder(uri(server, "/alerts"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(write.statusCode()).isEqualTo(405);
            assertThat(write.body()).contains("\"error\"", "read-only");
            HttpResponse<String> missing = get(server, "/nothing-here");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).contains("\"error\"", "/openapi.json");
            assertThat(get(server, "/alerts?severity=LOUD").statusCode()).isEqualTo(400);
        }
    }

    private static HttpResponse<String> get(QueryServer server, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(server, path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(QueryServer server, String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
