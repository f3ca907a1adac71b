package dev.tributary.operators.assets;

import dev.tributary.events.AssetAnnounced;
import dev.tributary.events.AssetDelivery;
import dev.tributary.events.AssetRequest;
import dev.tributary.events.AssetState;
import dev.tributary.events.AssetStatus;
import dev.tributary.events.DownloadOutcome;
import dev.tributary.events.EdgeCopy;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;

import static org.assertj.core.api.Assertions.assertThat;

/** The asset state machine in Flink's operator harnesses, with generic (Kryo) types disabled as on the cluster. */
class AssetLifecycleTest {

    private static final Duration TTL = Duration.ofMinutes(5);
    private static final String SHA = "ab".repeat(32);
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    static AssetAnnounced announced(String id, String url, long version) {
        return AssetAnnounced.newBuilder().setAssetId(id).setSource("hq").setTitle("t " + id).setMediaType("image/png")
                .setUrl(url).setPublishedAt(Instant.ofEpochMilli(1)).setVersion(version).build();
    }

    static DownloadOutcome stored(AssetAnnounced a) {
        return DownloadOutcome.newBuilder().setAnnouncement(a).setRetryable(false).setStatus(AssetStatus.newBuilder()
                .setAssetId(a.getAssetId()).setState(AssetState.STORED).setVersion(a.getVersion()).setAt(Instant.ofEpochMilli(5))
                .setUrl(a.getUrl()).setObjectKey("assets/sha256/" + SHA).setSha256(SHA).setSizeBytes(42L)
                .setContentType("image/png").build()).build();
    }

    static DownloadOutcome failed(AssetAnnounced a, String reason) {
        return DownloadOutcome.newBuilder().setAnnouncement(a).setRetryable(false).setFailureReason("TOO_LARGE")
                .setStatus(AssetStatus.newBuilder().setAssetId(a.getAssetId()).setState(AssetState.FAILED)
                        .setVersion(a.getVersion()).setAt(Instant.ofEpochMilli(5)).setUrl(a.getUrl()).setReason(reason).build())
                .build();
    }

    static DownloadOutcome marker(AssetAnnounced a) {
        return AssetLifecycle.announcedMarker(AssetStatus.newBuilder().setAssetId(a.getAssetId())
                .setState(AssetState.ANNOUNCED).setVersion(a.getVersion()).setAt(Instant.ofEpochMilli(1)).setUrl(a.getUrl()).build(), a);
    }

    static AssetRequest request(String requestId, String edge, String asset) {
        return AssetRequest.newBuilder().setRequestId(requestId).setEdgeId(edge).setAssetId(asset)
                .setRequestedAt(Instant.ofEpochMilli(2)).build();
    }

    private KeyedTwoInputStreamOperatorTestHarness<String, DownloadOutcome, AssetRequest, AssetStatus> lifecycle(
            OperatorSubtaskState restoreFrom) throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new AssetLifecycle(TTL, Duration.ofDays(1))),
                (DownloadOutcome o) -> o.getAnnouncement().getAssetId(), AssetRequest::getAssetId, Types.STRING);
        ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        open.add(h);
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    private static List<AssetState> states(Queue<Object> output) {
        List<AssetState> states = new ArrayList<>();
        for (Object o : output) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof AssetStatus s) {
                states.add(s.getState());
            }
        }
        return states;
    }

    private static <T> List<T> side(Queue<StreamRecord<T>> records) {
        return records == null ? List.of() : records.stream().map(StreamRecord::getValue).filter(Objects::nonNull).toList();
    }

    @Test
    void gateDropsExactReAnnouncementsAndOlderVersionsAndLetsChangesThrough() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new AnnouncementGate()),
                AssetAnnounced::getAssetId, Types.STRING);
        ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        open.add(h);
        h.open();
        h.processElement(announced("a", "http://x/1.png", 1), 1);
        h.processElement(announced("a", "http://x/1.png", 1), 2); // exact repeat: dropped
        h.processElement(announced("a", "http://x/2.png", 1), 3); // new URL: downloaded again
        h.processElement(announced("a", "http://x/2.png", 2), 4); // new version: downloaded again
        h.processElement(announced("a", "http://x/1.png", 1), 5); // older version: dropped
        h.processElement(announced("b", "http://x/1.png", 1), 6); // another asset

        assertThat(h.extractOutputValues()).extracting(a -> a.getAssetId() + "@" + a.getVersion() + " " + a.getUrl())
                .containsExactly("a@1 http://x/1.png", "a@1 http://x/2.png", "a@2 http://x/2.png", "b@1 http://x/1.png");
        assertThat(side(h.getSideOutput(AnnouncementGate.ANNOUNCED))).extracting(o -> o.getStatus().getState())
                .containsOnly(AssetState.ANNOUNCED).hasSize(4);

        // the gate's memory survives a restore
        OperatorSubtaskState snapshot = h.snapshot(1, 10);
        var restored = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new AnnouncementGate()),
                AssetAnnounced::getAssetId, Types.STRING);
        open.add(restored);
        restored.initializeState(snapshot);
        restored.open();
        restored.processElement(announced("a", "http://x/2.png", 2), 7);
        assertThat(restored.extractOutputValues()).isEmpty();
    }

    @Test
    void storedAssetIsBroadcastAndARequestIsCopiedToTheEdgeOnce() throws Exception {
        var h = lifecycle(null);
        AssetAnnounced a = announced("a1", "http://x/photo.png", 1);
        h.processElement1(marker(a), 1);
        h.processElement1(stored(a), 2);
        h.processElement2(request("r1", "edge-7", "a1"), 3);
        h.processElement2(request("r1", "edge-7", "a1"), 4); // the same request again: answered once

        assertThat(states(h.getOutput())).containsExactly(AssetState.STORED, AssetState.BROADCAST, AssetState.REQUESTED);
        assertThat(side(h.getSideOutput(AssetLifecycle.BROADCASTS))).singleElement().satisfies(b -> {
            assertThat(b.getObjectKey()).isEqualTo("assets/sha256/" + SHA);
            assertThat(b.getSizeBytes()).isEqualTo(42L);
            assertThat(b.getContentType()).isEqualTo("image/png");
        });
        List<EdgeCopy> copies = side(h.getSideOutput(AssetLifecycle.COPIES));
        assertThat(copies).singleElement().satisfies(c -> {
            assertThat(c.getSourceKey()).isEqualTo("assets/sha256/" + SHA);
            assertThat(c.getTargetKey()).isEqualTo("edges/edge-7/assets/a1/photo.png");
        });
    }

    @Test
    void aRequestBeforeTheAssetIsStoredWaitsAndIsServedWhenItIs() throws Exception {
        var h = lifecycle(null);
        AssetAnnounced a = announced("a1", "http://x/photo.png", 1);
        h.processElement2(request("r1", "edge-1", "a1"), 1);
        h.processElement1(marker(a), 2);
        assertThat(side(h.getSideOutput(AssetLifecycle.COPIES))).isEmpty();

        // the waiting request survives a checkpoint and restore
        OperatorSubtaskState snapshot = h.snapshot(1, 3);
        var restored = lifecycle(snapshot);
        restored.processElement2(request("r1", "edge-1", "a1"), 4); // a repeat while waiting: dropped
        restored.processElement1(stored(a), 5);
        assertThat(side(restored.getSideOutput(AssetLifecycle.COPIES))).extracting(c -> c.getRequest().getRequestId())
                .containsExactly("r1");
        assertThat(states(restored.getOutput())).containsExactly(AssetState.STORED, AssetState.BROADCAST);
    }

    @Test
    void aWaitingRequestExpiresAfterItsTimeToLive() throws Exception {
        var h = lifecycle(null);
        h.setProcessingTime(1_000);
        h.processElement2(request("r1", "edge-1", "never"), 1);
        h.setProcessingTime(1_000 + TTL.toMillis() - 1);
        assertThat(side(h.getSideOutput(AssetLifecycle.ANSWERS))).isEmpty();
        h.setProcessingTime(1_000 + TTL.toMillis());
        List<AssetDelivery> answers = side(h.getSideOutput(AssetLifecycle.ANSWERS));
        assertThat(answers).singleElement().satisfies(d -> {
            assertThat(d.getState()).isEqualTo(AssetState.EXPIRED);
            assertThat(d.getRequestId()).isEqualTo("r1");
            assertThat(d.getReason()).contains("300s");
        });
        // a late storing of the asset does not answer the expired request again
        AssetAnnounced a = announced("never", "http://x/n.png", 1);
        h.processElement1(stored(a), 2);
        assertThat(side(h.getSideOutput(AssetLifecycle.COPIES))).isEmpty();
        h.processElement2(request("r1", "edge-1", "never"), 3);
        assertThat(side(h.getSideOutput(AssetLifecycle.COPIES))).isEmpty();
    }

    @Test
    void failedDownloadAnswersWaitingAndLaterRequestsWithTheReason() throws Exception {
        var h = lifecycle(null);
        AssetAnnounced a = announced("a1", "http://x/big.png", 1);
        h.processElement1(marker(a), 1);
        h.processElement2(request("r1", "edge-1", "a1"), 2);
        h.processElement1(failed(a, "TOO_LARGE: body exceeds 100 bytes"), 3);
        h.processElement2(request("r2", "edge-2", "a1"), 4);

        assertThat(states(h.getOutput())).containsExactly(AssetState.REQUESTED, AssetState.FAILED, AssetState.REQUESTED);
        assertThat(side(h.getSideOutput(AssetLifecycle.ANSWERS))).extracting(AssetDelivery::getRequestId, AssetDelivery::getState)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("r1", AssetState.FAILED),
                        org.assertj.core.groups.Tuple.tuple("r2", AssetState.FAILED));
        assertThat(side(h.getSideOutput(AssetLifecycle.ANSWERS))).allSatisfy(d -> assertThat(d.getReason()).contains("TOO_LARGE"));
    }

    @Test
    void outcomesOfReplacedUrlsAndOlderVersionsAreStale() throws Exception {
        var h = lifecycle(null);
        AssetAnnounced v1 = announced("a1", "http://x/old.png", 1);
        AssetAnnounced v1b = announced("a1", "http://x/new.png", 1);
        AssetAnnounced v2 = announced("a1", "http://x/v2.png", 2);
        h.processElement1(marker(v1), 1);
        h.processElement1(marker(v1b), 2);    // the URL changed before the first download finished
        h.processElement1(stored(v1), 3);     // stale: old URL
        h.processElement1(stored(v1b), 4);    // current
        h.processElement1(marker(v2), 5);
        h.processElement1(failed(v1b, "late duplicate"), 6); // stale: older version
        h.processElement1(stored(v2), 7);
        h.processElement1(stored(v2), 8);     // already resolved

        List<AssetStatus> statuses = h.extractOutputValues();
        assertThat(statuses).extracting(s -> s.getState() + " " + s.getUrl()).containsExactly(
                "STORED http://x/new.png", "BROADCAST http://x/new.png", "STORED http://x/v2.png", "BROADCAST http://x/v2.png");
        assertThat(side(h.getSideOutput(AssetLifecycle.BROADCASTS))).hasSize(2);
    }

    @Test
    void hostileIdsCannotEscapeTheEdgeOutbox() throws Exception {
        var h = lifecycle(null);
        AssetAnnounced a = announced("a1", "http://x/p.png", 1);
        h.processElement1(stored(a), 1);
        h.processElement2(request("r1", "../../assets", "a1"), 2);
        assertThat(side(h.getSideOutput(AssetLifecycle.COPIES))).singleElement()
                .satisfies(c -> assertThat(c.getTargetKey()).isEqualTo("edges/..%2F..%2Fassets/assets/a1/p.png"));
        h.processElement2(request("r2", "e".repeat(500), "a1"), 3);
        assertThat(side(h.getSideOutput(AssetLifecycle.ANSWERS))).singleElement()
                .satisfies(d -> assertThat(d.getReason()).startsWith("INVALID_REQUEST"));
    }
}
