package dev.tributary.sinks.search;

import dev.tributary.testing.StackEnv;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The search server is stopped and started again while a job streams into it: the sink backpressures and
 * retries, the job does not fail (restarts are disabled, so any failure would end it), and every document
 * arrives exactly once.
 *
 * <p>Elasticsearch is restarted by the command in {@code TRIBUTARY_SEARCH_RESTART_CMD} (default
 * {@code bin/stack restart elasticsearch}), OpenSearch by {@code TRIBUTARY_OPENSEARCH_RESTART_CMD} (default
 * {@code bin/stack restart opensearch}), run from the repository root; each must leave its server up.
 */
class SearchSinkRestartIT {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final int DOCUMENTS = 20_000;

    static Stream<Arguments> servers() {
        return Stream.of(
                Arguments.of("elasticsearch-7", StackEnv.esUrl(),
                        StackEnv.get("TRIBUTARY_SEARCH_RESTART_CMD", "bin/stack restart elasticsearch")),
                Arguments.of("opensearch-2", StackEnv.openSearchUrl(),
                        StackEnv.get("TRIBUTARY_OPENSEARCH_RESTART_CMD", "bin/stack restart opensearch")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void everyDocumentArrivesExactlyOnceAcrossAServerRestart(String server, String url, String restartCommand) throws Exception {
        SearchTestClient es = new SearchTestClient(url);
        String index = "it-restart-" + UUID.randomUUID();
        es.createIndex(index, "{\"properties\":{\"id\":{\"type\":\"keyword\"},\"v\":{\"type\":\"long\"},\"n\":{\"type\":\"long\"}}}");
        String letters = "restart-" + index;

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(1000);
        DataGeneratorSource<SearchSinkIT.Doc> source = new DataGeneratorSource<>(
                i -> new SearchSinkIT.Doc("r" + i, 1, String.valueOf(i)),
                DOCUMENTS, RateLimiterStrategy.perSecond(400), TypeInformation.of(SearchSinkIT.Doc.class));
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "generated documents").uid("it-generator")
                .sinkTo(SearchSink.<SearchSinkIT.Doc>builder()
                        .url(url)
                        .documentMapper(SearchSinkIT.mapper(index))
                        .maxBatchSize(200)
                        .maxBufferedRequests(1000)
                        .maxTimeInBuffer(Duration.ofMillis(200))
                        .requestTimeout(Duration.ofSeconds(10))
                        .retry(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofMinutes(5))
                        .deadLetters(InMemoryDeadLetterChannel.factory(letters), "test", "it-search-sink")
                        .build())
                .uid("it-search-sink").name("search sink");
        JobClient job = env.executeAsync("search sink restart IT");

        SearchTestClient.await("first documents in " + index, Duration.ofMinutes(2), () -> countOrZero(es, index) >= 2000);
        Process restart = new ProcessBuilder("bash", "-c", restartCommand)
                .directory(workingDirectory())
                .inheritIO()
                .start();
        assertThat(restart.waitFor(5, TimeUnit.MINUTES)).as("restart command finished").isTrue();
        assertThat(restart.exitValue()).as("restart command exit code").isZero();
        assertThat(job.getJobStatus().get()).as("the job was still streaming when the server came back").isEqualTo(JobStatus.RUNNING);

        job.getJobExecutionResult().get(10, TimeUnit.MINUTES);

        assertThat(es.count(index)).isEqualTo(DOCUMENTS);
        assertThat(es.count(index, "{\"range\":{\"n\":{\"gte\":0,\"lt\":" + DOCUMENTS + "}}}")).isEqualTo(DOCUMENTS);
        assertThat(InMemoryDeadLetterChannel.delivered(letters)).isEmpty();
        es.deleteIndex(index);
    }

    private static long countOrZero(SearchTestClient es, String index) {
        try {
            return es.count(index);
        } catch (Exception e) {
            return 0;
        }
    }

    private static File workingDirectory() {
        try {
            return StackEnv.repoRoot().toFile();
        } catch (IllegalStateException noCheckout) {
            return Path.of("").toAbsolutePath().toFile();
        }
    }
}
