package dev.tributary.pipeline.flows;

import dev.tributary.events.CatalogEntry;
import dev.tributary.events.DeadLetter;
import dev.tributary.events.HoverboardReading;
import dev.tributary.events.Observation;
import dev.tributary.events.RawEvent;
import dev.tributary.operators.codec.RawRecord;
import dev.tributary.pipeline.Await;
import dev.tributary.pipeline.FailOnce;
import dev.tributary.pipeline.FaultySources;
import dev.tributary.pipeline.FreshTopics;
import dev.tributary.pipeline.KafkaTestSupport;
import dev.tributary.pipeline.S3TestSupport;
import dev.tributary.pipeline.TestEnvironments;
import dev.tributary.pipeline.TributaryJob;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.io.KafkaSources;
import dev.tributary.pipeline.io.Sources;
import dev.tributary.pipeline.io.TributarySinks;
import dev.tributary.testing.StackEnv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lake flow end to end on the real stack: valid Kafka records land in the raw zone on S3 (S3Proxy) as Avro
 * part files; files dropped into a landing directory are copied to content-addressed objects, catalogued in
 * Elasticsearch and PostgreSQL, and observation files are parsed onto the observations topic; a corrupt
 * observation file ends as a failed PARSE operation and one dead letter. A task failure is injected mid-stream:
 * every count must still be exact.
 */
class LakeFlowIT {

    private static final int DEVICES = 5;
    private static final int READINGS_PER_DEVICE = 40;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FAULT = "lake-it";

    @TempDir
    Path landing;

    @BeforeAll
    static void s3() {
        S3TestSupport.initializeFileSystems();
    }

    @Test
    void landedFilesAreStoredCataloguedAndParsedAndEventsLandInTheRawZoneExactlyOnce() throws Exception {
        FreshTopics topics = FreshTopics.create(2);
        String run = topics.hoverboard().substring(topics.hoverboard().lastIndexOf('-') + 1);
        String rawPrefix = "it-lake-" + run;
        String index = "catalog-it-" + run;

        List<Map.Entry<String, byte[]>> input = new ArrayList<>();
        for (int seq = 1; seq <= READINGS_PER_DEVICE; seq++) {
            for (int d = 0; d < DEVICES; d++) {
                input.add(new SimpleEntry<>("device-" + d, String.format(java.util.Locale.ROOT,
                        "{\"deviceId\":\"device-%d\",\"seq\":%d,\"eventTime\":\"%s\",\"batteryPct\":80,\"temperatureC\":20.5}",
                        d, seq, Instant.now().minusSeconds(READINGS_PER_DEVICE - seq)).getBytes(StandardCharsets.UTF_8)));
            }
        }
        KafkaTestSupport.produce(topics.hoverboard(), input);
        int valid = input.size();

        // landing files: a binary blob twice under two names, a CSV and a JSON-lines file of observations, a corrupt CSV
        byte[] blob = new byte[300_000];
        new Random(run.hashCode()).nextBytes(blob);
        String csv = "occurrenceId,source,kingdom,scientificName,species,eventTime,latitude,longitude,countryCode,basisOfRecord\n"
                + obsCsv(run, 1) + obsCsv(run, 2) + obsCsv(run, 3) + "\"" + run + "-4\",gbif,Plantae,\"Quercus robur, L.\",Quercus robur,2026-11-21T10:00:00Z,,,,\n";
        String jsonl = obsJson(run, 5) + "\n" + obsJson(run, 6) + "\n" + obsJson(run, 7) + "\n";
        String corrupt = "occurrenceId,source,kingdom,scientificName,species,eventTime,latitude,longitude,countryCode,basisOfRecord\n"
                + obsCsv(run, 8) + "\"" + run + "-9\",gbif,Animalia,Erithacus rubecula,,2026-11-21T10:00:00Z,north,0.0,GB,HUMAN_OBSERVATION\n";
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("blob-" + run + ".bin", blob);
        files.put("observations-" + run + ".csv", csv.getBytes(StandardCharsets.UTF_8));
        files.put("observations-" + run + ".jsonl", jsonl.getBytes(StandardCharsets.UTF_8));
        files.put("corrupt-" + run + ".csv", corrupt.getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Files.write(landing.resolve(f.getKey()), f.getValue());
        }

        Map<String, String> raw = new LinkedHashMap<>(topics.settings());
        raw.put("flows", "integration,lake");
        raw.put("lake.raw-zone", "s3://" + S3TestSupport.bucket() + "/" + rawPrefix);
        raw.put("lake.landing", landing.toUri().toString());
        raw.put("lake.landing-scan-interval", "500ms");
        raw.put("lake.catalog-index", index);
        String catalogTopic = KafkaTestSupport.createTopics(1, "catalog").get(0);
        raw.put("topics.catalog", catalogTopic);
        raw.put("warehouse.jdbc-url", StackEnv.pgUrl());
        raw.put("warehouse.user", StackEnv.pgUser());
        raw.put("warehouse.password", StackEnv.pgPassword());
        raw.put("warehouse.flush-interval", "200ms");
        raw.put("search.url", StackEnv.esUrl());
        JobSettings settings = JobSettings.parse(raw, Map.of());

        StreamExecutionEnvironment env = TestEnvironments.withRestarts(3);

        KafkaSources kafka = new KafkaSources(settings);
        Sources withFault = new FaultySources(kafka, topics.hoverboard(), FAULT, valid / 2);
        TributaryJob.build(new FlowContext(env, settings, withFault, new TributarySinks(settings)));
        JobClient job = env.executeAsync("lake-it");
        // the job runs on a local cluster of its own, which shuts down with the job: no status to ask afterwards
        boolean cancelled = false;
        try (S3Client s3 = S3TestSupport.client()) {
            // a file dropped while the job runs is picked up too: the same blob under another name
            Files.write(landing.resolve("blob-copy-" + run + ".bin"), blob);

            // observations: 4 from the CSV, 3 from the JSON lines, none from the corrupt file; each once
            List<Observation> observations = KafkaTestSupport.readCommittedUntil(topics.observations(),
                    Duration.ofMinutes(3), seen -> seen.size() >= 7).stream()
                    .map(r -> decode(() -> Observation.getDecoder().decode(ByteBuffer.wrap(r.value())))).toList();
            assertThat(observations).extracting(Observation::getOccurrenceId).containsExactlyInAnyOrder(
                    run + "-1", run + "-2", run + "-3", run + "-4", run + "-5", run + "-6", run + "-7");
            assertThat(observations).filteredOn(o -> o.getOccurrenceId().equals(run + "-4"))
                    .extracting(Observation::getScientificName).containsExactly("Quercus robur, L.");

            // the corrupt file: one dead letter naming its bad line
            List<DeadLetter> dead = KafkaTestSupport.readCommittedUntil(topics.deadLetter(), Duration.ofMinutes(1),
                    seen -> !seen.isEmpty()).stream()
                    .map(r -> decode(() -> DeadLetter.getDecoder().decode(ByteBuffer.wrap(r.value())))).toList();
            assertThat(dead).singleElement().satisfies(d -> {
                assertThat(d.getFlow()).isEqualTo("lake");
                assertThat(d.getReason()).contains("corrupt-" + run + ".csv").contains("line 3");
            });

            // objects: content-addressed, bytes equal
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                String key = rawPrefix + "/objects/sha256/" + sha256(f.getValue());
                assertThat(S3TestSupport.get(s3, key)).as("object of %s", f.getKey()).isEqualTo(f.getValue());
            }

            // catalog: search index and warehouse, operations accumulated per object
            String blobKey = "objects/sha256/" + sha256(blob);
            String corruptKey = "objects/sha256/" + sha256(files.get("corrupt-" + run + ".csv"));
            String csvKey = "objects/sha256/" + sha256(files.get("observations-" + run + ".csv"));
            String container = "s3://" + S3TestSupport.bucket() + "/" + rawPrefix;
            JsonNode blobDoc = searchDocUntil(index, container + "/" + blobKey, 2);
            assertThat(blobDoc.path("sha256").asText()).isEqualTo(sha256(blob));
            assertThat(blobDoc.path("sizeBytes").asLong()).isEqualTo(blob.length);
            assertThat(blobDoc.path("contentType").asText()).isEqualTo("application/octet-stream");
            assertThat(blobDoc.path("operations").findValuesAsText("operation")).containsExactly("STORE", "STORE");
            JsonNode corruptDoc = searchDocUntil(index, container + "/" + corruptKey, 2);
            assertThat(corruptDoc.path("operations").get(1).path("operation").asText()).isEqualTo("PARSE");
            assertThat(corruptDoc.path("operations").get(1).path("succeeded").asBoolean()).isFalse();
            assertThat(corruptDoc.path("operations").get(1).path("detail").asText()).contains("line 3");
            JsonNode csvDoc = searchDocUntil(index, container + "/" + csvKey, 2);
            assertThat(csvDoc.path("contentType").asText()).isEqualTo("text/csv");
            assertThat(csvDoc.path("attributes").path("observations").asText()).isEqualTo("4");

            assertThat(warehouseVersionUntil(blobKey, 2)).contains("\"STORE\"");
            assertThat(warehouseVersionUntil(corruptKey, 2)).contains("\"PARSE\"").contains("false");

            // raw zone: every valid reading exactly once, in committed Avro part files under flow/date/hour
            rawEventsUntil(s3, rawPrefix + "/events/telemetry/", valid);
            FailOnce.assertRestoredAfterCommittedOutput(FAULT);
            // the reads above stopped at the expected counts: stop the job (open transactions and in-progress part
            // files are abandoned), then count everything it committed, so a duplicate committed later shows too
            job.cancel().get();
            cancelled = true;
            List<RawEvent> events = rawEventsUntil(s3, rawPrefix + "/events/telemetry/", valid);
            Set<String> ids = new HashSet<>();
            for (RawEvent e : events) {
                HoverboardReading r = HoverboardReading.getDecoder().decode(e.getPayload());
                assertThat(e.getType()).isEqualTo("hoverboard-reading");
                assertThat(e.getKey()).isEqualTo(r.getDeviceId());
                assertThat(ids.add(r.getDeviceId() + "#" + r.getSeq())).as("duplicate %s#%s", r.getDeviceId(), r.getSeq()).isTrue();
            }
            assertThat(events).hasSize(valid);

            // nothing more was committed to the exactly-once topics since they were first read
            assertThat(KafkaTestSupport.readCommittedToEnd(topics.observations(), Duration.ofMinutes(1))).hasSize(7);
            assertThat(KafkaTestSupport.readCommittedToEnd(topics.deadLetter(), Duration.ofMinutes(1))).hasSize(1);
            // the catalog topic: one record per change; the blob's last one has both STORE operations
            List<CatalogEntry> changes = KafkaTestSupport.readCommittedToEnd(catalogTopic, Duration.ofMinutes(1)).stream()
                    .map(r -> decode(() -> CatalogEntry.getDecoder().decode(ByteBuffer.wrap(r.value())))).toList();
            assertThat(changes).filteredOn(c -> c.getObjectKey().equals(blobKey)).extracting(CatalogEntry::getVersion)
                    .containsExactly(1L, 2L);
            assertThat(changes).extracting(c -> c.getObjectKey() + "@" + c.getVersion())
                    .as("every change once: (key, version) pairs are unique").doesNotHaveDuplicates();
        } finally {
            try {
                if (!cancelled && !job.getJobStatus().get().isGloballyTerminalState()) {
                    job.cancel().get();
                }
            } catch (IllegalStateException | java.util.concurrent.ExecutionException e) {
                // the job failed and took its MiniCluster down: the assertion that failed above is the news
            }
        }
    }

    private static String obsCsv(String run, int n) {
        return "\"" + run + "-" + n + "\",gbif,Animalia,Erithacus rubecula,Erithacus rubecula,2026-11-21T10:0" + n
                + ":00Z,51.4,-0.1,GB,HUMAN_OBSERVATION\n";
    }

    private static String obsJson(String run, int n) {
        return "{\"occurrenceId\":\"" + run + "-" + n + "\",\"source\":\"obis\",\"kingdom\":\"Animalia\","
                + "\"scientificName\":\"Delphinus delphis\",\"eventTime\":\"2026-11-21T10:00:00Z\",\"latitude\":43.1}";
    }

    private static <T> T decode(java.util.concurrent.Callable<T> decode) {
        try {
            return decode.call();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Polls the search index until the document exists with at least {@code version}. */
    private static JsonNode searchDocUntil(String index, String id, long version) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create(StackEnv.esUrl() + "/" + index + "/_doc/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
        return pollUntil(Duration.ofMinutes(2), "search document " + id + " at version " + version, () -> {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return null;
            }
            JsonNode doc = JSON.readTree(r.body());
            return doc.path("_version").asLong() >= version ? doc.path("_source") : null;
        });
    }

    /** Polls the warehouse until the row exists with {@code version}; returns its operations JSON. */
    private static String warehouseVersionUntil(String key, long version) throws Exception {
        try (Connection c = DriverManager.getConnection(StackEnv.pgUrl(), StackEnv.pgUser(), StackEnv.pgPassword());
             PreparedStatement q = c.prepareStatement("SELECT version, operations_json FROM catalog_entries WHERE object_key = ?")) {
            q.setString(1, key);
            return pollUntil(Duration.ofMinutes(2), "warehouse row " + key + " at version " + version, () -> {
                try (ResultSet rs = q.executeQuery()) {
                    return rs.next() && rs.getLong(1) == version ? rs.getString(2) : null;
                }
            });
        }
    }

    /** Committed part files only (in-progress and pending ones start with '_' or '.'), read with Avro's reader. */
    private static List<RawEvent> rawEventsUntil(S3Client s3, String prefix, int expected) throws Exception {
        return pollUntil(Duration.ofMinutes(2), expected + " raw events under " + prefix, () -> {
            List<RawEvent> events = new ArrayList<>();
            for (S3Object o : S3TestSupport.committedPartFiles(s3, prefix)) {
                assertThat(o.key()).matches(".*/events/telemetry/date=\\d{4}-\\d{2}-\\d{2}/hour=\\d{2}/part-.*\\.avro");
                events.addAll(S3TestSupport.rawEvents(s3, o.key()));
            }
            return events.size() >= expected ? events : null;
        });
    }

    interface Probe<T> {
        T get() throws Exception;
    }

    /** Polls through {@link Await} until the probe returns a value. */
    private static <T> T pollUntil(Duration deadline, String what, Probe<T> probe) throws Exception {
        AtomicReference<T> value = new AtomicReference<>();
        Await.until(what, deadline, () -> {
            value.set(probe.get());
            return value.get() != null;
        });
        return value.get();
    }
}
