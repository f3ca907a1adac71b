package dev.tributary.sinks.search;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped templates are accepted by Elasticsearch 7.10 and OpenSearch 2.19 and shape new indices. */
class IndexTemplatesIT {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.tributary.sinks.search.SearchSinkIT#servers")
    void templatesApplyIdempotentlyAndMapNewIndices(String server, String url) throws Exception {
        SearchConnection connection = new SearchConnection(URI.create(url), SearchAuth.none(), null,
                Duration.ofSeconds(5), Duration.ofSeconds(30));
        try (SearchHttp http = new SearchHttp(connection, System::getenv, "templates-it")) {
            IndexTemplates.apply(http, IndexTemplates.ALL, RetryPolicy.defaults());
            IndexTemplates.apply(http, IndexTemplates.ALL, RetryPolicy.defaults());
        }
        SearchTestClient es = new SearchTestClient(url);
        for (String name : IndexTemplates.ALL) {
            JsonNode stored = es.call("GET", "/_index_template/" + name, null).path("index_templates");
            assertThat(stored).as(name).hasSize(1);
            assertThat(stored.get(0).path("index_template").path("_meta").path("owner").asText()).isEqualTo("tributary");
        }

        String devices = "devices-it-" + UUID.randomUUID();
        es.call("PUT", "/" + devices + "/_doc/dev-1?refresh=true",
                "{\"deviceId\":\"dev-1\",\"location\":\"52.52,13.40\",\"lastSeen\":\"2026-11-21T10:00:00Z\",\"firmware\":\"1.2.3\"}");
        JsonNode properties = es.call("GET", "/" + devices + "/_mapping", null).path(devices).path("mappings").path("properties");
        assertThat(properties.path("location").path("type").asText()).isEqualTo("geo_point");
        assertThat(properties.path("deviceId").path("type").asText()).isEqualTo("keyword");
        assertThat(properties.path("lastSeen").path("type").asText()).isEqualTo("date");
        assertThat(properties.path("firmware").path("type").asText()).as("dynamic strings are keywords").isEqualTo("keyword");
        long near = es.count(devices, "{\"geo_distance\":{\"distance\":\"10km\",\"location\":{\"lat\":52.5,\"lon\":13.4}}}");
        assertThat(near).isEqualTo(1);
        es.deleteIndex(devices);

        String catalog = "catalog-it-" + UUID.randomUUID();
        es.call("PUT", "/" + catalog + "/_doc/c-1?refresh=true",
                "{\"objectId\":\"o1\",\"operations\":[{\"operation\":\"STORE\",\"succeeded\":true,\"at\":1763700000000}],\"unmapped\":\"x\"}");
        JsonNode catalogProperties = es.call("GET", "/" + catalog + "/_mapping", null).path(catalog).path("mappings").path("properties");
        assertThat(catalogProperties.path("operations").path("type").asText()).isEqualTo("nested");
        assertThat(catalogProperties.has("unmapped")).as("catalog mapping is not dynamic").isFalse();
        es.deleteIndex(catalog);
    }
}
