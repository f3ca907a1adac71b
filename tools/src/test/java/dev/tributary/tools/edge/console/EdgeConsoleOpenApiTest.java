package dev.tributary.tools.edge.console;

import dev.tributary.testing.OpenApi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The edge console's published description matches it: every documented operation is served (503 where it needs
 * the edge's database, here a closed port), every route is documented, the page is served, and errors are JSON.
 * Its settings fail at start naming the variable. No server needed.
 */
class EdgeConsoleOpenApiTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path outbox;

    @Test
    void theDescriptionMatchesTheRoutes() throws Exception {
        int closed = OpenApi.closedPort();
        Map<String, String> env = new HashMap<>();
        env.put("TRIBUTARY_EDGE_PG_URL", "jdbc:postgresql://127.0.0.1:" + closed + "/edge");
        env.put("TRIBUTARY_EDGE_KAFKA_BOOTSTRAP", "127.0.0.1:" + closed);
        env.put("TRIBUTARY_S3_ENDPOINT", "http://127.0.0.1:" + closed);
        env.put("TRIBUTARY_EDGE_CONSOLE_PORT", "0");
        env.put("TRIBUTARY_EDGE_PUBLISH_SECONDS", "0");
        env.put("TRIBUTARY_EDGE_SYNC_SECONDS", "0");
        env.put("TRIBUTARY_EDGE_DB_TIMEOUT_SECONDS", "1");
        env.put("TRIBUTARY_EDGE_OUTBOX", outbox.toString());
        try (EdgeConsole console = EdgeConsole.start(EdgeConsoleSettings.fromEnv(env))) {
            HttpResponse<String> published = send(console, "GET", "/openapi.json");
            assertThat(published.statusCode()).isEqualTo(200);
            JsonNode spec = new ObjectMapper().readTree(published.body());
            assertThat(spec.path("openapi").asText()).startsWith("3.");

            List<String> operations = new ArrayList<>();
            for (OpenApi.Operation operation : OpenApi.operations(spec)) {
                String path = operation.path().replace("{assetId}", "a-1");
                HttpResponse<String> answer = send(console, operation.method(), path);
                assertThat(answer.statusCode()).as("%s is served", operation).isNotIn(404, 405);
                if (path.startsWith("/api/") && !path.equals("/api/link")) {
                    assertThat(answer.statusCode()).as("%s asks a closed database", operation).isEqualTo(503);
                    assertThat(answer.body()).contains("\"error\"", "database");
                }
                operations.add(operation.toString());
            }
            assertThat(operations).containsExactlyInAnyOrder("GET /api/assets", "GET /api/assets/{assetId}/thumbnail",
                    "POST /api/assets/{assetId}/request", "GET /api/assets/{assetId}/file", "GET /api/link",
                    "POST /api/sync", "GET /health", "GET /openapi.json", "GET /console/");

            JsonNode link = new ObjectMapper().readTree(send(console, "GET", "/api/link").body());
            assertThat(link.path("link").asText()).isEqualTo("UNKNOWN");
            HttpResponse<String> page = send(console, "GET", "/console/");
            assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            assertThat(page.body()).contains("Tributary edge", "console.js");
            assertThat(send(console, "GET", "/console/console.js").statusCode()).isEqualTo(200);
            assertThat(send(console, "GET", "/nothing-here").body()).contains("\"error\"", "/console/");
            assertThat(send(console, "DELETE", "/api/assets").statusCode()).isEqualTo(405);
            assertThat(send(console, "GET", "/api/assets?limit=9999").statusCode()).isEqualTo(400);
        }
    }

    @Test
    void badSettingsFailAtStartNamingEachVariable() {
        Map<String, String> env = Map.of("TRIBUTARY_EDGE_PG_URL", "postgres://nope", "TRIBUTARY_EDGE_CONSOLE_PORT", "http",
                "TRIBUTARY_EDGE_SYNC_SECONDS", "-1", "TRIBUTARY_EDGE_ID", "edge/1");
        assertThatThrownBy(() -> EdgeConsoleSettings.fromEnv(env)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TRIBUTARY_EDGE_PG_URL").hasMessageContaining("TRIBUTARY_EDGE_CONSOLE_PORT")
                .hasMessageContaining("TRIBUTARY_EDGE_SYNC_SECONDS").hasMessageContaining("TRIBUTARY_EDGE_ID");
        EdgeConsoleSettings ok = EdgeConsoleSettings.fromEnv(Map.of("TRIBUTARY_PG_URL", "jdbc:postgresql://h/db",
                "TRIBUTARY_PG_PASSWORD", "s3cret-value"));
        assertThat(ok.pgUrl()).isEqualTo("jdbc:postgresql://h/db");
        assertThat(ok.toString()).doesNotContain("s3cret-value");
    }

    private static HttpResponse<String> send(EdgeConsole console, String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + console.port() + path))
                        .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
