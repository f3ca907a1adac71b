package dev.tributary.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The search server (Elasticsearch 7+ or OpenSearch) over its plain REST API. Request bodies are built as JSON
 * trees, never by pasting user text into JSON, and every request has a timeout.
 */
final class SearchIndex {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode NO_HITS = JSON.createObjectNode().set("hits",
            JSON.createObjectNode().<ObjectNode>set("total", JSON.createObjectNode().put("value", 0))
                    .set("hits", JSON.createArrayNode()));

    private final String baseUrl;
    private final Duration timeout;
    private final HttpClient http;

    SearchIndex(String baseUrl, Duration timeout) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** The {@code _source} of one document; empty when the document or the index does not exist. */
    Optional<JsonNode> source(String index, String id) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/" + index + "/_doc/" + pathSegment(id))).GET());
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        JsonNode body = ok(r);
        return body.path("found").asBoolean(false) ? Optional.of(body.get("_source")) : Optional.empty();
    }

    /** The answer of {@code _search}; a missing index answers no hits (the flow has written nothing yet). */
    JsonNode search(String index, JsonNode query) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/" + index + "/_search"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(query.toString())));
        if (r.statusCode() == 404 && r.body().contains("index_not_found_exception")) {
            return NO_HITS;
        }
        return ok(r);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw ApiError.timedOut("the search server did not answer within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            throw ApiError.unavailable("the search server is unavailable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiError.unavailable("interrupted while asking the search server");
        }
    }

    private static JsonNode ok(HttpResponse<String> r) {
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("search server answered " + r.statusCode() + ": "
                    + r.body().substring(0, Math.min(500, r.body().length())));
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("search server answered invalid JSON", e);
        }
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    private static String pathSegment(String text) {
        // URLEncoder is for forms: '+' would be read as a plus sign in a path, so spaces become %20
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
