package dev.tributary.sinks.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BulkLinesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void indexActionWithExternalVersion() {
        SearchRequestEntry e = BulkLines.render(
                SearchAction.index("devices", "dev-1", 7L, "{\"battery\":42}"), VersionType.EXTERNAL_GTE);

        assertThat(utf8(e.actionLine()))
                .isEqualTo("{\"index\":{\"_index\":\"devices\",\"_id\":\"dev-1\",\"version\":7,\"version_type\":\"external_gte\"}}\n");
        assertThat(utf8(e.sourceLine())).isEqualTo("{\"battery\":42}\n");
        assertThat(e.sizeInBytes()).isEqualTo(e.actionLine().length + e.sourceLine().length);
        assertThat(utf8(e.sourceDocument())).isEqualTo("{\"battery\":42}");
    }

    @Test
    void unversionedIndexAndVersionedDelete() {
        assertThat(utf8(BulkLines.render(SearchAction.index("c", "k", null, "{}"), VersionType.EXTERNAL).actionLine()))
                .isEqualTo("{\"index\":{\"_index\":\"c\",\"_id\":\"k\"}}\n");

        SearchRequestEntry delete = BulkLines.render(SearchAction.delete("c", "k", 3L), VersionType.EXTERNAL);
        assertThat(utf8(delete.actionLine()))
                .isEqualTo("{\"delete\":{\"_index\":\"c\",\"_id\":\"k\",\"version\":3,\"version_type\":\"external\"}}\n");
        assertThat(delete.sourceLine()).isEmpty();
        assertThat(delete.sizeInBytes()).isEqualTo(delete.actionLine().length);
    }

    @Test
    void idsWithQuotesBackslashesControlCharsAndUnicodeStayOneValidJsonLine() throws Exception {
        String id = "a\"b\\c\nd\re\tf\u0001g\u2028h-\u00e9\u6f22\ud83d\ude00";
        SearchRequestEntry e = BulkLines.render(SearchAction.index("idx", id, 1L, "{}"), VersionType.EXTERNAL_GTE);

        String line = utf8(e.actionLine());
        assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
        assertThat(line).doesNotContain("\r").doesNotContain("\u2028");
        JsonNode parsed = JSON.readTree(line);
        assertThat(parsed.path("index").path("_id").asText()).isEqualTo(id);
        assertThat(parsed.path("index").path("_index").asText()).isEqualTo("idx");
    }

    @Test
    void prettyPrintedSourceBecomesOneLineWithTheSameContent() throws Exception {
        String pretty = "{\r\n  \"text\" : \"line1\\nline2\",\n  \"n\" : 1\n}";
        SearchRequestEntry e = BulkLines.render(SearchAction.index("i", "1", null, pretty), VersionType.EXTERNAL_GTE);

        String line = utf8(e.sourceLine());
        assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
        assertThat(JSON.readTree(line)).isEqualTo(JSON.readTree(pretty));
    }

    @Test
    void bodyIsTheConcatenationOfLines() {
        List<SearchRequestEntry> entries = List.of(
                BulkLines.render(SearchAction.index("i", "1", 1L, "{\"a\":1}"), VersionType.EXTERNAL_GTE),
                BulkLines.render(SearchAction.delete("i", "2", null), VersionType.EXTERNAL_GTE));

        assertThat(utf8(BulkLines.body(entries))).isEqualTo(
                "{\"index\":{\"_index\":\"i\",\"_id\":\"1\",\"version\":1,\"version_type\":\"external_gte\"}}\n{\"a\":1}\n"
                        + "{\"delete\":{\"_index\":\"i\",\"_id\":\"2\"}}\n");
    }

    @Test
    void actionsValidateTheirParts() {
        assertThatThrownBy(() -> SearchAction.index("i", "", 1L, "{}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SearchAction.index("", "x", 1L, "{}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SearchAction.index("i", "x", -1L, "{}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SearchAction.index("i", "x", 1L, new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
