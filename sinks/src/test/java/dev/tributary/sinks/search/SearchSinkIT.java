package dev.tributary.sinks.search;

import dev.tributary.events.DeadLetter;
import dev.tributary.testing.StackEnv;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The search sink in a MiniCluster job (parallelism 2) against the real Elasticsearch 7.10 and OpenSearch 2.19. */
class SearchSinkIT {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final String MAPPINGS = "{\"properties\":{\"id\":{\"type\":\"keyword\"},\"v\":{\"type\":\"long\"},\"n\":{\"type\":\"long\"}}}";

    /** A test element: {@code n} is raw JSON so a test can make it the wrong type for the mapping. */
    public record Doc(String id, long version, String n) {}

    static Stream<Arguments> servers() {
        return Stream.of(
                Arguments.of("elasticsearch-7", StackEnv.esUrl()),
                Arguments.of("opensearch-2", StackEnv.openSearchUrl()));
    }

    static DocumentMapper<Doc> mapper(String index) {
        return d -> {
            StringBuilder json = new StringBuilder("{\"id\":");
            BulkLines.appendJsonString(json, d.id());
            json.append(",\"v\":").append(d.version()).append(",\"n\":").append(d.n()).append('}');
            return SearchAction.index(index, d.id(), d.version(), json.toString());
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void duplicatesAndOutOfOrderVersionsLeaveEachDocumentOnceAtItsHighestVersion(String server, String url) throws Exception {
        SearchTestClient es = new SearchTestClient(url);
        String index = "it-versions-" + UUID.randomUUID();
        es.createIndex(index, MAPPINGS);
        int documents = 3000;
        int versions = 3;
        List<Doc> input = new ArrayList<>();
        for (int i = 0; i < documents; i++) {
            for (int v = 1; v <= versions; v++) {
                input.add(new Doc("doc \"" + i + "\"/\u00e9", v, String.valueOf(i * 10 + v)));
            }
            input.add(new Doc("doc \"" + i + "\"/\u00e9", 1 + i % versions, String.valueOf(i * 10 + 1 + i % versions)));
        }
        Collections.shuffle(input, new Random(42));

        String letters = "versions-" + index;
        run(input, SearchSink.<Doc>builder()
                .url(url)
                .documentMapper(mapper(index))
                .maxBatchSize(500)
                .indexTemplates("observations", "devices")
                .deadLetters(InMemoryDeadLetterChannel.factory(letters), "test", "search-sink")
                .build());

        assertThat(es.count(index)).isEqualTo(documents);
        assertThat(es.count(index, "{\"term\":{\"v\":" + versions + "}}")).isEqualTo(documents);
        var stored = es.get(index, "doc \"17\"/\u00e9");
        assertThat(stored.path("_version").asLong()).isEqualTo(versions);
        assertThat(stored.path("_source").path("n").asLong()).isEqualTo(17 * 10 + versions);
        assertThat(InMemoryDeadLetterChannel.delivered(letters)).isEmpty();
        es.deleteIndex(index);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void eachPoisonDocumentBecomesOneDeadLetterWithTheReasonAndTheOthersAreWritten(String server, String url) throws Exception {
        SearchTestClient es = new SearchTestClient(url);
        String index = "it-poison-" + UUID.randomUUID();
        es.createIndex(index, MAPPINGS);
        int documents = 2000;
        List<Doc> input = new ArrayList<>();
        for (int i = 0; i < documents; i++) {
            String n = switch (i) {
                case 777 -> "\"not a number\"";
                case 1500 -> "1 \"broken\": json";
                case 1900 -> "\"" + "x".repeat(200_000) + "\"";
                default -> String.valueOf(i);
            };
            input.add(new Doc("d" + i, 1, n));
        }

        String letters = "poison-" + index;
        run(input, SearchSink.<Doc>builder()
                .url(url)
                .documentMapper(mapper(index))
                .maxBatchSize(200)
                .maxRecordSizeInBytes(128 * 1024)
                .deadLetters(InMemoryDeadLetterChannel.factory(letters), "observations", "observations-search-sink")
                .build());

        assertThat(es.count(index)).isEqualTo(documents - 3);
        List<DeadLetter> dead = new ArrayList<>(InMemoryDeadLetterChannel.delivered(letters));
        dead.sort(java.util.Comparator.comparing(d -> StandardCharsets.UTF_8.decode(d.getKey().duplicate()).toString()));
        assertThat(dead).extracting(d -> StandardCharsets.UTF_8.decode(d.getKey().duplicate()).toString())
                .containsExactly("d1500", "d1900", "d777");
        assertThat(dead.get(0).getReason()).contains("d1500").contains("HTTP 400").contains("json_parse_exception");
        assertThat(dead.get(1).getReason()).contains("d1900").contains("exceeds the sink's maxRecordSizeInBytes 131072");
        assertThat(dead.get(1).getPayloadTruncated()).isTrue();
        assertThat(dead.get(1).getPayloadSize()).isEqualTo(200_000 + "{\"id\":\"d1900\",\"v\":1,\"n\":\"\"}".length());
        assertThat(dead.get(1).getPayload().remaining()).isEqualTo(dev.tributary.operators.codec.DeadLetters.MAX_PAYLOAD_BYTES);
        DeadLetter letter = dead.get(2);
        assertThat(letter.getReasonCode()).isEqualTo("SINK_REJECTED");
        assertThat(letter.getFlow()).isEqualTo("observations");
        assertThat(letter.getOperator()).isEqualTo("observations-search-sink");
        assertThat(letter.getReason())
                .contains(index).contains("d777").contains("HTTP 400")
                .contains("mapper_parsing_exception").contains("failed to parse field [n] of type [long]");
        assertThat(StandardCharsets.UTF_8.decode(letter.getPayload()).toString())
                .isEqualTo("{\"id\":\"d777\",\"v\":1,\"n\":\"not a number\"}");
        assertThat(StandardCharsets.UTF_8.decode(letter.getKey()).toString()).isEqualTo("d777");
        es.deleteIndex(index);
    }

    private static void run(List<Doc> input, SearchSink<Doc> sink) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        env.fromData(input).uid("it-docs").name("documents")
                .rebalance()
                .sinkTo(sink).uid("it-search-sink").name("search sink");
        env.execute("search sink IT");
    }
}
