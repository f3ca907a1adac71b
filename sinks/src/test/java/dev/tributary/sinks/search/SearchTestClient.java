package dev.tributary.sinks.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** Plain REST calls the integration tests use to prepare and read back indices. */
final class SearchTestClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private final String baseUrl;

    SearchTestClient(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    String baseUrl() {
        return baseUrl;
    }

    JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300 && !(r.statusCode() == 404 && "DELETE".equals(method))) {
            throw new IOException(method + " " + path + " -> HTTP " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    void createIndex(String index, String mappingsJson) throws IOException, InterruptedException {
        call("PUT", "/" + index, "{\"settings\":{\"number_of_shards\":2,\"number_of_replicas\":0},\"mappings\":" + mappingsJson + "}");
    }

    void deleteIndex(String index) throws IOException, InterruptedException {
        call("DELETE", "/" + index, null);
    }

    long count(String index) throws IOException, InterruptedException {
        call("POST", "/" + index + "/_refresh", null);
        return call("GET", "/" + index + "/_count", null).path("count").asLong();
    }

    long count(String index, String queryJson) throws IOException, InterruptedException {
        call("POST", "/" + index + "/_refresh", null);
        return call("POST", "/" + index + "/_count", "{\"query\":" + queryJson + "}").path("count").asLong();
    }

    JsonNode get(String index, String id) throws IOException, InterruptedException {
        return call("GET", "/" + index + "/_doc/" + java.net.URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"), null);
    }

    boolean reachable() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/_cluster/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && !r.body().contains("\"status\":\"red\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Polls {@code condition} until it holds or the deadline passes (no fixed sleeps in tests). */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
