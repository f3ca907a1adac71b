package dev.tributary.sinks.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IndexTemplatesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyShippedTemplateIsAComposableTemplateWithItsOwnPatterns() throws Exception {
        List<String> patterns = new ArrayList<>();
        for (String name : IndexTemplates.ALL) {
            JsonNode template = JSON.readTree(IndexTemplates.load(name));
            assertThat(template.path("index_patterns").isArray()).as(name).isTrue();
            assertThat(template.path("template").path("mappings").path("properties").size()).as(name).isPositive();
            template.path("index_patterns").forEach(p -> patterns.add(p.asText()));
        }
        // Elasticsearch refuses two templates with overlapping patterns at the same priority
        for (String a : patterns) {
            for (String b : patterns) {
                if (!a.equals(b)) {
                    assertThat(b.startsWith(a.replace("*", ""))).as(a + " overlaps " + b).isFalse();
                }
            }
        }
    }

    @Test
    void anUnknownTemplateIsRefusedWhenTheSinkIsBuilt() {
        assertThatThrownBy(() -> SearchSink.builder().indexTemplates("no-such-template"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no-such-template");
    }
}
