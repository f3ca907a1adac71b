package dev.tributary.pipeline.flows;

import dev.tributary.events.AssetAnnounced;
import dev.tributary.events.AssetBroadcast;
import dev.tributary.events.AssetDelivery;
import dev.tributary.events.AssetRequest;
import dev.tributary.events.AssetState;
import dev.tributary.events.AssetStatus;
import dev.tributary.operators.codec.RawRecord;
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
import dev.tributary.samples.SampleAssetServer;
import dev.tributary.sinks.objectstore.ObjectStore;
import dev.tributary.operators.assets.Sha256;
import dev.tributary.testing.StackEnv;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The assets flow end to end on a MiniCluster against the local stack's real Kafka, S3Proxy, Elasticsearch and
 * PostgreSQL, with this test's own HTTP server as the asset source and a task failure injected mid-stream:
 * announce → stored → broadcast → request → delivered, each exactly once; hostile, oversized, slow and
 * wrong-type assets each end FAILED with their reason while the job keeps running.
 */
public class AssetsFlowIT {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final int GOOD = 12;

    @Test
    void assetsAreStoredBroadcastAndDeliveredExactlyOnceAndHostileOnesFail() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        FreshTopics topics = FreshTopics.create(2);
        List<String> out = KafkaTestSupport.createTopics(2, "assets-status", "assets-broadcast", "assets-delivered");
        String statusTopic = out.get(0);
        String broadcastTopic = out.get(1);
        String deliveredTopic = out.get(2);
        WarehouseTestSchema warehouse = WarehouseTestSchema.redshiftLike("assets_it_" + run);

        try (SampleAssetServer server = SampleAssetServer.start(0, 24);
             ObjectStore s3 = AssetsFlow.objectStore(settings(topics, out, warehouse)).open()) {
            // good assets: each announced twice (the repeat is dropped), one re-announced as version 2 at a new URL
            List<AssetAnnounced> announcements = new ArrayList<>();
            Map<String, String> goodPaths = new LinkedHashMap<>();
            for (int i = 0; i < GOOD; i++) {
                String path = i % 4 == 1 ? "/img/" + run + "-" + i + ".jpg" : i % 4 == 2 ? "/video/" + run + "-" + i + ".mp4"
                        : "/img/" + run + "-" + i + ".png";
                String type = path.endsWith(".jpg") ? "image/jpeg" : path.endsWith(".mp4") ? "video/mp4" : "image/png";
                goodPaths.put("good-" + run + "-" + i, path);
                AssetAnnounced a = announcement("good-" + run + "-" + i, server.url(path), type, 1);
                announcements.add(a);
                announcements.add(a);
            }
            String flaky = "flaky-" + run;
            announcements.add(announcement(flaky, server.url("/flaky/" + run + ".png"), "image/png", 1));
            // version 2 of an asset at a new URL, announced once version 1 is broadcast (so neither is stale)
            String v2Path = "/img/" + run + "-v2.png";
            AssetAnnounced v2 = announcement("good-" + run + "-0", server.url(v2Path), "image/png", 2);

            // hostile and broken: each must end FAILED with its reason
            Map<String, String> expectedReason = new LinkedHashMap<>();
            Map<String, AssetAnnounced> hostile = new LinkedHashMap<>();
            hostile.put("BLOCKED_URL", announcement("metadata-" + run, server.url("/redirect-private/" + run), "image/png", 1));
            hostile.put("TOO_LARGE", announcement("big-" + run, server.url("/big/" + run + ".png"), "image/png", 1));
            hostile.put("TIMEOUT", announcement("slow-" + run, server.url("/slow/" + run + ".png"), "image/png", 1));
            hostile.put("UNSUPPORTED_MEDIA_TYPE", announcement("wrong-" + run, server.url("/wrong/" + run + ".png"), "image/png", 1));
            hostile.put("HTTP_CLIENT_ERROR", announcement("gone-" + run, server.url("/status/404"), "image/png", 1));
            // not allow-listed: only 127.0.0.1 is, so the same server by the name localhost is refused
            String localhost = "localhost-" + run;
            hostile.put("BLOCKED_URL ", announcement(localhost, server.url("/img/" + run + "-lh.png").replace("127.0.0.1", "localhost"), "image/png", 1));
            hostile.forEach((reason, a) -> {
                expectedReason.put(a.getAssetId(), reason.trim());
                announcements.add(a);
            });

            List<AssetRequest> requests = new ArrayList<>();
            for (String id : goodPaths.keySet()) {
                requests.add(request("req-" + id, "edge-" + (id.hashCode() & 3), id));
            }
            requests.add(requests.get(3)); // a repeated request id: answered once
            requests.add(request("req-never-" + run, "edge-1", "never-" + run)); // never announced: EXPIRED
            requests.add(request("req-big-" + run, "edge-2", "big-" + run));     // its download fails: FAILED

            List<Map.Entry<String, byte[]>> announceRecords = announcements.stream()
                    .map(a -> (Map.Entry<String, byte[]>) new SimpleEntry<>(a.getAssetId(), avro(a))).toList();
            KafkaTestSupport.produce(topics.announced(), announceRecords);
            KafkaTestSupport.produce(topics.requested(), requests.stream()
                    .map(r -> (Map.Entry<String, byte[]>) new SimpleEntry<>(r.getAssetId(), avro(r))).toList());

            JobSettings settings = settings(topics, out, warehouse);
            StreamExecutionEnvironment env = TestEnvironments.withRestarts(3);

            KafkaSources kafka = new KafkaSources(settings);
            String announcedTopic = topics.announced();
            Sources withFault = new FaultySources(kafka, announcedTopic, "assets-it", announcements.size() / 2);
            TributaryJob.build(new FlowContext(env, settings, withFault, new TributarySinks(settings)));
            JobClient job = env.executeAsync("assets-it");
            try {
                KafkaTestSupport.readCommittedUntil(broadcastTopic, Duration.ofMinutes(3), seen -> seen.size() >= GOOD + 1);
                KafkaTestSupport.produce(topics.announced(), List.of(new SimpleEntry<>(v2.getAssetId(), avro(v2))));
                int stored = GOOD + 2; // the good ones, the flaky one after its retry, and version 2
                List<AssetBroadcast> broadcastsSoFar = decode(KafkaTestSupport.readCommittedUntil(broadcastTopic,
                        Duration.ofMinutes(3), seen -> seen.size() >= stored), AssetBroadcast.getDecoder()::decode);
                int answers = GOOD + 2;
                List<AssetDelivery> deliveriesSoFar = decode(KafkaTestSupport.readCommittedUntil(deliveredTopic,
                        Duration.ofMinutes(2), seen -> seen.size() >= answers), AssetDelivery.getDecoder()::decode);
                int failures = hostile.size();
                KafkaTestSupport.readCommittedUntil(statusTopic, Duration.ofMinutes(2),
                        seen -> decodeQuietly(seen).stream().filter(s -> s.getState() == AssetState.FAILED
                                && s.getRequestId() == null).count() >= failures);
                FailOnce.assertRestoredAfterCommittedOutput("assets-it");
                // catalog: one warehouse row per stored blob and per edge copy (the MERGE is idempotent on replay)
                Set<String> keys = new HashSet<>();
                broadcastsSoFar.forEach(b -> keys.add(b.getObjectKey()));
                deliveriesSoFar.stream().filter(d -> d.getObjectKey() != null).forEach(d -> keys.add(d.getObjectKey()));
                String inKeys = keys.stream().map(k -> "'" + k + "'").collect(Collectors.joining(","));
                Await.until("a catalog_entries row per object written", Duration.ofMinutes(1), () -> warehouse.countOrMinusOne(
                        "SELECT count(*) FROM catalog_entries WHERE object_key IN (" + inKeys + ")") == keys.size());
                assertThat(job.getJobStatus().get()).as("the job survives every hostile asset").isEqualTo(JobStatus.RUNNING);
                Await.until("every failure in asset_status", Duration.ofMinutes(1), () -> warehouse.countOrMinusOne(
                        "SELECT count(*) FROM asset_status WHERE state = 'FAILED' AND request_id IS NULL") == failures);
                // the reads stopped at the expected counts: stop the job (its open transactions abort) and read all
                // it committed, so a duplicate committed later shows too
                job.cancel().get();
                List<AssetBroadcast> broadcasts = decode(KafkaTestSupport.readCommittedToEnd(broadcastTopic,
                        Duration.ofMinutes(1)), AssetBroadcast.getDecoder()::decode);
                List<AssetDelivery> deliveries = decode(KafkaTestSupport.readCommittedToEnd(deliveredTopic,
                        Duration.ofMinutes(1)), AssetDelivery.getDecoder()::decode);
                List<AssetStatus> statuses = decode(KafkaTestSupport.readCommittedToEnd(statusTopic,
                        Duration.ofMinutes(1)), AssetStatus.getDecoder()::decode);

                // the warehouse's asset_status: every committed transition once, whatever the fault replayed
                Set<String> committed = statuses.stream().map(st -> st.getAssetId() + "/" + st.getState()
                        + (st.getRequestId() != null ? "/r/" + st.getRequestId() : "/v" + st.getVersion()))
                        .collect(Collectors.toSet());
                Await.until("asset_status holds every committed transition", Duration.ofMinutes(1),
                        () -> warehouse.countOrMinusOne("SELECT count(*) FROM asset_status") >= committed.size());
                assertThat(warehouse.rows("SELECT status_id FROM asset_status")).as("one row per transition")
                        .containsExactlyInAnyOrderElementsOf(committed);

                // broadcast: each stored (asset, version) exactly once, with a key whose bytes are the file's
                assertThat(broadcasts).extracting(b -> b.getAssetId() + "@" + b.getVersion()).doesNotHaveDuplicates().hasSize(stored);
                Map<String, AssetBroadcast> latest = broadcasts.stream()
                        .collect(Collectors.toMap(AssetBroadcast::getAssetId, b -> b, (x, y) -> x.getVersion() > y.getVersion() ? x : y));
                for (Map.Entry<String, String> good : goodPaths.entrySet()) {
                    String path = good.getKey().equals("good-" + run + "-0") ? v2Path : good.getValue();
                    AssetBroadcast b = latest.get(good.getKey());
                    assertThat(b).as(good.getKey()).isNotNull();
                    assertThat(b.getSha256()).isEqualTo(Sha256.hex(server.bytesOf(path)));
                    assertThat(b.getObjectKey()).isEqualTo("assets/sha256/" + b.getSha256());
                    assertThat(s3.get(b.getObjectKey()).get()).isEqualTo(server.bytesOf(path));
                    // the preview that crosses the edge link with it: the image scaled, a poster for anything else
                    assertThat(b.getThumbnail()).as("thumbnail of %s", good.getKey()).isNotNull();
                    assertThat(b.getThumbnail().getKind()).as("thumbnail of %s (%s)", good.getKey(), b.getContentType())
                            .isEqualTo(b.getContentType().startsWith("image/") ? "SCALED" : "POSTER");
                    assertThat(b.getThumbnail().getData().remaining()).isBetween(1, 24 * 1024);
                }
                assertThat(latest.get(flaky)).isNotNull();
                assertThat(server.hits("/flaky/" + run + ".png")).as("the flaky asset was retried").isGreaterThanOrEqualTo(2);

                // deliveries: every request id answered exactly once; the files are in the edges' outboxes
                assertThat(deliveries).extracting(AssetDelivery::getRequestId).doesNotHaveDuplicates().hasSize(answers);
                Map<String, AssetDelivery> byRequest = deliveries.stream()
                        .collect(Collectors.toMap(AssetDelivery::getRequestId, d -> d));
                assertThat(byRequest.get("req-never-" + run).getState()).isEqualTo(AssetState.EXPIRED);
                assertThat(byRequest.get("req-big-" + run).getState()).isEqualTo(AssetState.FAILED);
                assertThat(byRequest.get("req-big-" + run).getReason()).contains("TOO_LARGE");
                for (String id : goodPaths.keySet()) {
                    AssetDelivery d = byRequest.get("req-" + id);
                    assertThat(d.getState()).as(id).isEqualTo(AssetState.DELIVERED);
                    assertThat(d.getObjectKey()).startsWith("edges/" + d.getEdgeId() + "/assets/" + id + "/");
                    byte[] delivered = s3.get(d.getObjectKey()).get();
                    assertThat(Sha256.hex(delivered)).isEqualTo(d.getSha256());
                }

                // statuses: each hostile asset FAILED with its reason; ANNOUNCED once per announcement that passed the gate
                Map<String, String> failedReasons = new HashMap<>();
                statuses.stream().filter(s -> s.getState() == AssetState.FAILED && s.getRequestId() == null)
                        .forEach(s -> assertThat(failedReasons.put(s.getAssetId(), s.getReason())).as("one FAILED per asset").isNull());
                expectedReason.forEach((id, reason) -> assertThat(failedReasons.get(id)).as(id).startsWith(reason + ":"));
                assertThat(statuses.stream().filter(s -> s.getState() == AssetState.ANNOUNCED)
                        .map(s -> s.getAssetId() + "@" + s.getVersion()).toList())
                        .doesNotHaveDuplicates().hasSize(GOOD + 2 + hostile.size());
                assertThat(statuses.stream().filter(s -> s.getState() == AssetState.DELIVERED).map(AssetStatus::getRequestId).toList())
                        .doesNotHaveDuplicates().hasSize(GOOD);

                // every object written has its row, and no other (the job stopped: nothing more arrives)
                Set<String> written = new HashSet<>();
                broadcasts.forEach(b -> written.add(b.getObjectKey()));
                deliveries.stream().filter(d -> d.getObjectKey() != null).forEach(d -> written.add(d.getObjectKey()));
                assertThat(written).as("objects in the committed output").isEqualTo(keys);

                // Redshift keeps a second row for a key (the schema enforces none): nothing may be written twice
                assertThat(warehouse.duplicateKeys()).as("warehouse keys held by more than one row").isEmpty();
            } finally {
                if (!job.getJobStatus().get().isGloballyTerminalState()) {
                    job.cancel().get();
                }
            }
        }
    }

    static JobSettings settings(FreshTopics topics, List<String> out, WarehouseTestSchema warehouse) {
        return settings(topics, out, warehouse, Map.of());
    }

    /** The assets flow's settings on the given topics and schema, with some of them overridden. */
    static JobSettings settings(FreshTopics topics, List<String> out, WarehouseTestSchema warehouse,
                                Map<String, String> overrides) {
        Map<String, String> s = rawSettings(topics, out, warehouse);
        s.putAll(overrides);
        return JobSettings.parse(s, secrets());
    }

    /**
     * The assets flow on the stack: these topics (status, broadcast, delivered in {@code out}), S3Proxy, the warehouse
     * schema, Elasticsearch, only 127.0.0.1 allow-listed, small limits and quick retries. Secrets as
     * {@code ${env:...}} references resolved by {@link #secrets()}.
     */
    public static Map<String, String> rawSettings(FreshTopics topics, List<String> out, WarehouseTestSchema warehouse) {
        Map<String, String> s = new LinkedHashMap<>(topics.settings());
        s.put("flows", "assets");
        s.put("topics.assets-status", out.get(0));
        s.put("topics.assets-broadcast", out.get(1));
        s.put("topics.assets-delivered", out.get(2));
        s.put("objectstore.url", "s3://" + StackEnv.s3Bucket());
        s.put("objectstore.endpoint", StackEnv.s3Endpoint());
        s.put("objectstore.path-style", "true");
        s.put("objectstore.access-key", "${env:TRIBUTARY_S3_ACCESS_KEY}");
        s.put("objectstore.secret-key", "${env:TRIBUTARY_S3_SECRET_KEY}");
        s.put("assets.allowed-hosts", "127.0.0.1");
        s.put("assets.max-size", "256kb");
        s.put("assets.download-timeout", "3s");
        s.put("assets.retry-attempts", "3");
        s.put("assets.retry-initial-delay", "200ms");
        s.put("assets.retry-max-delay", "1s");
        // long enough for a good asset's request to outlast the injected restart on a loaded machine (5 s once
        // expired one there, load average 11), short enough that the never-announced one expires within the test
        s.put("assets.request-ttl", "20s");
        s.put("warehouse.jdbc-url", warehouse.url());
        s.put("warehouse.user", StackEnv.pgUser());
        s.put("warehouse.password", "${env:TRIBUTARY_PG_PASSWORD}");
        s.put("search.url", StackEnv.esUrl());
        return s;
    }

    /** The environment the settings' {@code ${env:...}} references are resolved from. */
    public static Map<String, String> secrets() {
        return Map.of("TRIBUTARY_S3_ACCESS_KEY", StackEnv.s3AccessKey(), "TRIBUTARY_S3_SECRET_KEY", StackEnv.s3SecretKey(),
                "TRIBUTARY_PG_PASSWORD", StackEnv.pgPassword());
    }

    public static AssetAnnounced announcement(String id, String url, String type, long version) {
        return AssetAnnounced.newBuilder().setAssetId(id).setSource("hq-it").setTitle("asset " + id).setMediaType(type)
                .setUrl(url).setPublishedAt(Instant.now()).setVersion(version).build();
    }

    private static AssetRequest request(String requestId, String edge, String assetId) {
        return AssetRequest.newBuilder().setRequestId(requestId).setEdgeId(edge).setAssetId(assetId)
                .setRequestedAt(Instant.now()).build();
    }

    public static byte[] avro(SpecificRecordBase r) {
        try {
            ByteBuffer b = (ByteBuffer) r.getClass().getMethod("toByteBuffer").invoke(r);
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return bytes;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @FunctionalInterface
    public interface Decoder<T> {
        T decode(ByteBuffer bytes) throws Exception;
    }

    public static <T> List<T> decode(List<ConsumerRecord<byte[], byte[]>> records, Decoder<T> decoder) throws Exception {
        List<T> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            out.add(decoder.decode(ByteBuffer.wrap(r.value())));
        }
        return out;
    }

    private static List<AssetStatus> decodeQuietly(List<ConsumerRecord<byte[], byte[]>> records) {
        try {
            return decode(records, AssetStatus.getDecoder()::decode);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
