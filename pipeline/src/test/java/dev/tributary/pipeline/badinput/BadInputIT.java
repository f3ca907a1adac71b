package dev.tributary.pipeline.badinput;

import dev.tributary.events.AssetAnnounced;
import dev.tributary.events.AssetBroadcast;
import dev.tributary.events.AssetDelivery;
import dev.tributary.events.AssetRequest;
import dev.tributary.events.AssetState;
import dev.tributary.events.AssetStatus;
import dev.tributary.events.Customer;
import dev.tributary.events.DeadLetter;
import dev.tributary.events.HoverboardReading;
import dev.tributary.events.Observation;
import dev.tributary.events.Trip;
import dev.tributary.pipeline.Await;
import dev.tributary.pipeline.ClusterProbes;
import dev.tributary.pipeline.FreshTopics;
import dev.tributary.pipeline.KafkaTestSupport;
import dev.tributary.pipeline.S3TestSupport;
import dev.tributary.pipeline.TestEnvironments;
import dev.tributary.pipeline.TributaryJob;
import dev.tributary.pipeline.WarehouseTestSchema;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.flows.AssetsFlowIT;
import dev.tributary.pipeline.flows.FlowContext;
import dev.tributary.pipeline.io.KafkaSources;
import dev.tributary.pipeline.io.TributarySinks;
import dev.tributary.pipeline.lake.ObservationFileParser;
import dev.tributary.testing.StackEnv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterRESTAddress;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile-input corpus ({@link HostileCorpus}) through every source of the running job: the production graph
 * with all five flows on a MiniCluster against the stack's real Kafka, PostgreSQL, Elasticsearch and S3, hostile
 * records interleaved with valid ones on every input topic, hostile asset URLs served by {@link HostileAssetServer},
 * hostile files in the lake's landing area. Checked by counting: every hostile record is exactly one dead letter
 * with its reason and source topic/partition/offset (or a FAILED asset with its reason); the decode operators'
 * per-reason metrics match; every valid record reached each of its sinks once (SQL and JSON injection stored
 * verbatim, no table dropped); the job is RUNNING with no restart. Prints a table: case, expected, observed.
 */
class BadInputIT {

    private static final Duration METRICS_INTERVAL = Duration.ofMillis(500);

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .setConfiguration(metricsEvery(METRICS_INTERVAL)).build());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final List<String> OBSERVATION_SOURCES = List.of("gbif", "obis", "idigbio");
    private static final int DEVICES = 4;
    private static final int READINGS_PER_DEVICE = 6;
    private static final int CUSTOMERS = 6;
    private static final int OBSERVATIONS_PER_SOURCE = 6;
    private static final int GOOD_ASSETS = 4;
    private static final Duration DEADLINE = Duration.ofMinutes(3);

    @TempDir
    Path landing;

    /** A record the test sent: its case (null for a valid one) and where Kafka put it. */
    private record Sent(HostileCorpus.Case hostile, String key, String topic, int partition, long offset) {}

    private final List<Sent> sent = new ArrayList<>();

    @BeforeAll
    static void s3() {
        S3TestSupport.initializeFileSystems();
    }

    @Test
    void everyHostileInputEndsInOneDeadLetterOrFailedAssetAndNothingValidIsLost(@InjectClusterRESTAddress URI rest)
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<HostileCorpus.Case> corpus = HostileCorpus.load();
        FreshTopics topics = FreshTopics.create(2);
        List<String> observationTopics = KafkaTestSupport.createTopics(2,
                OBSERVATION_SOURCES.stream().map(s -> "observations." + s).toArray(String[]::new));
        List<String> out = KafkaTestSupport.createTopics(2, "assets-status", "assets-broadcast", "assets-delivered",
                "observations-late", "catalog");
        WarehouseTestSchema warehouse = WarehouseTestSchema.fresh("bad_input_it_" + run);
        String indexSuffix = "-bi-" + run;

        try (HostileAssetServer server = HostileAssetServer.start()) {
            JobSettings settings = settings(run, topics, observationTopics, out, warehouse, indexSuffix);
            for (HostileCorpus.Case c : corpus) {
                if (c.source().equals(HostileCorpus.LANDING)) {
                    Files.write(landing.resolve(c.id()), c.bytes());
                }
            }
            Expected expected = produce(corpus, topics, observationTopics, server, run);

            StreamExecutionEnvironment env = TestEnvironments.withRestarts(3);
            TributaryJob.build(new FlowContext(env, settings, new KafkaSources(settings), new TributarySinks(settings)));
            JobClient job = env.executeAsync("bad-input-it");
            try {
                Map<String, List<String>> observed = new TreeMap<>();
                corpus.forEach(c -> observed.put(c.id(), new ArrayList<>()));

                long deadCases = corpus.stream().filter(c -> c.outcome() == HostileCorpus.Outcome.DEAD_LETTER).count();
                // on a timeout, go on: the table below then shows which cases lack their outcome
                Await.untilOrTimeout(DEADLINE, () -> KafkaTestSupport.readCommittedToEnd(topics.deadLetter(),
                        Duration.ofMinutes(1)).size() >= deadCases);
                observeDeadLetters(corpus, topics.deadLetter(), observed);
                observeFailedAssets(corpus, out.get(0), observed);
                List<String> validated = keysUntil(topics.validated(), expected.validatedKeys.size());
                observeAccepted(validated, observed);

                printSummary(corpus, observed);
                corpus.forEach(c -> assertThat(observed.get(c.id())).as("outcome of %s", c.id())
                        .containsExactly(c.expected()));

                // the endless error page was cut at a small bound, not read on until the download deadline
                Await.until("the endless error page's connection closed", Duration.ofMinutes(1),
                        () -> server.errorBodyBytesSent >= 0);
                assertThat(server.errorBodyBytesSent).as("bytes of the endless error page written before the hang-up")
                        .isLessThan(32L << 20);
                assertValidRecordsReachedTheirSinksOnce(expected, validated, out, warehouse, indexSuffix);
                assertDecodeMetrics(rest, job, corpus);
                assertLakeAndDownloadMetrics(rest, job, corpus);

                // nothing more arrived since: exactly one dead letter per hostile input, every valid record once
                assertThat(KafkaTestSupport.readCommittedToEnd(topics.deadLetter(), Duration.ofMinutes(1))).hasSize((int) deadCases);
                assertThat(keys(KafkaTestSupport.readCommittedToEnd(topics.validated(), Duration.ofMinutes(1))))
                        .containsExactlyInAnyOrderElementsOf(expected.validatedKeys);
                assertThat(job.getJobStatus().get()).as("the job survives the corpus").isEqualTo(JobStatus.RUNNING);
                assertThat(ClusterProbes.jobMetric(rest, job, "numRestarts")).as("no restart caused by input").isZero();
            } finally {
                if (!job.getJobStatus().get().isGloballyTerminalState()) {
                    job.cancel().get();
                }
            }
        } finally {
            warehouse.drop();
        }
    }

    private JobSettings settings(String run, FreshTopics topics, List<String> observationTopics, List<String> out,
            WarehouseTestSchema warehouse, String indexSuffix) {
        // the assets flow's settings on the stack; the SSRF guard stays on: only the test server's 127.0.0.1 is
        // allow-listed, every other internal address is refused
        Map<String, String> s = new LinkedHashMap<>(AssetsFlowIT.rawSettings(topics, out, warehouse));
        s.put("flows", "integration,telemetry,observations,assets,lake");
        s.put("decode.max-payload", HostileCorpus.MAX_PAYLOAD_BYTES / 1024 + "kb");
        s.put("topics.observations", String.join(",", observationTopics));
        s.put("topics.observations-late", out.get(3));
        s.put("topics.catalog", out.get(4));
        s.put("assets.download-timeout", "2s");
        s.put("assets.retry-attempts", "2");
        s.put("assets.retry-max-delay", "500ms");
        // the good assets' requests wait for their downloads, which share two cores with all five flows here
        s.put("assets.request-ttl", "2min");
        s.put("warehouse.flush-interval", "300ms");
        s.put("telemetry.devices-index", "devices" + indexSuffix);
        s.put("telemetry.order.max-hold", "2s");
        s.put("telemetry.enrich.max-wait", "2s");
        s.put("observations.index-suffix", indexSuffix);
        s.put("lake.raw-zone", "s3://" + StackEnv.s3Bucket() + "/it-bad-input-" + run);
        s.put("lake.landing", landing.toUri().toString());
        s.put("lake.landing-scan-interval", "500ms");
        s.put("lake.catalog-index", "catalog" + indexSuffix);
        return JobSettings.parse(s, AssetsFlowIT.secrets());
    }

    /** What the valid and accepted records must produce. */
    private static final class Expected {
        final List<String> validatedKeys = new ArrayList<>();
        int readings;
        int customers;
        int trips;
        int observations;
        /** Devices with a latest-state document: the valid ones and each accepted hostile reading's own. */
        int devices;
        final List<String> goodAssets = new ArrayList<>();
        final Map<String, String> acceptedText = new LinkedHashMap<>();
    }

    /** Interleaves each topic's hostile cases with its valid records and sends them; remembers every offset. */
    private Expected produce(List<HostileCorpus.Case> corpus, FreshTopics topics, List<String> observationTopics,
            HostileAssetServer server, String run) throws Exception {
        Expected expected = new Expected();
        Instant now = Instant.now();

        List<Valid> readings = new ArrayList<>();
        for (int seq = 1; seq <= READINGS_PER_DEVICE; seq++) {
            for (int d = 0; d < DEVICES; d++) {
                readings.add(Valid.of(HoverboardReading.class, "deviceId", "bi-hb-" + d, "seq", seq,
                        "eventTime", now.minusSeconds(60 - seq)));
            }
        }
        List<Valid> customers = new ArrayList<>();
        List<Valid> trips = new ArrayList<>();
        for (int i = 0; i < CUSTOMERS; i++) {
            customers.add(Valid.of(Customer.class, "customerId", "bi-cust-" + i, "name", "Customer " + i, "updatedAt", now));
            trips.add(Valid.of(Trip.class, "tripId", "bi-trip-" + i, "hoverboardId", "bi-hb-" + (i % DEVICES),
                    "customerId", "bi-cust-" + i, "startedAt", now.minusSeconds(600), "endedAt", now.minusSeconds(60)));
        }
        List<Valid> announced = new ArrayList<>();
        List<Valid> requests = new ArrayList<>();
        for (int i = 0; i < GOOD_ASSETS; i++) {
            String id = "bi-asset-" + run + "-" + i;
            announced.add(announcement(id, server.base() + "/img/" + id + ".png", now));
            requests.add(Valid.of(AssetRequest.class, "requestId", "bi-req-" + run + "-" + i, "edgeId", "edge-bi",
                    "assetId", id, "requestedAt", now));
            expected.goodAssets.add(id);
        }

        send(topics.hoverboard(), readings, corpus, "hoverboard-reading", expected);
        send(topics.customer(), customers, corpus, "customer", expected);
        send(topics.trip(), trips, corpus, "trip", expected);
        send(topics.requested(), requests, corpus, "asset-request", expected);
        // hostile URLs are valid announcements: they pass decoding and must fail in the download operator
        for (HostileCorpus.Case c : corpus) {
            if (c.source().equals(HostileCorpus.ASSET_URL)) {
                announced.add(announcement(c.id(), c.url(server.base(), server.port()), now));
            }
        }
        send(topics.announced(), announced, corpus, "asset-announced", expected);
        List<HostileCorpus.Case> hostileObservations = corpus.stream().filter(c -> c.source().equals("observation")).toList();
        for (int s = 0; s < OBSERVATION_SOURCES.size(); s++) {
            List<Valid> observations = new ArrayList<>();
            for (int i = 0; i < OBSERVATIONS_PER_SOURCE; i++) {
                String source = OBSERVATION_SOURCES.get(s);
                observations.add(Valid.of(Observation.class, "occurrenceId", "bi-obs-" + source + "-" + i,
                        "source", source, "eventTime", now.minusSeconds(30)));
            }
            int source = s;
            List<HostileCorpus.Case> share = new ArrayList<>();
            for (int i = 0; i < hostileObservations.size(); i++) {
                if (i % OBSERVATION_SOURCES.size() == source) {
                    share.add(hostileObservations.get(i));
                }
            }
            sendInterleaved(observationTopics.get(s), observations, share, expected);
        }
        expected.readings = readings.size();
        expected.devices = DEVICES;
        expected.customers = customers.size();
        expected.trips = trips.size();
        expected.observations = OBSERVATION_SOURCES.size() * OBSERVATIONS_PER_SOURCE;
        for (HostileCorpus.Case c : corpus) {
            if (c.outcome() == HostileCorpus.Outcome.ACCEPTED) {
                switch (c.source()) {
                    case "hoverboard-reading" -> {
                        expected.readings++;
                        expected.devices++; // every accepted reading of the corpus names a device of its own
                    }
                    case "customer" -> expected.customers++;
                    case "observation" -> expected.observations++;
                    default -> throw new IllegalStateException(c.id() + ": no sink check for accepted " + c.source());
                }
            }
        }
        return expected;
    }

    private void send(String topic, List<Valid> valid, List<HostileCorpus.Case> corpus, String source,
            Expected expected) throws Exception {
        sendInterleaved(topic, valid, corpus.stream().filter(c -> c.source().equals(source)).toList(), expected);
    }

    /** Valid and hostile records alternate; valid ones alternate between JSON and Avro. */
    private void sendInterleaved(String topic, List<Valid> valid, List<HostileCorpus.Case> hostile,
            Expected expected) throws Exception {
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        List<HostileCorpus.Case> cases = new ArrayList<>();
        int v = 0;
        int h = 0;
        while (v < valid.size() || h < hostile.size()) {
            if (v < valid.size()) {
                Valid r = valid.get(v);
                String key = key(r.type(), readJson(r.json()));
                records.add(new SimpleEntry<>(key, v % 2 == 0 ? r.json() : HostileCorpus.avro(r.type(), r.json())));
                cases.add(null);
                expected.validatedKeys.add(key);
                v++;
            }
            if (h < hostile.size()) {
                HostileCorpus.Case c = hostile.get(h++);
                byte[] bytes = c.bytes();
                String key = c.outcome() == HostileCorpus.Outcome.ACCEPTED ? acceptedKey(c, expected) : c.key();
                records.add(new SimpleEntry<>(key, bytes));
                cases.add(c);
            }
        }
        List<RecordMetadata> offsets = KafkaTestSupport.produceReturningOffsets(topic, records);
        for (int i = 0; i < records.size(); i++) {
            sent.add(new Sent(cases.get(i), records.get(i).getKey(), topic, offsets.get(i).partition(), offsets.get(i).offset()));
        }
    }

    /**
     * An accepted case is a valid record: its id is the key, and its text must land verbatim. Both are read from
     * the corpus's own JSON with plain Jackson (an {@code avro:} case is made from the same JSON), not with the
     * job's codec: the codec is what is under test.
     */
    private static String acceptedKey(HostileCorpus.Case c, Expected expected) {
        JsonNode r = HostileCorpus.acceptedJson(c);
        String key = key(c.type(), r);
        expected.validatedKeys.add(key);
        if (c.type() == Customer.class) {
            expected.acceptedText.put("customers:" + r.path("customerId").asText(), r.path("name").asText());
        } else if (c.type() == Observation.class) {
            expected.acceptedText.put("observations:" + r.path("occurrenceId").asText(), r.path("scientificName").asText());
        } else if (c.type() == HoverboardReading.class) {
            expected.acceptedText.put("readings:" + r.path("deviceId").asText(), r.path("deviceId").asText());
        }
        return key;
    }

    /** The key the job's validated topic uses for the record (its entity id; trips: hoverboard/customer). */
    private static String key(Class<? extends SpecificRecordBase> type, JsonNode r) {
        if (type == HoverboardReading.class) {
            return r.path("deviceId").asText();
        } else if (type == Customer.class) {
            return r.path("customerId").asText();
        } else if (type == Trip.class) {
            return r.path("hoverboardId").asText() + "/" + r.path("customerId").asText();
        } else if (type == Observation.class) {
            return r.path("occurrenceId").asText();
        } else if (type == AssetAnnounced.class || type == AssetRequest.class) {
            return r.path("assetId").asText();
        }
        throw new IllegalArgumentException("no key for " + type);
    }

    private static Valid announcement(String id, String url, Instant now) {
        return Valid.of(AssetAnnounced.class, "assetId", id, "url", url, "mediaType", "image/png", "publishedAt", now,
                "version", 1);
    }

    /** A valid record: the type's sample with these fields, as JSON (Avro is made from it). */
    private record Valid(Class<? extends SpecificRecordBase> type, byte[] json) {

        static Valid of(Class<? extends SpecificRecordBase> type, Object... fieldsAndValues) {
            com.fasterxml.jackson.databind.node.ObjectNode patch = JSON.createObjectNode();
            for (int i = 0; i < fieldsAndValues.length; i += 2) {
                Object value = fieldsAndValues[i + 1];
                patch.set((String) fieldsAndValues[i], value instanceof Number n ? JSON.valueToTree(n)
                        : TextNode.valueOf(value.toString()));
            }
            return new Valid(type, HostileCorpus.patched(type, patch.toString()));
        }
    }

    private static JsonNode readJson(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // --- observing outcomes

    private void observeDeadLetters(List<HostileCorpus.Case> corpus, String topic, Map<String, List<String>> observed) {
        Map<String, Sent> byOffset = new HashMap<>();
        sent.forEach(s -> byOffset.put(s.topic() + "/" + s.partition() + "/" + s.offset(), s));
        for (ConsumerRecord<byte[], byte[]> r : KafkaTestSupport.readCommittedToEnd(topic, Duration.ofMinutes(1))) {
            DeadLetter d = decode(() -> DeadLetter.getDecoder().decode(ByteBuffer.wrap(r.value())));
            String outcome = "dead:" + d.getReasonCode();
            // bounded whatever came in: the key (the hugekey: case sends 512 KiB) and the dead letter's own record
            assertThat(d.getKey() == null ? 0 : d.getKey().remaining()).as("key bytes kept in %s", d.getReasonCode())
                    .isLessThanOrEqualTo(1024);
            assertThat(r.key() == null ? 0 : r.key().length).as("dead-letter record key").isLessThanOrEqualTo(1024);

            if (d.getSourceTopic() != null) {
                Sent s = byOffset.get(d.getSourceTopic() + "/" + d.getSourcePartition() + "/" + d.getSourceOffset());
                assertThat(s).as("dead letter %s names a record the test sent", d).isNotNull();
                assertThat(s.hostile()).as("a valid record was dead-lettered: %s (%s)", s.key(), d.getReason()).isNotNull();
                assertThat(d.getKeySize()).as("the original key size of %s", s.hostile().id())
                        .isEqualTo(s.key().getBytes(StandardCharsets.UTF_8).length);
                observed.get(s.hostile().id()).add(outcome);
            } else {
                HostileCorpus.Case landed = corpus.stream().filter(c -> c.source().equals(HostileCorpus.LANDING)
                        && d.getReason().contains(c.id())).findFirst().orElseThrow(
                                () -> new AssertionError("dead letter without a source offset or landed file: " + d));
                assertThat(d.getFlow()).isEqualTo("lake");
                observed.get(landed.id()).add(outcome);
            }
        }
    }

    /** Waits until every hostile URL's asset is FAILED, then records each asset's FAILED reasons. */
    private static void observeFailedAssets(List<HostileCorpus.Case> corpus, String statusTopic,
            Map<String, List<String>> observed) throws InterruptedException {
        List<String> urls = corpus.stream().filter(c -> c.source().equals(HostileCorpus.ASSET_URL))
                .map(HostileCorpus.Case::id).toList();
        Await.untilOrTimeout(DEADLINE, () -> failed(KafkaTestSupport.readCommittedToEnd(statusTopic, Duration.ofMinutes(1)))
                .keySet().containsAll(urls));
        List<AssetStatus> statuses = KafkaTestSupport.readCommittedToEnd(statusTopic, Duration.ofMinutes(1)).stream()
                .map(r -> decode(() -> AssetStatus.getDecoder().decode(ByteBuffer.wrap(r.value())))).toList();
        for (AssetStatus s : statuses) {
            if (s.getState() == AssetState.FAILED && s.getRequestId() == null && observed.containsKey(s.getAssetId())) {
                String reason = s.getReason();
                observed.get(s.getAssetId()).add("failed:" + reason.substring(0, Math.max(0, reason.indexOf(':'))));
            }
        }
    }

    private static Map<String, AssetStatus> failed(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, AssetStatus> failed = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            AssetStatus s = decode(() -> AssetStatus.getDecoder().decode(ByteBuffer.wrap(r.value())));
            if (s.getState() == AssetState.FAILED && s.getRequestId() == null) {
                failed.put(s.getAssetId(), s);
            }
        }
        return failed;
    }

    private void observeAccepted(List<String> validatedKeys,
            Map<String, List<String>> observed) {
        for (Sent s : sent) {
            if (s.hostile() != null && s.hostile().outcome() == HostileCorpus.Outcome.ACCEPTED
                    && validatedKeys.contains(s.key())) {
                observed.get(s.hostile().id()).add("accepted");
            }
        }
    }

    private static List<String> keysUntil(String topic, int count) {
        return keys(KafkaTestSupport.readCommittedUntil(topic, DEADLINE, seen -> seen.size() >= count));
    }

    private static List<String> keys(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
    }

    // --- valid records in their sinks

    private static void assertValidRecordsReachedTheirSinksOnce(Expected expected, List<String> validated, List<String> out,
            WarehouseTestSchema warehouse, String indexSuffix) throws Exception {
        assertThat(validated).as("validated topic: every valid record once").containsExactlyInAnyOrderElementsOf(expected.validatedKeys);

        Await.until("warehouse rows of every valid record", DEADLINE, () ->
                warehouse.countOrMinusOne("SELECT count(*) FROM readings") == expected.readings
                        && warehouse.countOrMinusOne("SELECT count(*) FROM customers") == expected.customers
                        && warehouse.countOrMinusOne("SELECT count(*) FROM trips") == expected.trips
                        && warehouse.countOrMinusOne("SELECT count(*) FROM observations") == expected.observations);
        assertThat(warehouse.countOrMinusOne("SELECT count(DISTINCT (device_id, seq)) FROM readings")).isEqualTo(expected.readings);
        for (Map.Entry<String, String> text : expected.acceptedText.entrySet()) {
            String table = text.getKey().substring(0, text.getKey().indexOf(':'));
            String id = text.getKey().substring(table.length() + 1);
            String sql = switch (table) {
                case "customers" -> "SELECT name FROM customers WHERE customer_id = " + literal(id);
                case "observations" -> "SELECT scientific_name FROM observations WHERE occurrence_id = " + literal(id);
                default -> "SELECT DISTINCT device_id FROM readings WHERE device_id = " + literal(id);
            };
            assertThat(warehouse.rows(sql)).as("stored verbatim: %s", text.getKey()).containsExactly(text.getValue());
        }

        String observationsIndex = "observations" + indexSuffix;
        Await.until("every valid observation in " + observationsIndex, DEADLINE,
                () -> searchCount(observationsIndex) == expected.observations);
        for (Map.Entry<String, String> text : expected.acceptedText.entrySet()) {
            if (text.getKey().startsWith("observations:")) {
                JsonNode doc = searchById(observationsIndex, text.getKey().substring("observations:".length()));
                assertThat(doc.path("scientificName").asText()).as("indexed verbatim: %s", text.getKey()).isEqualTo(text.getValue());
            }
        }
        String devicesIndex = "devices" + indexSuffix;
        Await.until("every device in " + devicesIndex, DEADLINE, () -> searchCount(devicesIndex) == expected.devices);

        List<AssetBroadcast> broadcasts = KafkaTestSupport.readCommittedToEnd(out.get(1), Duration.ofMinutes(1)).stream()
                .map(r -> decode(() -> AssetBroadcast.getDecoder().decode(ByteBuffer.wrap(r.value())))).toList();
        assertThat(broadcasts).extracting(AssetBroadcast::getAssetId).containsExactlyInAnyOrderElementsOf(expected.goodAssets);
        List<AssetDelivery> deliveries = KafkaTestSupport.readCommittedUntil(out.get(2), DEADLINE,
                        seen -> seen.size() >= expected.goodAssets.size()).stream()
                .map(r -> decode(() -> AssetDelivery.getDecoder().decode(ByteBuffer.wrap(r.value())))).toList();
        assertThat(deliveries).allSatisfy(d -> assertThat(d.getState()).isEqualTo(AssetState.DELIVERED))
                .extracting(AssetDelivery::getAssetId).containsExactlyInAnyOrderElementsOf(expected.goodAssets);
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private static long searchCount(String index) throws Exception {
        JsonNode r = JSON.readTree(http(StackEnv.esUrl() + "/" + index + "/_count", null));
        return r.path("count").asLong(-1);
    }

    private static JsonNode searchById(String index, String id) throws Exception {
        String query = "{\"query\":{\"ids\":{\"values\":[" + TextNode.valueOf(id) + "]}}}";
        JsonNode hits = JSON.readTree(http(StackEnv.esUrl() + "/" + index + "/_search", query)).path("hits").path("hits");
        assertThat(hits.size()).as("documents with id %s", id).isEqualTo(1);
        return hits.get(0).path("_source");
    }

    private static String http(String url, String jsonBody) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (jsonBody != null) {
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(jsonBody));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    // --- metrics, read through the MiniCluster's REST API like the web UI does

    private static Configuration metricsEvery(Duration interval) {
        Configuration conf = new Configuration();
        conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, interval);
        return conf;
    }

    /**
     * Every input's source decodes and counts its rejects per reason ({@code rejected_<CODE>}); one source per type
     * for the whole job, so each type's counters hold every reject of that type exactly once.
     */
    private static void assertDecodeMetrics(URI rest, JobClient job, List<HostileCorpus.Case> corpus) throws Exception {
        Map<String, Long> expectedPerType = new TreeMap<>();
        for (HostileCorpus.Case c : corpus) {
            if (c.isKafka() && c.outcome() == HostileCorpus.Outcome.DEAD_LETTER) {
                expectedPerType.merge(c.type().getSimpleName() + "." + "rejected_" + c.reason(), 1L, Long::sum);
            }
        }
        Map<String, Map<String, Long>> actual = new TreeMap<>();
        Await.until("decode metrics of every hostile record", Duration.ofMinutes(2), () -> {
            actual.clear();
            actual.putAll(rejectedPerDecodeOperator(rest, job));
            // the REST metrics arrive operator by operator (the fetcher's interval, lazily registered counters):
            // wait for all of them, not just for the ones seen so far to agree
            return actual.size() >= typesWithRejects(expectedPerType)
                    && actual.values().stream().allMatch(m -> m.equals(expectedFor(m, expectedPerType)));
        });
        System.out.println("decode operators and their rejects: " + actual);
        assertThat(actual.keySet()).as("one decoding source per type with rejects").hasSize(typesWithRejects(expectedPerType));
    }

    private static int typesWithRejects(Map<String, Long> expectedPerType) {
        return (int) expectedPerType.keySet().stream().map(k -> k.split("\\.")[0]).distinct().count();
    }

    /** The expected counters of one decode operator, found by the type named in its metrics' keys. */
    private static Map<String, Long> expectedFor(Map<String, Long> actual, Map<String, Long> expectedPerType) {
        String type = actual.keySet().iterator().next().split("\\.")[0];
        Map<String, Long> e = new TreeMap<>();
        expectedPerType.forEach((k, v) -> {
            if (k.startsWith(type + ".")) {
                e.put(k, v);
            }
        });
        return e;
    }

    /** vertex/Type → "Type.rejected_CODE" → sum over subtasks, from every source's "Decode_<Type>" metric group. */
    private static Map<String, Map<String, Long>> rejectedPerDecodeOperator(URI rest, JobClient job) throws Exception {
        Map<String, Map<String, Long>> result = new TreeMap<>();
        java.util.regex.Pattern key = java.util.regex.Pattern.compile("([^/]+)/.*\\.Decode_(\\w+)\\.(rejected_\\w+)");
        operatorMetrics(rest, job, ".*\\.Decode_\\w+\\.rejected_\\w+").forEach((vertexAndId, value) -> {
            java.util.regex.Matcher m = key.matcher(vertexAndId);
            if (m.matches()) {
                result.computeIfAbsent(m.group(1) + "/" + m.group(2), k -> new TreeMap<>())
                        .merge(m.group(2) + "." + m.group(3), value, Long::sum);
            }
        });
        return result;
    }

    /**
     * The lake's parse operator counts rejected files per reason; the download operator counts failed attempts per
     * reason (retryable reasons once per attempt, so at least once per asset).
     */
    private static void assertLakeAndDownloadMetrics(URI rest, JobClient job, List<HostileCorpus.Case> corpus) throws Exception {
        Map<String, Long> landed = new TreeMap<>();
        Map<String, Long> downloads = new TreeMap<>();
        for (HostileCorpus.Case c : corpus) {
            if (c.source().equals(HostileCorpus.LANDING)) {
                landed.merge(ObservationFileParser.REJECTED_FILES + "_" + c.reason(), 1L, Long::sum);
            } else if (c.source().equals(HostileCorpus.ASSET_URL)) {
                downloads.merge(c.reason(), 1L, Long::sum);
            }
        }
        Map<String, Long> landedActual = new TreeMap<>();
        Map<String, Long> downloadsActual = new TreeMap<>();
        boolean counted = Await.untilOrTimeout(Duration.ofMinutes(1), () -> {
            landedActual.clear();
            operatorMetrics(rest, job, "[^.]+\\." + ObservationFileParser.REJECTED_FILES + "_\\w+")
                    .forEach((k, v) -> landedActual.merge(k.substring(k.lastIndexOf('.') + 1), v, Long::sum));
            downloadsActual.clear();
            operatorMetrics(rest, job, "[^.]+\\.reason\\.\\w+\\.downloadsFailed")
                    .forEach((k, v) -> downloadsActual.merge(k.split("\\.")[2], v, Long::sum));
            return landedActual.equals(landed) && downloads.entrySet().stream().allMatch(e -> retryable(e.getKey())
                    ? downloadsActual.getOrDefault(e.getKey(), 0L) >= e.getValue()
                    : downloadsActual.getOrDefault(e.getKey(), 0L).equals(e.getValue()));
        });
        System.out.println("landed files rejected: " + landedActual + "; failed download attempts: " + downloadsActual);
        assertThat(landedActual).as("landed files rejected per reason").isEqualTo(landed);
        assertThat(counted).as("failed downloads per reason %s, expected at least %s", downloadsActual, downloads).isTrue();
    }

    private static boolean retryable(String reason) {
        return dev.tributary.sinks.assets.FailureReason.valueOf(reason).retryable();
    }

    /**
     * "vertexId/operator.metric" → value summed over subtasks, for every operator metric whose id without the
     * subtask index matches {@code regex} (the REST API replaces spaces in operator names by underscores).
     */
    private static Map<String, Long> operatorMetrics(URI rest, JobClient job, String regex) throws Exception {
        Map<String, Long> result = new TreeMap<>();
        String jobPath = rest.resolve("/jobs/" + job.getJobID()).toString();
        for (JsonNode vertex : JSON.readTree(http(jobPath, null)).path("vertices")) {
            String vertexPath = jobPath + "/vertices/" + vertex.path("id").asText() + "/metrics";
            List<String> ids = new ArrayList<>();
            for (JsonNode m : JSON.readTree(http(vertexPath, null))) {
                String id = m.path("id").asText();
                if (id.matches("\\d+\\." + regex)) {
                    ids.add(id);
                }
            }
            if (ids.isEmpty()) {
                continue;
            }
            JsonNode values = JSON.readTree(http(vertexPath + "?get=" + URLEncoder.encode(String.join(",", ids),
                    StandardCharsets.UTF_8), null));
            for (JsonNode v : values) {
                String id = v.path("id").asText();
                result.merge(vertex.path("id").asText() + "/" + id.substring(id.indexOf('.') + 1),
                        (long) Double.parseDouble(v.path("value").asText()), Long::sum);
            }
        }
        return result;
    }


    // --- the summary table

    private static void printSummary(List<HostileCorpus.Case> corpus, Map<String, List<String>> observed) {
        StringBuilder table = new StringBuilder("\nbad input: case -> source -> expected -> observed (count)\n");
        table.append(String.format("%-36s %-20s %-32s %-32s %s%n", "case", "source", "expected", "observed", "count"));
        Map<String, Long> perOutcome = new TreeMap<>();
        for (HostileCorpus.Case c : corpus) {
            List<String> o = observed.get(c.id());
            String seen = o.isEmpty() ? "(nothing)" : String.join(",", o.stream().distinct().toList());
            table.append(String.format("%-36s %-20s %-32s %-32s %d%s%n", c.id(), c.source(), c.expected(), seen, o.size(),
                    o.equals(List.of(c.expected())) ? "" : "   <-- MISMATCH"));
            o.forEach(x -> perOutcome.merge(x, 1L, Long::sum));
        }
        table.append("totals per outcome: ").append(perOutcome.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
        System.out.println(table);
    }

    @FunctionalInterface
    private interface Decoding<T> {
        T call() throws Exception;
    }

    private static <T> T decode(Decoding<T> decoding) {
        try {
            return decoding.call();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
