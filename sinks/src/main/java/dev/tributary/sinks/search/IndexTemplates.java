package dev.tributary.sinks.search;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * The index templates shipped in {@code search/templates/<name>.json}, applied with
 * {@code PUT _index_template/<name>} (composable templates: Elasticsearch 7.8+ and OpenSearch 1+).
 *
 * <p>PUT replaces a template with the same content, so applying them at every writer start is idempotent;
 * every writer does it before its first document, so no index is auto-created without its mapping.
 */
public final class IndexTemplates {

    private static final Logger LOG = LoggerFactory.getLogger(IndexTemplates.class);

    /** Templates shipped with Tributary. */
    public static final List<String> ALL = List.of(
            "tributary-dead-letters", "observations", "observation-counts", "devices", "assets", "catalog");

    private IndexTemplates() {}

    /** The template body from the classpath. */
    public static byte[] load(String name) {
        String resource = "/search/templates/" + name + ".json";
        try (InputStream in = IndexTemplates.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no index template " + resource + " on the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /**
     * A template shapes only indices created after it; an index that already exists (an upgrade) gets the fields a
     * newer template added through {@code PUT <patterns>/_mapping}. Adding a field is always allowed; a changed
     * field's type is not, and is reported (it needs a new index and a reindex), never fatal: documents still index.
     */
    private static void addNewFieldsToExistingIndices(SearchHttp http, String name, byte[] template)
            throws InterruptedException {
        try {
            com.fasterxml.jackson.databind.JsonNode t = MAPPER.readTree(template);
            List<String> patterns = new java.util.ArrayList<>();
            t.path("index_patterns").forEach(p -> patterns.add(p.asText()));
            com.fasterxml.jackson.databind.JsonNode mappings = t.path("template").path("mappings");
            if (patterns.isEmpty() || !mappings.has("properties")) {
                return;
            }
            HttpResponse<byte[]> response = http.send("PUT", "/" + String.join(",", patterns)
                    + "/_mapping?allow_no_indices=true&expand_wildcards=open", MAPPER.writeValueAsBytes(mappings));
            if (response.statusCode() >= 300 && response.statusCode() != 404) {
                LOG.warn("index template {}: existing indices keep their mapping ({}): a changed field needs a new index",
                        name, BulkResponseParser.requestErrorReason(response.body()));
            }
        } catch (IOException e) {
            LOG.warn("index template {}: existing indices not updated: {}", name, e.toString());
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * Puts every named template, retrying transient failures (server starting or briefly away) within the
     * retry policy's duration; a refused template (bad JSON, unknown setting) fails at once.
     */
    static void apply(SearchHttp http, List<String> names, RetryPolicy retry) throws InterruptedException {
        for (String name : names) {
            byte[] body = load(name);
            long start = System.currentTimeMillis();
            int attempt = 0;
            while (true) {
                attempt++;
                String problem;
                try {
                    HttpResponse<byte[]> response = http.send("PUT", "/_index_template/" + name, body);
                    int status = response.statusCode();
                    if (status >= 200 && status < 300) {
                        LOG.info("index template {} applied", name);
                        addNewFieldsToExistingIndices(http, name, body);
                        break;
                    }
                    problem = "HTTP " + status + ": " + BulkResponseParser.requestErrorReason(response.body());
                    if (status != 429 && status < 500) {
                        throw new IllegalStateException("index template " + name + " was refused: " + problem);
                    }
                } catch (IOException e) {
                    problem = e.toString();
                }
                if (retry.exhausted(start, System.currentTimeMillis())) {
                    throw new IllegalStateException("index template " + name + " could not be applied within "
                            + retry.maxRetryDuration() + ": " + problem);
                }
                long delay = retry.backoffMillis(attempt);
                LOG.warn("index template {} not applied yet ({}); retrying in {} ms", name, problem, delay);
                Thread.sleep(delay);
            }
        }
    }
}
