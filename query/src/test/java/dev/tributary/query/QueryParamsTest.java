package dev.tributary.query;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueryParamsTest {

    private static final Set<String> ALLOWED = Set.of("by", "limit", "offset", "from", "q");

    @Test
    void decodesValuesAndAppliesDefaults() {
        QueryParams p = QueryParams.parse("by=kingdom&q=Quercus%20robur+x&from=2026-11-21T22%3A00%3A00Z", ALLOWED);
        assertThat(p.choice("by", Set.of("kingdom", "species"))).isEqualTo("kingdom");
        assertThat(p.optional("q")).isEqualTo("Quercus robur x");
        assertThat(p.instant("from", null)).isEqualTo(Instant.parse("2026-11-21T22:00:00Z"));
        assertThat(p.limit()).isEqualTo(QueryParams.DEFAULT_LIMIT);
        assertThat(p.offset()).isZero();
        assertThat(QueryParams.parse(null, ALLOWED).optional("q")).isNull();
        assertThat(QueryParams.parse("limit=100&offset=10000", ALLOWED).limit()).isEqualTo(100);
    }

    @Test
    void refusesWithTheParameterName() {
        assertBad("limit=0", "parameter 'limit' must be an integer from 1 to 100");
        assertBad("limit=1e3", "'limit'");
        assertBad("offset=10001", "'offset'");
        assertBad("bogus=1", "parameter 'bogus' is not known here");
        assertBad("q=a&q=b", "parameter 'q' is given more than once");
        assertBad("q=%zz", "parameter 'q' is not valid percent-encoding");
        assertThatThrownBy(() -> QueryParams.parse("from=2026-11-21", ALLOWED).instant("from", null))
                .hasMessageContaining("'from'");
        assertThatThrownBy(() -> QueryParams.parse("by=genus", ALLOWED).choice("by", Set.of("kingdom")))
                .hasMessage("parameter 'by' must be one of kingdom");
        assertThatThrownBy(() -> QueryParams.parse("", ALLOWED).required("by")).hasMessage("parameter 'by' is required");
    }

    @Test
    void windowIdsAndEntityIds() {
        assertThat(QueryParams.windowId("id", "2026-11-21T22:04:00Z/PT2M")).isEqualTo("2026-11-21T22:04:00Z/PT2M");
        for (String bad : new String[] {"2026-11-21T22:04:00Z", "/PT2M", "x/PT2M", "2026-11-21T22:04:00Z/2m", "' OR 1=1 --"}) {
            assertThatThrownBy(() -> QueryParams.windowId("id", bad)).as(bad).hasMessageContaining("'id'");
        }
        assertThat(QueryParams.entityId("deviceId", "hb 1/ü'\"")).isEqualTo("hb 1/ü'\"");
        assertThatThrownBy(() -> QueryParams.entityId("deviceId", "")).hasMessageContaining("'deviceId'");
        assertThatThrownBy(() -> QueryParams.entityId("deviceId", "a\nb")).hasMessageContaining("'deviceId'");
        assertThatThrownBy(() -> QueryParams.entityId("deviceId", "x".repeat(257))).hasMessageContaining("'deviceId'");
    }

    @Test
    void likePatternEscapesWildcardsAndQuotesTheIdAsJson() {
        assertThat(AssetsEndpoint.likePattern("a-1")).isEqualTo("%\"assetId\":\"a-1\"%");
        assertThat(AssetsEndpoint.likePattern("50%_off!")).isEqualTo("%\"assetId\":\"50!%!_off!!\"%");
        assertThat(AssetsEndpoint.likePattern("say \"hi\"")).isEqualTo("%\"assetId\":\"say \\\"hi\\\"\"%");
    }

    @Test
    void settingsFromTheEnvironmentAndArguments() {
        Map<String, String> env = Map.of("TRIBUTARY_PG_READER_PASSWORD", "secret", "TRIBUTARY_ES_URL", "http://es:9200");
        QuerySettings s = QuerySettings.from(env, new String[] {"--port", "9000", "--devices-index", "devices-x"});
        assertThat(s.port()).isEqualTo(9000);
        assertThat(s.devicesIndex()).isEqualTo("devices-x");
        assertThat(s.pgUser()).isEqualTo("tributary_reader");
        assertThat(s.esUrl()).isEqualTo("http://es:9200");
        assertThat(s.toString()).doesNotContain("secret");
        assertThat(QuerySettings.from(env, new String[0]).port()).isEqualTo(QuerySettings.DEFAULT_PORT);
        assertThatThrownBy(() -> QuerySettings.from(Map.of(), new String[0]))
                .hasMessageContaining("TRIBUTARY_PG_READER_PASSWORD");
        assertThatThrownBy(() -> QuerySettings.from(env, new String[] {"--port"})).hasMessageContaining("--port");
        assertThatThrownBy(() -> QuerySettings.from(env, new String[] {"--port", "http"})).hasMessageContaining("port");
        assertThatThrownBy(() -> QuerySettings.from(env, new String[] {"--prot", "1"})).hasMessageContaining("--prot");
    }

    private static void assertBad(String query, String message) {
        assertThatThrownBy(() -> {
            QueryParams p = QueryParams.parse(query, ALLOWED);
            p.limit();
            p.offset();
        }).isInstanceOf(ApiError.class).hasMessageContaining(message)
                .satisfies(e -> assertThat(((ApiError) e).status()).isEqualTo(400));
    }
}
