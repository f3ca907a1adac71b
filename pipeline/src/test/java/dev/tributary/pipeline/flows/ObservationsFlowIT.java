package dev.tributary.pipeline.flows;

import dev.tributary.events.Observation;
import dev.tributary.operators.codec.AvroEventSerializer;
import dev.tributary.operators.codec.RawRecord;
import dev.tributary.operators.observations.WindowIds;
import dev.tributary.pipeline.Await;
import dev.tributary.pipeline.FailOnce;
import dev.tributary.pipeline.FaultySources;
import dev.tributary.pipeline.FreshTopics;
import dev.tributary.pipeline.KafkaTestSupport;
import dev.tributary.pipeline.TestEnvironments;
import dev.tributary.pipeline.TributaryJob;
import dev.tributary.pipeline.WarehouseTestSchema;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.io.KafkaSources;
import dev.tributary.pipeline.io.Sources;
import dev.tributary.pipeline.io.TributarySinks;
import dev.tributary.testing.StackEnv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The observations flow end to end on a MiniCluster against the stack's Kafka, PostgreSQL and Elasticsearch, with
 * a task failure injected mid-stream: exact counts per window and dimension in both stores, copies counted once,
 * out-of-order records within the bound counted, late ones on the late topic and in the table, never counted.
 *
 * <p><b>Why the input comes in three phases.</b> The watermark is the minimum over the partitions of each one's
 * newest event time minus the bound, emitted periodically, so whether a record is late depends on when it arrives.
 * The test only relies on orders that hold on every run: (1) on-time records spread over less than the
 * out-of-orderness bound, so none can be late whatever the interleaving (and out-of-order ones within it still
 * count); once all are stored, (2) per partition an "advancer" far ahead, and once phase 1's windows have closed
 * (their counts are stored), late records behind them; once those are on the late topic, (3) per partition a
 * "watermark pusher" far enough ahead to close every window before it. Every partition gets records in each
 * phase, so none holds the watermark back; idleness is set long so it plays no part.
 */
class ObservationsFlowIT {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration WINDOW = Duration.ofMinutes(2);
    private static final List<String> SOURCES = List.of("gbif", "obis", "idigbio");
    private static final String[][] TAXA = {
            {"Animalia", "Puma concolor"}, {"Animalia", "Delphinus delphis"}, {"Plantae", "Quercus robur"},
            {"Fungi", "Amanita muscaria"}, {"Chromista", "Macrocystis pyrifera"}};
    private static final int PER_PARTITION = 20;
    private static final String FAULT = "observations-it";

    /** What the test sent, and so what it expects. */
    private final Map<String, Observation> unique = new LinkedHashMap<>();
    private final Map<String, Long> expectedCounts = new TreeMap<>();
    private final Set<String> expectedLate = new TreeSet<>();

    @Test
    void countsEachWindowExactlyOnceAndStoresLateObservations() throws Exception {
        FreshTopics base = FreshTopics.create(2);
        List<String> sourceTopics = KafkaTestSupport.createTopics(2, "observations.gbif", "observations.obis", "observations.idigbio");
        String lateTopic = KafkaTestSupport.createTopics(2, "observations.late").get(0);
        String suffix = sourceTopics.get(0).substring(sourceTopics.get(0).lastIndexOf('-') + 1);
        String schema = "obs_it_" + suffix.replace('-', '_');
        String indexSuffix = "-it-" + suffix;
        String countsIndex = "observation-counts" + indexSuffix;
        String observationsIndex = "observations" + indexSuffix;
        WarehouseTestSchema db = WarehouseTestSchema.redshiftLike(schema);

        Map<String, String> raw = new LinkedHashMap<>(base.settings());
        raw.put("flows", "observations");
        raw.put("topics.observations", String.join(",", sourceTopics));
        raw.put("topics.observations-late", lateTopic);
        raw.put("observations.window-size", "2min");
        raw.put("observations.max-out-of-orderness", "10min");
        raw.put("observations.idle-timeout", "1h");
        raw.put("observations.index-suffix", indexSuffix);
        raw.putAll(db.jobSettings());
        raw.put("warehouse.flush-interval", "500ms");
        raw.put("search.url", StackEnv.esUrl());
        JobSettings settings = WarehouseTestSchema.parse(raw);

        // phase 1: on time, spread over 6 minutes (< the 10-minute bound), shuffled per partition
        Random random = new Random(7);
        Map<String, List<Map.Entry<String, byte[]>>> phase1 = new LinkedHashMap<>();
        int sent = 0;
        for (int s = 0; s < SOURCES.size(); s++) {
            for (int p = 0; p < 2; p++) {
                List<Map.Entry<String, byte[]>> records = new ArrayList<>();
                List<Observation> partition = new ArrayList<>();
                for (int i = 0; i < PER_PARTITION; i++) {
                    String[] taxon = TAXA[random.nextInt(TAXA.length)];
                    partition.add(observation(SOURCES.get(s) + "-" + p + "-" + i, SOURCES.get(s), taxon,
                            T0.plusMillis(random.nextInt((int) Duration.ofMinutes(6).toMillis()))));
                }
                Collections.shuffle(partition, random);
                for (Observation o : partition) {
                    records.add(entry(o, sent++ % 2 == 0));
                    expectCounted(o);
                }
                // a producer's replay of a record: same partition, same bytes
                records.add(records.get(3));
                phase1.put(sourceTopics.get(s) + "#" + p, records);
            }
        }
        // the same occurrence from two sources (GBIF republishing an OBIS record): counted once
        Observation viaGbif = observation("shared-1", "gbif", TAXA[2], T0.plusSeconds(61));
        Observation viaObis = observation("shared-1", "obis", TAXA[2], T0.plusSeconds(61));
        phase1.get(sourceTopics.get(0) + "#0").add(entry(viaGbif, true));
        phase1.get(sourceTopics.get(1) + "#1").add(entry(viaObis, false));
        unique.put("shared-1", viaGbif);
        for (Map.Entry<String, List<Map.Entry<String, byte[]>>> e : phase1.entrySet()) {
            String[] topicAndPartition = e.getKey().split("#");
            KafkaTestSupport.produce(topicAndPartition[0], Integer.parseInt(topicAndPartition[1]), e.getValue());
        }
        int phase1Unique = unique.size();

        StreamExecutionEnvironment env = TestEnvironments.withRestarts(3);
        KafkaSources kafka = new KafkaSources(settings);
        Sources withFault = new FaultySources(kafka, sourceTopics.get(0), FAULT, phase1Unique / 6);
        TributaryJob.build(new FlowContext(env, settings, withFault, new TributarySinks(settings)));
        JobClient job = env.executeAsync("observations-it");
        try {
            awaitCount(db, "SELECT count(*) FROM observations", phase1Unique, "phase 1 stored");
            FailOnce.assertRestoredAfterCommittedOutput(FAULT);

            // the winner of the cross-source copy is whichever arrived first: it is stored, and counted under its source
            String sharedSource = db.rows("SELECT source FROM observations WHERE occurrence_id = 'shared-1'").get(0);
            unique.put("shared-1", "gbif".equals(sharedSource) ? viaGbif : viaObis);
            expectCounted(unique.get("shared-1"));

            // phase 2: per partition an advancer 20 minutes ahead; once the windows of phase 1 have closed (their
            // counts are stored), late records behind them
            int phase1Windows = expectedCounts.size();
            for (int s = 0; s < SOURCES.size(); s++) {
                for (int p = 0; p < 2; p++) {
                    String src = SOURCES.get(s);
                    Observation advancer = observation(src + "-" + p + "-adv", src, TAXA[0], T0.plus(Duration.ofMinutes(20)).plusSeconds(p));
                    expectCounted(advancer);
                    KafkaTestSupport.produce(sourceTopics.get(s), p, List.of(entry(advancer, true)));
                }
            }
            awaitCount(db, "SELECT count(*) FROM observation_counts", phase1Windows, "phase 1 windows closed");
            for (int s = 0; s < SOURCES.size(); s++) {
                for (int p = 0; p < 2; p++) {
                    String src = SOURCES.get(s);
                    Observation late = observation(src + "-" + p + "-late", src, TAXA[3], T0.plusSeconds(30 + s * 60 + p));
                    unique.put(late.getOccurrenceId(), late);
                    expectedLate.add(late.getOccurrenceId());
                    List<Map.Entry<String, byte[]>> records = new ArrayList<>(List.of(entry(late, false)));
                    if (s == 0 && p == 0) {
                        records.add(entry(late, true));   // a late record twice: stored and reported once
                    }
                    if (s == 1 && p == 0) {
                        // a late copy of an on-time record: a duplicate, not a late observation
                        records.add(entry(observation("gbif-0-5", "obis", TAXA[1], T0.plusSeconds(5)), true));
                    }
                    KafkaTestSupport.produce(sourceTopics.get(s), p, records);
                }
            }
            KafkaTestSupport.readCommittedUntil(lateTopic, Duration.ofMinutes(2), seen -> seen.size() >= expectedLate.size());

            // phase 3: per partition a watermark pusher an hour ahead: closes every window before it
            for (int s = 0; s < SOURCES.size(); s++) {
                for (int p = 0; p < 2; p++) {
                    Observation pusher = observation(SOURCES.get(s) + "-" + p + "-push", SOURCES.get(s), TAXA[4],
                            T0.plus(Duration.ofHours(1)));
                    unique.put(pusher.getOccurrenceId(), pusher);
                    KafkaTestSupport.produce(sourceTopics.get(s), p, List.of(entry(pusher, false)));
                }
            }

            awaitCount(db, "SELECT count(*) FROM observation_counts", expectedCounts.size(), "window counts stored");
            awaitCount(db, "SELECT count(*) FROM observations", unique.size(), "every unique observation stored");

            // warehouse: exactly the expected counts, and every unique observation (late ones included)
            assertThat(db.rows("SELECT window_id, dimension, dimension_value, observation_count FROM observation_counts"))
                    .containsExactlyInAnyOrderElementsOf(expected());
            assertThat(db.rows("SELECT occurrence_id FROM observations"))
                    .containsExactlyInAnyOrderElementsOf(unique.keySet());

            // search: the same counts under deterministic ids, and one document per unique observation
            Await.until("search documents", Duration.ofMinutes(3),
                    () -> searchCount(observationsIndex) == unique.size() && searchCount(countsIndex) == expectedCounts.size());
            // a rewrite after the restore is the same document (idempotent by id); a duplicate would be another id
            assertThat(searchIds(observationsIndex)).containsExactlyInAnyOrderElementsOf(unique.keySet());

            // late topic: each late observation once, keyed by its id. The read above stopped at the expected count:
            // stop the job (its open transactions abort) and read all it committed, so a later duplicate shows too
            job.cancel().get();
            List<String> lateIds = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : KafkaTestSupport.readCommittedToEnd(lateTopic, Duration.ofMinutes(1))) {
                Observation o = Observation.getDecoder().decode(ByteBuffer.wrap(r.value()));
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(o.getOccurrenceId());
                lateIds.add(o.getOccurrenceId());
            }
            assertThat(lateIds).containsExactlyInAnyOrderElementsOf(expectedLate);

            JsonNode hits = search("POST", "/" + countsIndex + "/_search", "{\"size\": 1000}").path("hits").path("hits");
            List<String> documents = new ArrayList<>();
            for (JsonNode hit : hits) {
                JsonNode doc = hit.path("_source");
                String row = doc.path("windowId").asText() + "|" + doc.path("dimension").asText() + "|"
                        + doc.path("value").asText() + "|" + doc.path("count").asLong();
                documents.add(row);
                assertThat(hit.path("_id").asText()).isEqualTo(doc.path("windowId").asText() + "/"
                        + doc.path("dimension").asText() + "/" + doc.path("value").asText());
            }
            assertThat(documents).containsExactlyInAnyOrderElementsOf(expected());
            // Redshift keeps a second row for a key (the schema enforces none): nothing may be written twice
            assertThat(db.duplicateKeys()).as("warehouse keys held by more than one row").isEmpty();
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
            search("DELETE", "/" + countsIndex + "," + observationsIndex + "?ignore_unavailable=true", null);
            db.drop();
        }
    }

    private void expectCounted(Observation o) {
        unique.put(o.getOccurrenceId(), o);
        long start = o.getEventTime().toEpochMilli() - Math.floorMod(o.getEventTime().toEpochMilli(), WINDOW.toMillis());
        String window = WindowIds.of(start, start + WINDOW.toMillis());
        for (String dimensionValue : List.of("kingdom|" + o.getKingdom(), "species|" + o.getSpecies(), "source|" + o.getSource())) {
            expectedCounts.merge(window + "|" + dimensionValue, 1L, Long::sum);
        }
    }

    private List<String> expected() {
        List<String> rows = new ArrayList<>();
        expectedCounts.forEach((k, v) -> rows.add(k + "|" + v));
        return rows;
    }

    private static Observation observation(String id, String source, String[] taxon, Instant eventTime) {
        return Observation.newBuilder().setOccurrenceId(id).setSource(source).setKingdom(taxon[0])
                .setScientificName(taxon[1]).setSpecies(taxon[1]).setEventTime(eventTime)
                .setLatitude(10.5).setLongitude(-20.25).setCountryCode("NL").build();
    }

    /** Half as Avro single-object encoding, half as JSON: both are read. */
    private static Map.Entry<String, byte[]> entry(Observation o, boolean avro) throws IOException {
        if (avro) {
            return new SimpleEntry<>(o.getOccurrenceId(), AvroEventSerializer.encode(o));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("occurrenceId", o.getOccurrenceId());
        json.put("source", o.getSource());
        json.put("kingdom", o.getKingdom());
        json.put("scientificName", o.getScientificName());
        json.put("species", o.getSpecies());
        json.put("eventTime", o.getEventTime().toString());
        json.put("latitude", o.getLatitude());
        json.put("longitude", o.getLongitude());
        json.put("countryCode", o.getCountryCode());
        return new SimpleEntry<>(o.getOccurrenceId(), JSON.writeValueAsBytes(json));
    }

    /** Polls until the query's count reaches the expected one (tables appear when the sink starts). */
    private static void awaitCount(WarehouseTestSchema db, String query, long expected, String what) throws InterruptedException {
        Await.until(what + ": " + query + " >= " + expected, Duration.ofMinutes(3), () -> db.countOrMinusOne(query) >= expected);
    }

    private static long searchCount(String index) throws IOException, InterruptedException {
        search("POST", "/" + index + "/_refresh", null);
        return search("GET", "/" + index + "/_count", null).path("count").asLong();
    }

    /** The ids of every document in the index (at most 10 000, far more than the test writes). */
    private static List<String> searchIds(String index) throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>();
        for (JsonNode hit : search("POST", "/" + index + "/_search", "{\"size\": 10000, \"_source\": false}")
                .path("hits").path("hits")) {
            ids.add(hit.path("_id").asText());
        }
        return ids;
    }

    private static JsonNode search(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(StackEnv.esUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IOException(method + " " + path + " -> HTTP " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
