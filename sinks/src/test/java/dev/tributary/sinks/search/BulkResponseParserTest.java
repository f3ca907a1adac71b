package dev.tributary.sinks.search;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BulkResponseParserTest {

    /** Bodies captured from a real Elasticsearch 7.10.2 and OpenSearch 2.19.1 for the same bulk request. */
    @ParameterizedTest
    @ValueSource(strings = {"bulk-response-es7.json", "bulk-response-opensearch2.json"})
    void classifiesEveryItemOfARealResponse(String fixture) throws IOException {
        List<BulkItemResult> items = BulkResponseParser.parse(read(fixture));

        assertThat(items).extracting(BulkItemResult::outcome).containsExactly(
                ItemOutcome.DONE, ItemOutcome.VERSION_CONFLICT, ItemOutcome.REJECTED, ItemOutcome.DONE);
        assertThat(items).extracting(BulkItemResult::id).containsExactly("a", "a", "b", "zz");
        assertThat(items.get(2).status()).isEqualTo(400);
        assertThat(items.get(2).errorType()).isEqualTo("mapper_parsing_exception");
        assertThat(items.get(2).reason())
                .startsWith("mapper_parsing_exception: failed to parse field [n] of type [long]")
                .contains("caused by illegal_argument_exception: For input string: \"oops\"");
        assertThat(items.get(0).reason()).isNull();
    }

    @Test
    void overloadAndUnavailableItemsAreRetried() throws IOException {
        String body = """
                {"took":1,"errors":true,"items":[
                 {"index":{"_index":"i","_id":"1","status":429,"error":{"type":"es_rejected_execution_exception","reason":"rejected execution of coordinating operation"}}},
                 {"index":{"_index":"i","_id":"2","status":503,"error":{"type":"unavailable_shards_exception","reason":"primary shard is not active"}}},
                 {"index":{"_index":"i","_id":"3","status":500,"error":{"type":"opensearch_rejected_execution_exception","reason":"queue full"}}},
                 {"create":{"_index":"i","_id":"4","status":201}}
                ]}""";

        List<BulkItemResult> items = BulkResponseParser.parse(body.getBytes(StandardCharsets.UTF_8));

        assertThat(items).extracting(BulkItemResult::outcome).containsExactly(
                ItemOutcome.RETRY, ItemOutcome.RETRY, ItemOutcome.RETRY, ItemOutcome.DONE);
    }

    @Test
    void unknownFieldsBeforeAndAfterItemsAreSkipped() throws IOException {
        String body = "{\"items\":[{\"index\":{\"_id\":\"x\",\"status\":200,\"_shards\":{\"total\":1},\"extra\":[1,[2]]}}],"
                + "\"took\":3,\"errors\":false,\"ingest_took\":{\"a\":[1]}}";

        assertThat(BulkResponseParser.parse(body.getBytes(StandardCharsets.UTF_8)))
                .containsExactly(new BulkItemResult("index", "x", 200, null, null, ItemOutcome.DONE));
    }

    @Test
    void aBodyThatIsNotABulkResponseIsMalformed() {
        assertThatThrownBy(() -> BulkResponseParser.parse("<html>bad gateway</html>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> BulkResponseParser.parse("{\"error\":{\"type\":\"x\"},\"status\":400}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BulkResponseParser.MalformedResponseException.class)
                .hasMessageContaining("no items");
    }

    @Test
    void wholeRequestErrorReasonNamesTypeAndCause() {
        String body = "{\"error\":{\"root_cause\":[],\"type\":\"illegal_argument_exception\",\"reason\":\"Malformed action/metadata line [1]\","
                + "\"caused_by\":{\"type\":\"json_parse_exception\",\"reason\":\"Unexpected character\"}},\"status\":400}";

        assertThat(BulkResponseParser.requestErrorReason(body.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("illegal_argument_exception: Malformed action/metadata line [1]; caused by json_parse_exception: Unexpected character");
        assertThat(BulkResponseParser.requestErrorReason("upstream timeout".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("upstream timeout");
    }

    @Test
    void classificationOfStatuses() {
        assertThat(ItemOutcome.classify("index", 200, null)).isEqualTo(ItemOutcome.DONE);
        assertThat(ItemOutcome.classify("delete", 404, null)).isEqualTo(ItemOutcome.DONE);
        assertThat(ItemOutcome.classify("index", 404, "index_not_found_exception")).isEqualTo(ItemOutcome.REJECTED);
        assertThat(ItemOutcome.classify("delete", 409, "version_conflict_engine_exception")).isEqualTo(ItemOutcome.VERSION_CONFLICT);
        assertThat(ItemOutcome.classify("index", 429, "circuit_breaking_exception")).isEqualTo(ItemOutcome.RETRY);
        assertThat(ItemOutcome.classify("index", 502, null)).isEqualTo(ItemOutcome.RETRY);
        assertThat(ItemOutcome.classify("index", 400, "illegal_argument_exception")).isEqualTo(ItemOutcome.REJECTED);
    }

    private static byte[] read(String fixture) throws IOException {
        try (InputStream in = BulkResponseParserTest.class.getResourceAsStream("/search/" + fixture)) {
            return in.readAllBytes();
        }
    }
}
