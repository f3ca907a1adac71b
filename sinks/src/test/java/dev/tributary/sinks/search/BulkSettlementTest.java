package dev.tributary.sinks.search;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BulkSettlementTest {

    private static List<SearchRequestEntry> entries(int n) {
        List<SearchRequestEntry> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(BulkLines.render(SearchAction.index("i", "d" + i, 1L, "{\"n\":" + i + "}"), VersionType.EXTERNAL_GTE));
        }
        return list;
    }

    private static List<BulkItemResult> items(String json) throws IOException {
        return BulkResponseParser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void onlyTheItemsTheServerCouldNotTakeAreRetriedAndRefusedOnesAreRejectedWithTheirReason() throws IOException {
        List<SearchRequestEntry> sent = entries(5);
        BulkSettlement s = BulkSettlement.of(sent, items("""
                {"errors":true,"items":[
                 {"index":{"_id":"d0","status":201}},
                 {"index":{"_id":"d1","status":429,"error":{"type":"es_rejected_execution_exception","reason":"queue full"}}},
                 {"index":{"_id":"d2","status":409,"error":{"type":"version_conflict_engine_exception","reason":"stale"}}},
                 {"index":{"_id":"d3","status":400,"error":{"type":"mapper_parsing_exception","reason":"failed to parse field [n]"}}},
                 {"index":{"_id":"d4","status":503,"error":{"type":"unavailable_shards_exception","reason":"no primary"}}}
                ]}"""), 1_000L);

        assertThat(s.done()).isEqualTo(1);
        assertThat(s.versionConflicts()).isEqualTo(1);
        assertThat(s.retry()).containsExactly(sent.get(1), sent.get(4));
        assertThat(s.rejected()).extracting(r -> r.entry()).containsExactly(sent.get(3));
        assertThat(s.rejected().get(0).reason()).isEqualTo("HTTP 400: mapper_parsing_exception: failed to parse field [n]");
        assertThat(sent.get(1).attempts()).isEqualTo(1);
        assertThat(sent.get(1).firstFailureMillis()).isEqualTo(1_000L);
        assertThat(sent.get(0).attempts()).isZero();
    }

    @Test
    void theRetryClockStartsAtTheFirstFailure() throws IOException {
        List<SearchRequestEntry> sent = entries(1);
        String busy = "{\"items\":[{\"index\":{\"_id\":\"d0\",\"status\":429}}]}";
        BulkSettlement.of(sent, items(busy), 1_000L);
        BulkSettlement.of(sent, items(busy), 5_000L);

        assertThat(sent.get(0).attempts()).isEqualTo(2);
        assertThat(sent.get(0).firstFailureMillis()).isEqualTo(1_000L);
    }

    @Test
    void aResponseWithTheWrongNumberOfItemsIsAnError() {
        assertThatThrownBy(() -> BulkSettlement.of(entries(2), items("{\"items\":[{\"index\":{\"status\":200}}]}"), 0L))
                .isInstanceOf(SearchSinkException.class)
                .hasMessageContaining("1 items for 2 documents");
    }

    @Test
    void backoffGrowsExponentiallyUpToTheMaximumAndRetryDurationIsBounded() {
        RetryPolicy policy = new RetryPolicy(java.time.Duration.ofMillis(100), java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(30));
        for (int i = 0; i < 50; i++) {
            assertThat(policy.backoffMillis(1)).isBetween(50L, 100L);
            assertThat(policy.backoffMillis(3)).isBetween(200L, 400L);
            assertThat(policy.backoffMillis(40)).isBetween(1000L, 2000L);
        }
        assertThat(policy.exhausted(0, 30_000)).isFalse();
        assertThat(policy.exhausted(0, 30_001)).isTrue();
    }
}
