package dev.tributary.pipeline;

import dev.tributary.sinks.search.IndexTemplates;
import dev.tributary.testing.StackEnv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kibana cannot run here, so this checks what Kibana's saved objects import needs: one JSON object per line with
 * type, id and attributes; every reference points at an object in the file; the visualisations' embedded JSON
 * parses; every index pattern matches an index template we ship; and the compose service imports the file.
 */
class KibanaDashboardsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path NDJSON = StackEnv.repoRoot().resolve("dashboards/tributary.ndjson");

    private static List<JsonNode> objects() throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        int line = 0;
        for (String text : Files.readAllLines(NDJSON, StandardCharsets.UTF_8)) {
            line++;
            assertThat(text).as("line %d is not blank", line).isNotBlank();
            JsonNode o = JSON.readTree(text);
            assertThat(o.isObject()).as("line %d is a JSON object", line).isTrue();
            for (String field : List.of("type", "id", "attributes")) {
                assertThat(o.hasNonNull(field)).as("line %d has %s", line, field).isTrue();
            }
            objects.add(o);
        }
        return objects;
    }

    @Test
    void everyLineIsASavedObjectAndEveryReferenceResolves() throws IOException {
        List<JsonNode> objects = objects();
        Map<String, JsonNode> byKey = new HashMap<>();
        for (JsonNode o : objects) {
            assertThat(byKey.put(o.get("type").asText() + "/" + o.get("id").asText(), o)).as("unique %s", o.get("id")).isNull();
        }
        for (JsonNode o : objects) {
            for (JsonNode ref : o.path("references")) {
                assertThat(byKey).as("%s refers to %s", o.get("id"), ref)
                        .containsKey(ref.get("type").asText() + "/" + ref.get("id").asText());
            }
        }
        assertThat(objects).extracting(o -> o.get("type").asText())
                .contains("index-pattern", "visualization", "dashboard");
    }

    @Test
    void embeddedJsonParsesAndPanelsReferToTheirVisualisations() throws IOException {
        for (JsonNode o : objects()) {
            JsonNode a = o.get("attributes");
            assertThat(a.path("title").asText()).as("%s has a title", o.get("id")).isNotBlank();
            switch (o.get("type").asText()) {
                case "visualization" -> {
                    JsonNode vis = JSON.readTree(a.get("visState").asText());
                    assertThat(vis.path("aggs").size()).as("%s aggregations", o.get("id")).isPositive();
                    JsonNode source = JSON.readTree(a.path("kibanaSavedObjectMeta").path("searchSourceJSON").asText());
                    String indexRef = source.path("indexRefName").asText();
                    assertThat(o.path("references")).extracting(r -> r.get("name").asText()).contains(indexRef);
                }
                case "dashboard" -> {
                    JsonNode panels = JSON.readTree(a.get("panelsJSON").asText());
                    List<String> refNames = new ArrayList<>();
                    o.path("references").forEach(r -> refNames.add(r.get("name").asText()));
                    assertThat(panels.size()).isPositive();
                    panels.forEach(p -> assertThat(refNames).contains(p.get("panelRefName").asText()));
                }
                case "index-pattern" -> assertThat(a.path("timeFieldName").asText()).isNotBlank();
                default -> throw new AssertionError("unexpected saved object type " + o.get("type"));
            }
        }
    }

    @Test
    void everyIndexPatternIsCoveredByAShippedTemplateAndItsTimeFieldIsADate() throws IOException {
        Map<String, JsonNode> templates = new HashMap<>();
        for (String name : IndexTemplates.ALL) {
            JsonNode t = JSON.readTree(IndexTemplates.load(name));
            t.get("index_patterns").forEach(p -> templates.put(p.asText(), t));
        }
        for (JsonNode o : objects()) {
            if (o.get("type").asText().equals("index-pattern")) {
                String title = o.get("attributes").get("title").asText();
                assertThat(templates).as("a template for %s", title).containsKey(title);
                JsonNode field = templates.get(title).path("template").path("mappings").path("properties")
                        .path(o.get("attributes").get("timeFieldName").asText());
                assertThat(field.path("type").asText()).as("time field of %s", title).isEqualTo("date");
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aOneShotComposeServiceImportsTheFileThroughTheSavedObjectsApi() throws IOException {
        try (Reader reader = Files.newBufferedReader(StackEnv.repoRoot().resolve("docker-compose.yml"))) {
            Map<String, Object> services = (Map<String, Object>) ((Map<String, Object>) new Yaml().load(reader)).get("services");
            Map<String, Object> importer = (Map<String, Object>) services.get("kibana-dashboards");
            assertThat(importer).isNotNull();
            assertThat((List<String>) importer.get("volumes")).contains("./dashboards:/dashboards:ro");
            assertThat(String.join(" ", (List<String>) importer.get("command")))
                    .contains("/api/saved_objects/_import").contains("file=@/dashboards/tributary.ndjson");
        }
    }
}
