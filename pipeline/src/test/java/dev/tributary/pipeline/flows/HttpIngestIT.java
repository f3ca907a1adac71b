package dev.tributary.pipeline.flows;

import dev.tributary.ingest.ApiKeys;
import dev.tributary.ingest.IngestServer;
import dev.tributary.ingest.IngestSettings;
import dev.tributary.pipeline.Await;
import dev.tributary.pipeline.FreshTopics;
import dev.tributary.pipeline.TestEnvironments;
import dev.tributary.pipeline.TributaryJob;
import dev.tributary.pipeline.WarehouseTestSchema;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.io.KafkaSources;
import dev.tributary.pipeline.io.TributarySinks;
import dev.tributary.testing.StackEnv;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Devices posting over HTTP, end to end: the ingestion service in front of the stack's real Kafka, the telemetry
 * flow behind it on a MiniCluster, the stack's PostgreSQL as the warehouse. Thirty devices post at once, each its
 * readings in batches, shuffled within small blocks and with every fifth batch sent twice (a device that did not
 * see the 202 and retried); customers and trips arrive the same way. Every reading lands in the warehouse once,
 * every trip is enriched, and a batch of bad readings is answered 400 and stored nowhere.
 */
class HttpIngestIT {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final String KEY = "http-ingest-it-" + UUID.randomUUID();
    private static final int DEVICES = 30;
    private static final int SEQS = 120;
    private static final int BATCH = 20;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void readingsPostedOverHttpAreStoredOnceEachAndTripsEnriched() throws Exception {
        FreshTopics topics = FreshTopics.create(2);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        WarehouseTestSchema warehouse = WarehouseTestSchema.redshiftLike("it_http_" + suffix);
        Map<String, String> raw = TelemetryFlowIT.telemetryOnTheStack(topics, warehouse, "devices-it-http-" + suffix);
        raw.put("telemetry.order.max-hold", "30s");
        raw.put("telemetry.enrich.max-wait", "30s");
        JobSettings settings = WarehouseTestSchema.parse(raw);
        StreamExecutionEnvironment env = TestEnvironments.withRestarts(3);
        TributaryJob.build(new FlowContext(env, settings, new KafkaSources(settings), new TributarySinks(settings)));

        Instant base = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        try (IngestServer ingest = IngestServer.start(IngestSettings.of(StackEnv.kafkaBootstrap(), ApiKeys.of(List.of(KEY)))
                .withPort(0).withTopics(Map.of("hoverboard", topics.hoverboard(), "customer", topics.customer(),
                        "trip", topics.trip())))) {
            JobClient job = env.executeAsync("http-ingest-it");
            try {
                ExecutorService devices = Executors.newFixedThreadPool(8);
                List<Future<?>> done = new ArrayList<>();
                for (int d = 0; d < DEVICES; d++) {
                    String device = "http-" + d;
                    long seed = d;
                    done.add(devices.submit(() -> {
                        postReadings(ingest.port(), device, base, new Random(seed));
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                devices.shutdown();

                StringBuilder customers = new StringBuilder("[");
                StringBuilder trips = new StringBuilder("[");
                for (int d = 0; d < DEVICES; d++) {
                    customers.append(d == 0 ? "" : ",").append(String.format("{\"customerId\":\"hc-%d\",\"name\":\"Customer %d\","
                            + "\"email\":\"c%d@example.org\",\"tier\":\"GOLD\",\"version\":1,\"updatedAt\":\"%s\"}", d, d, d, base));
                    trips.append(d == 0 ? "" : ",").append(String.format("{\"tripId\":\"ht-%d\",\"hoverboardId\":\"http-%d\","
                            + "\"customerId\":\"hc-%d\",\"startedAt\":\"%s\",\"endedAt\":\"%s\",\"distanceKm\":3.5,\"version\":1}",
                            d, d, d, base.plusSeconds(SEQS), base.plusSeconds(SEQS + 60)));
                }
                assertThat(post(ingest.port(), "customer", customers.append(']').toString()).statusCode()).isEqualTo(202);
                assertThat(post(ingest.port(), "trip", trips.append(']').toString()).statusCode()).isEqualTo(202);

                // bad readings: refused at the door, never in Kafka
                HttpResponse<String> bad = post(ingest.port(), "hoverboard", "[" + reading("http-0", SEQS, base)
                        .replace("\"batteryPct\":80.0", "\"batteryPct\":-5") + ",{\"deviceId\":\"http-0\"}]");
                assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);

                Await.until("every reading in the warehouse", Duration.ofMinutes(3),
                        () -> warehouse.countOrMinusOne("SELECT count(*) FROM readings") >= (long) DEVICES * SEQS);
                Await.until("every trip enriched", Duration.ofMinutes(2),
                        () -> warehouse.countOrMinusOne("SELECT count(*) FROM trips WHERE customer_tier IS NOT NULL"
                                + " AND last_battery_pct IS NOT NULL") == DEVICES);
                assertThat(warehouse.rows("SELECT count(*) || '/' || count(DISTINCT (device_id, seq)) FROM readings"))
                        .as("each reading once, the retried batches included")
                        .containsExactly((DEVICES * SEQS) + "/" + (DEVICES * SEQS));
                assertThat(warehouse.rows("SELECT count(*) FROM readings WHERE seq >= " + SEQS)).containsExactly("0");
                assertThat(warehouse.rows("SELECT count(*) FROM customers")).containsExactly(String.valueOf(DEVICES));
            } finally {
                if (!job.getJobStatus().get().isGloballyTerminalState()) {
                    job.cancel().get();
                }
            }
        }
    }

    /** The device's readings 0..SEQS-1 (devices count from 0, the orderer's default) in batches, shuffled within blocks of five, every fifth batch sent twice. */
    private static void postReadings(int port, String device, Instant base, Random random) throws Exception {
        List<String> readings = new ArrayList<>();
        for (int block = 0; block < SEQS; block += 5) {
            List<String> chunk = new ArrayList<>();
            for (int seq = block; seq < block + 5 && seq < SEQS; seq++) {
                chunk.add(reading(device, seq, base));
            }
            Collections.shuffle(chunk, random);
            readings.addAll(chunk);
        }
        for (int i = 0, batch = 0; i < readings.size(); i += BATCH, batch++) {
            String body = readings.subList(i, Math.min(readings.size(), i + BATCH)).stream().collect(Collectors.joining(",", "[", "]"));
            for (int times = batch % 5 == 4 ? 2 : 1; times > 0; times--) {
                HttpResponse<String> answer = post(port, "hoverboard", body);
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
                assertThat(answer.body()).contains("\"rejected\":0,\"failed\":0");
            }
        }
    }

    private static String reading(String device, long seq, Instant base) {
        return String.format("{\"deviceId\":\"%s\",\"seq\":%d,\"eventTime\":\"%s\",\"batteryPct\":80.0,\"temperatureC\":21.5,"
                + "\"speedKmh\":12.0,\"latitude\":52.5,\"longitude\":13.4,\"errorCode\":null}", device, seq, base.plusSeconds(seq));
    }

    private static HttpResponse<String> post(int port, String type, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events/" + type))
                .timeout(Duration.ofMinutes(1)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + KEY).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
