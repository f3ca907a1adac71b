package dev.tributary.pipeline.flows;

import dev.tributary.events.AssetBroadcast;
import dev.tributary.events.AssetDelivery;
import dev.tributary.events.AssetState;
import dev.tributary.operators.codec.AvroEventSerializer;
import dev.tributary.pipeline.Await;
import dev.tributary.pipeline.FreshTopics;
import dev.tributary.pipeline.KafkaTestSupport;
import dev.tributary.pipeline.TestEnvironments;
import dev.tributary.pipeline.TributaryJob;
import dev.tributary.pipeline.WarehouseTestSchema;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.tools.edge.EdgeCatalog;
import dev.tributary.pipeline.io.KafkaSources;
import dev.tributary.pipeline.io.TributarySinks;
import dev.tributary.sinks.redshift.EdgeAssetStatus;
import dev.tributary.testing.StackEnv;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge flow on a MiniCluster against the stack's Kafka and PostgreSQL: broadcasts become AVAILABLE rows of
 * edge_assets, and a replay of the same broadcasts after the edge requested or received assets changes nothing.
 * HQ's FAILED and EXPIRED answers to this edge end its requests (FAILED/EXPIRED rows, which can be requested
 * again); answers to other edges, DELIVERED answers and answers to an older request attempt change nothing.
 */
class EdgeFlowIT {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @Test
    void broadcastsBecomeAvailableRowsAndReplaysNeverRegressAStatus() throws Exception {
        FreshTopics base = FreshTopics.create(2);
        String broadcastTopic = KafkaTestSupport.createTopics(1, "edge-broadcast").get(0);
        String answerTopic = KafkaTestSupport.createTopics(1, "edge-delivered").get(0);
        WarehouseTestSchema db = WarehouseTestSchema.fresh("edge_flow_it_" + broadcastTopic.substring(broadcastTopic.lastIndexOf('-') + 1));
        Map<String, String> raw = new LinkedHashMap<>(base.settings());
        raw.put("flows", "edge");
        raw.put("topics.edge-assets-broadcast", broadcastTopic);
        raw.put("topics.edge-assets-delivered", answerTopic);
        raw.put("edge.id", "edge-it");
        raw.putAll(db.jobSettings());
        raw.put("warehouse.flush-interval", "500ms");
        JobSettings settings = WarehouseTestSchema.parse(raw);

        List<Map.Entry<String, byte[]>> broadcasts = List.of(broadcast("a-1"), broadcast("a-2"), broadcast("a-3"));
        KafkaTestSupport.produce(broadcastTopic, 0, broadcasts);

        StreamExecutionEnvironment env = TestEnvironments.withRestarts(3);
        // one partition and one writer: a later record's row proves the earlier ones were merged
        env.setParallelism(1);
        TributaryJob.build(new FlowContext(env, settings, new KafkaSources(settings), new TributarySinks(settings)));
        JobClient job = env.executeAsync("edge-it");
        try {
            Await.until("three AVAILABLE rows", Duration.ofMinutes(2),
                    () -> db.countOrMinusOne("SELECT count(*) FROM edge_assets WHERE status = 'AVAILABLE'") == 3);
            try (Connection c = DriverManager.getConnection(db.url(), StackEnv.pgUser(), StackEnv.pgPassword())) {
                assertThat(EdgeCatalog.request(c, "a-1")).isTrue();
                assertThat(EdgeCatalog.advance(c, "a-2", EdgeAssetStatus.DELIVERED, 0)).isEqualTo(1);
                assertThat(EdgeCatalog.request(c, "a-3")).isTrue();
                assertThat(EdgeCatalog.advance(c, "a-3", EdgeAssetStatus.REQUESTED, 0)).isEqualTo(1);
            }
            // HQ's broadcast replayed (e.g. MirrorMaker or the HQ job restarted from an older offset), then a new asset
            KafkaTestSupport.produce(broadcastTopic, 0, broadcasts);
            KafkaTestSupport.produce(broadcastTopic, 0, List.of(broadcast("a-4")));
            Await.until("a-4 stored", Duration.ofMinutes(2),
                    () -> db.countOrMinusOne("SELECT count(*) FROM edge_assets WHERE asset_id = 'a-4'") == 1);
            assertThat(db.rows("SELECT asset_id, status, status_rank, title FROM edge_assets ORDER BY asset_id"))
                    .containsExactly("a-1|REQUESTING|1|Asset a-1", "a-2|DELIVERED|3|Asset a-2",
                            "a-3|REQUESTED|2|Asset a-3", "a-4|AVAILABLE|0|Asset a-4");

            // HQ answers: another edge's answer, one to a request another producer made in this edge's name and a
            // DELIVERED one (all for a-4, which this edge's publisher never asked for) must change nothing; a-1's FAILED and a-3's EXPIRED end their requests
            KafkaTestSupport.produce(answerTopic, 0, List.of(answer("other-edge/a-4", AssetState.EXPIRED),
                    answer("edge-it/a-4", "req-a-4", AssetState.FAILED),
                    answer("edge-it/a-4", AssetState.DELIVERED), answer("edge-it/a-1", AssetState.FAILED),
                    answer("edge-it/a-3", AssetState.EXPIRED)));
            Await.until("a-1 FAILED and a-3 EXPIRED", Duration.ofMinutes(2), () -> db.countOrMinusOne(
                    "SELECT count(*) FROM edge_assets WHERE status IN ('FAILED', 'EXPIRED')") == 2);
            assertThat(db.rows("SELECT asset_id, status, status_rank FROM edge_assets ORDER BY asset_id"))
                    .containsExactly("a-1|FAILED|3", "a-2|DELIVERED|3", "a-3|EXPIRED|3", "a-4|AVAILABLE|0");

            // both may be requested again: the next attempt, above every rank of the first
            try (Connection c = DriverManager.getConnection(db.url(), StackEnv.pgUser(), StackEnv.pgPassword())) {
                assertThat(EdgeCatalog.request(c, "a-1")).isTrue();
                assertThat(EdgeCatalog.request(c, "a-3")).isTrue();
            }
            // a replay of the first attempt's answers, then an answer to a-1's second attempt: only that one applies
            KafkaTestSupport.produce(answerTopic, 0, List.of(answer("edge-it/a-1", AssetState.FAILED),
                    answer("edge-it/a-3", AssetState.EXPIRED), answer("edge-it/a-1#1", AssetState.EXPIRED)));
            Await.until("a-1's second attempt EXPIRED", Duration.ofMinutes(2), () -> db.countOrMinusOne(
                    "SELECT count(*) FROM edge_assets WHERE asset_id = 'a-1' AND status = 'EXPIRED'") == 1);
            assertThat(db.rows("SELECT asset_id, status, status_rank FROM edge_assets ORDER BY asset_id"))
                    .containsExactly("a-1|EXPIRED|13", "a-2|DELIVERED|3", "a-3|REQUESTING|11", "a-4|AVAILABLE|0");
        } finally {
            job.cancel().get();
            db.drop();
        }
    }

    /** HQ's answer to request {@code <edgeId>/<assetId>[#attempt]}. */
    private static Map.Entry<String, byte[]> answer(String requestId, AssetState state) {
        return answer(requestId, requestId, state);
    }

    /** HQ's answer for {@code <edgeId>/<assetId>} to a request with the given id. */
    private static Map.Entry<String, byte[]> answer(String edgeAndAsset, String requestId, AssetState state) {
        String edgeId = edgeAndAsset.substring(0, edgeAndAsset.indexOf('/'));
        String assetId = edgeAndAsset.substring(edgeAndAsset.indexOf('/') + 1).replaceFirst("#.*", "");
        AssetDelivery d = AssetDelivery.newBuilder().setRequestId(requestId).setEdgeId(edgeId).setAssetId(assetId)
                .setState(state).setReason(state == AssetState.DELIVERED ? null : "answered " + state)
                .setAt(Instant.parse("2026-11-21T12:05:00Z")).build();
        return new SimpleEntry<>(assetId, AvroEventSerializer.encode(d));
    }

    private static Map.Entry<String, byte[]> broadcast(String assetId) {
        AssetBroadcast b = AssetBroadcast.newBuilder().setAssetId(assetId).setVersion(1).setSource("hq")
                .setTitle("Asset " + assetId).setMediaType("image").setContentType("image/png")
                .setObjectKey("assets/sha256/" + assetId).setSha256("0".repeat(64)).setSizeBytes(42)
                .setStoredAt(Instant.parse("2026-11-21T12:00:00Z")).build();
        return new SimpleEntry<>(assetId, AvroEventSerializer.encode(b));
    }
}
