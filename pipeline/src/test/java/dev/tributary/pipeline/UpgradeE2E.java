package dev.tributary.pipeline;

import dev.tributary.events.HoverboardReading;
import dev.tributary.sinks.metrics.EndToEndLatency;
import dev.tributary.testing.StackEnv;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upgrade a user runs, on the real session cluster: {@code bin/flink run} the job with one flow, feed it,
 * then {@code bin/upgrade} to the job with every flow of this release switched on (new operators join the
 * restored ones), feed more, and check in the sinks that nothing was lost or doubled across the upgrade.
 * While the first job runs it also checks that the end-to-end latency histogram of its sinks is published
 * through the REST API and the Prometheus reporter.
 *
 * <p>The sinks checked: the validated and dead-letter topics (integration flow, before and after), and the
 * warehouse {@code readings} table (its own schema) of the telemetry flow that the upgrade adds, which backfills
 * from the start of the topic and must hold every reading exactly once.
 */
class UpgradeE2E {

    private static final Pattern NEW_JOB = Pattern.compile("new job:\\s+([0-9a-f]{32}) RUNNING");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @Test
    void binUpgradeMovesTheJobToANewGraphWithNothingLostOrDoubled() throws Exception {
        FreshTopics topics = FreshTopics.create(2);
        List<String> common = new ArrayList<>(List.of(
                "--config", StackEnv.repoRoot().resolve("flink-conf/jobs/local.properties").toString(),
                "--job.name", "upgrade-e2e " + topics.hoverboard()));
        common.addAll(topics.arguments());
        String suffix = topics.hoverboard().substring(topics.hoverboard().lastIndexOf('-') + 1);
        WarehouseTestSchema warehouse = WarehouseTestSchema.redshiftLike("upgrade_e2e_" + suffix);
        common.addAll(List.of("--warehouse.jdbc-url", warehouse.url(), "--telemetry.devices-index", "devices-e2e-" + suffix));
        List<String> before = new ArrayList<>(common);
        before.addAll(List.of("--flows", "integration"));
        List<String> after = new ArrayList<>(common);
        after.addAll(List.of("--flows", TributaryJob.FLOWS.keySet().stream().map(f -> f.name().toLowerCase())
                .sorted().collect(Collectors.joining(","))));

        KafkaTestSupport.produce(topics.hoverboard(), CompatibilityRun.readings(1, 100));
        KafkaTestSupport.produce(topics.hoverboard(), List.of(new SimpleEntry<>("bad", "{not json".getBytes())));
        String first = SessionCluster.runDetached(null, before);
        String second = null;
        try {
            KafkaTestSupport.readCommittedUntil(topics.validated(), Duration.ofMinutes(3), seen -> seen.size() >= 100);
            assertLatencyPublished(first, topics.validated());

            List<String> upgrade = new ArrayList<>(List.of("bin/upgrade", "--job", first,
                    SessionCluster.jobJar().toString(), "--"));
            upgrade.addAll(after);
            SessionCluster.Outcome upgraded = SessionCluster.command(upgrade);
            assertThat(upgraded.exitCode()).as(upgraded.output()).isZero();
            Matcher m = NEW_JOB.matcher(upgraded.output());
            assertThat(m.find()).as(upgraded.output()).isTrue();
            second = m.group(1);
            assertThat(SessionCluster.get("/jobs/" + first).path("state").asText()).isEqualTo("FINISHED");

            KafkaTestSupport.produce(topics.hoverboard(), CompatibilityRun.readings(101, 200));
            KafkaTestSupport.readCommittedUntil(topics.validated(), Duration.ofMinutes(3), seen -> seen.size() >= 200);
            // the telemetry flow joined with the upgrade: it reads the job's one source of the topic (since 0.2.0),
            // so it starts where that source stands, with the readings after the upgrade, each once
            Await.until("100 readings in " + warehouse.url(), Duration.ofMinutes(2),
                    () -> warehouse.countOrMinusOne("SELECT count(*) FROM readings") >= 100);
            // the upgraded job runs every flow: every metric the shipped Grafana dashboard queries is published
            String upgradedJob = second;
            java.util.Set<String> wanted = MonitoringDashboard.metricNames();
            Await.untilOrTimeout(Duration.ofMinutes(1), () -> MonitoringDashboard.publishedFor(upgradedJob).containsAll(wanted));
            assertThat(MonitoringDashboard.publishedFor(upgradedJob))
                    .as("metrics of %s published by the cluster's Prometheus reporters", MonitoringDashboard.FILE)
                    .containsAll(wanted);
            // the reads stopped at the expected counts: stop the job (its open transactions abort) and read all it
            // committed, so a duplicate committed later shows too
            SessionCluster.cancelAndAwait(second);
            List<ConsumerRecord<byte[], byte[]>> out = KafkaTestSupport.readCommittedToEnd(topics.validated(),
                    Duration.ofMinutes(1));
            Map<Long, Integer> perSeq = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : out) {
                perSeq.merge(HoverboardReading.getDecoder().decode(ByteBuffer.wrap(r.value())).getSeq(), 1, Integer::sum);
            }
            assertThat(perSeq.keySet()).as("every reading from before and after the upgrade")
                    .containsExactlyInAnyOrderElementsOf(seqs(1, 200));
            assertThat(perSeq.values()).as("each once").containsOnly(1);
            // the one malformed record was dead-lettered before the upgrade and not again after it
            assertThat(KafkaTestSupport.readCommittedToEnd(topics.deadLetter(), Duration.ofMinutes(1))).hasSize(1);
            assertThat(warehouse.rows("SELECT count(*), count(DISTINCT (device_id, seq)), min(seq), max(seq) FROM readings"))
                    .containsExactly("100|100|101|200");
            // Redshift keeps a second row for a key (the schema enforces none): nothing may be written twice
            assertThat(warehouse.duplicateKeys()).as("warehouse keys held by more than one row").isEmpty();
        } finally {
            String running = second != null ? second : first;
            if ("RUNNING".equals(SessionCluster.get("/jobs/" + running).path("state").asText())) {
                SessionCluster.cancel(running);
            }
            warehouse.drop();
        }
    }

    /** The validated topic's sink reports {@value EndToEndLatency#METRIC} in the REST API and to Prometheus. */
    private static void assertLatencyPublished(String job, String validatedTopic) throws Exception {
        JsonNode vertices = SessionCluster.get("/jobs/" + job).path("vertices");
        String vertex = null;
        for (JsonNode v : vertices) {
            if (v.path("name").asText().contains("Kafka " + validatedTopic)) {
                vertex = v.path("id").asText();
            }
        }
        assertThat(vertex).as("the validated sink's vertex among %s", vertices).isNotNull();
        String metrics = "/jobs/" + job + "/vertices/" + vertex + "/metrics";
        JsonNode listed = SessionCluster.awaitRest(metrics, Duration.ofMinutes(1),
                list -> ids(list).stream().anyMatch(id -> id.endsWith(EndToEndLatency.METRIC + "_p99")));
        String p99 = ids(listed).stream().filter(id -> id.endsWith(EndToEndLatency.METRIC + "_p99")).findFirst().orElseThrow();
        JsonNode value = SessionCluster.get(metrics + "?get=" + p99);
        assertThat(value.get(0).path("value").asDouble()).as("p99 end-to-end latency (ms) of %s", p99).isPositive();

        // Prometheus label values have every character outside [a-zA-Z0-9:_] replaced by '_'
        String line = awaitPrometheusLine(job, validatedTopic.replaceAll("[^a-zA-Z0-9:]", "_"), Duration.ofMinutes(1));
        assertThat(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).as(line).isPositive();
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.forEach(m -> ids.add(m.path("id").asText()));
        return ids;
    }

    /**
     * The p99 line of the operator's latency summary on the TaskManager's Prometheus endpoint (one port of
     * 9249-9257, whichever it took: the JobManager and each TaskManager take one).
     */
    private static String awaitPrometheusLine(String job, String operator, Duration deadline) throws Exception {
        Instant end = Instant.now().plus(deadline);
        while (Instant.now().isBefore(end)) {
            for (int port = 9249; port <= 9257; port++) {
                try {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    for (String line : r.body().split("\n")) {
                        if (line.startsWith("flink_taskmanager_job_task_operator_" + EndToEndLatency.METRIC + "{")
                                && line.contains("job_id=\"" + job + "\"") && line.contains(operator)
                                && line.contains("quantile=\"0.99\"")) {
                            return line;
                        }
                    }
                } catch (java.io.IOException notListening) {
                    // no Flink process took this port
                }
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        throw new AssertionError("no " + EndToEndLatency.METRIC + " of job " + job + " on 127.0.0.1:9249-9257/metrics within " + deadline);
    }

    private static List<Long> seqs(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            out.add(s);
        }
        return out;
    }
}
