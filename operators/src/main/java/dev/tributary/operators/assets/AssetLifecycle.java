package dev.tributary.operators.assets;

import dev.tributary.events.AssetAnnounced;
import dev.tributary.events.AssetBroadcast;
import dev.tributary.events.AssetDelivery;
import dev.tributary.events.AssetRequest;
import dev.tributary.events.AssetState;
import dev.tributary.events.AssetStateRecord;
import dev.tributary.events.AssetStatus;
import dev.tributary.events.DownloadOutcome;
import dev.tributary.events.EdgeCopy;
import dev.tributary.events.WaitingRequest;
import dev.tributary.operators.codec.AvroTypes;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The asset state machine, keyed by asset id. Input 1: announcements that passed the {@link AnnouncementGate}
 * (as ANNOUNCED markers) and download outcomes (STORED or FAILED); input 2: edge requests. Emits an
 * {@link AssetStatus} per transition (STORED, FAILED, BROADCAST, REQUESTED), the broadcast of a stored asset, the
 * copies that answer requests, and direct answers (FAILED, EXPIRED) to requests that cannot be served.
 *
 * <p>Outcomes of an older version, or of a URL that was replaced by a later announcement of the same version,
 * are stale and dropped (counted). A request before its asset is stored waits in state until the asset is
 * stored, its download fails, or its time-to-live runs out (EXPIRED). A repeated request id is answered once.
 *
 * <p>Known limit: when an asset is re-announced with the same version but a new URL, the new URL's marker is
 * expected before its download outcome (the marker takes a direct path, the download an HTTP round trip). If
 * the outcome wins that race it is taken as stale and the asset stays ANNOUNCED until its next announcement;
 * producers that bump the version on every change never meet this case.
 */
public final class AssetLifecycle extends KeyedCoProcessFunction<String, DownloadOutcome, AssetRequest, AssetStatus> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<AssetBroadcast> BROADCASTS = new OutputTag<>("asset-broadcasts", AvroTypes.of(AssetBroadcast.class));
    public static final OutputTag<EdgeCopy> COPIES = new OutputTag<>("asset-edge-copies", AvroTypes.of(EdgeCopy.class));
    /** Answers without a copy: FAILED (the asset could not be downloaded) and EXPIRED. */
    public static final OutputTag<AssetDelivery> ANSWERS = new OutputTag<>("asset-request-answers", AvroTypes.of(AssetDelivery.class));

    private final Duration requestTtl;
    private final Duration answeredRetention;

    private transient ValueState<AssetStateRecord> asset;
    private transient MapState<String, WaitingRequest> waiting;
    private transient MapState<String, Long> answered;
    private transient Counter staleOutcomes;
    private transient Counter duplicateRequests;
    private transient AtomicLong requestsWaiting;

    /**
     * @param requestTtl        how long a request waits for its asset before it is answered EXPIRED
     * @param answeredRetention how long answered request ids are remembered to drop repeats
     */
    public AssetLifecycle(Duration requestTtl, Duration answeredRetention) {
        this.requestTtl = requestTtl;
        this.answeredRetention = answeredRetention;
    }

    @Override
    public void open(OpenContext openContext) {
        asset = getRuntimeContext().getState(new ValueStateDescriptor<>("asset", AvroTypes.of(AssetStateRecord.class)));
        waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("waiting-requests", Types.STRING,
                AvroTypes.of(WaitingRequest.class)));
        MapStateDescriptor<String, Long> answeredDescriptor = new MapStateDescriptor<>("answered-requests", Types.STRING, Types.LONG);
        answeredDescriptor.enableTimeToLive(StateTtlConfig.newBuilder(answeredRetention).build());
        answered = getRuntimeContext().getMapState(answeredDescriptor);
        staleOutcomes = getRuntimeContext().getMetricGroup().counter("downloadOutcomesStale");
        duplicateRequests = getRuntimeContext().getMetricGroup().counter("requestsDuplicate");
        // per subtask and since the last start: state restored from a checkpoint is not re-counted
        requestsWaiting = new AtomicLong();
        getRuntimeContext().getMetricGroup().gauge("requestsWaiting", () -> Math.max(0, requestsWaiting.get()));
    }

    /** An ANNOUNCED marker for an announcement that passed the gate; input 1 carries it with the outcomes. */
    public static DownloadOutcome announcedMarker(AssetStatus announced, AssetAnnounced announcement) {
        return DownloadOutcome.newBuilder().setAnnouncement(announcement).setStatus(announced).setRetryable(false).build();
    }

    @Override
    public void processElement1(DownloadOutcome outcome, Context ctx, Collector<AssetStatus> out) throws Exception {
        AssetAnnounced a = outcome.getAnnouncement();
        AssetStatus status = outcome.getStatus();
        AssetStateRecord cur = asset.value();
        boolean marker = status.getState() == AssetState.ANNOUNCED;
        if (cur != null) {
            boolean older = a.getVersion() < cur.getVersion();
            boolean sameTarget = a.getVersion() == cur.getVersion() && a.getUrl().equals(cur.getUrl());
            if (older || (sameTarget && marker)
                    || (sameTarget && cur.getState() != AssetState.ANNOUNCED)
                    || (!marker && a.getVersion() == cur.getVersion() && !sameTarget)) {
                staleOutcomes.inc();
                return;
            }
        }
        long now = ctx.timerService().currentProcessingTime();
        AssetStateRecord.Builder next = AssetStateRecord.newBuilder().setAssetId(a.getAssetId()).setVersion(a.getVersion())
                .setUrl(a.getUrl()).setSource(a.getSource()).setTitle(a.getTitle()).setUpdatedAt(Instant.ofEpochMilli(now));
        if (marker) {
            asset.update(next.setState(AssetState.ANNOUNCED).build());
            return;
        }
        out.collect(status);
        if (status.getState() == AssetState.FAILED) {
            asset.update(next.setState(AssetState.FAILED).setReason(status.getReason()).build());
            for (WaitingRequest w : drainWaiting()) {
                answer(ctx, w.getRequest(), AssetState.FAILED, "asset download failed: " + status.getReason(), now);
            }
            return;
        }
        AssetStateRecord stored = next.setState(AssetState.BROADCAST).setObjectKey(status.getObjectKey())
                .setSha256(status.getSha256()).setSizeBytes(status.getSizeBytes()).setContentType(status.getContentType())
                .build();
        asset.update(stored);
        ctx.output(BROADCASTS, AssetBroadcast.newBuilder().setAssetId(a.getAssetId()).setVersion(a.getVersion())
                .setSource(a.getSource()).setTitle(a.getTitle()).setDescription(a.getDescription())
                .setMediaType(a.getMediaType()).setContentType(status.getContentType()).setObjectKey(status.getObjectKey())
                .setSha256(status.getSha256()).setSizeBytes(status.getSizeBytes()).setTags(a.getTags())
                .setStoredAt(status.getAt()).setThumbnail(outcome.getThumbnail()).build());
        out.collect(AssetStatus.newBuilder(status).setState(AssetState.BROADCAST).setAt(Instant.ofEpochMilli(now)).build());
        for (WaitingRequest w : drainWaiting()) {
            copy(ctx, stored, w.getRequest(), now);
        }
    }

    @Override
    public void processElement2(AssetRequest request, Context ctx, Collector<AssetStatus> out) throws Exception {
        String id = request.getRequestId();
        if (answered.contains(id) || waiting.contains(id)) {
            duplicateRequests.inc();
            return;
        }
        long now = ctx.timerService().currentProcessingTime();
        AssetStateRecord cur = asset.value();
        out.collect(AssetStatus.newBuilder().setAssetId(request.getAssetId()).setState(AssetState.REQUESTED)
                .setVersion(cur == null ? 0 : cur.getVersion()).setAt(Instant.ofEpochMilli(now))
                .setRequestId(id).setEdgeId(request.getEdgeId()).build());
        if (cur != null && cur.getObjectKey() != null && cur.getState() == AssetState.BROADCAST) {
            copy(ctx, cur, request, now);
        } else if (cur != null && cur.getState() == AssetState.FAILED) {
            answer(ctx, request, AssetState.FAILED, "asset download failed: " + cur.getReason(), now);
        } else {
            long expiresAt = now + requestTtl.toMillis();
            waiting.put(id, WaitingRequest.newBuilder().setRequest(request).setExpiresAt(expiresAt).build());
            requestsWaiting.incrementAndGet();
            ctx.timerService().registerProcessingTimeTimer(expiresAt);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AssetStatus> out) throws Exception {
        List<WaitingRequest> expired = new ArrayList<>();
        for (Map.Entry<String, WaitingRequest> e : waiting.entries()) {
            if (e.getValue().getExpiresAt() <= timestamp) {
                expired.add(e.getValue());
            }
        }
        for (WaitingRequest w : expired) {
            waiting.remove(w.getRequest().getRequestId());
            requestsWaiting.decrementAndGet();
            answer(ctx, w.getRequest(), AssetState.EXPIRED,
                    "asset not stored within " + requestTtl.toSeconds() + "s of the request", timestamp);
        }
    }

    private List<WaitingRequest> drainWaiting() throws Exception {
        List<WaitingRequest> all = new ArrayList<>();
        waiting.values().forEach(all::add);
        waiting.clear();
        requestsWaiting.addAndGet(-all.size());
        return all;
    }

    private void copy(Context ctx, AssetStateRecord stored, AssetRequest request, long now) throws Exception {
        String target;
        try {
            target = ObjectKeys.edgeOutbox(request.getEdgeId(), request.getAssetId(),
                    ObjectKeys.fileName(stored.getUrl(), stored.getContentType()));
        } catch (IllegalArgumentException e) {
            answer(ctx, request, AssetState.FAILED, "INVALID_REQUEST: " + e.getMessage(), now);
            return;
        }
        answered.put(request.getRequestId(), now);
        ctx.output(COPIES, EdgeCopy.newBuilder().setRequest(request).setSourceKey(stored.getObjectKey())
                .setTargetKey(target)
                .setSha256(stored.getSha256()).setSizeBytes(stored.getSizeBytes()).setContentType(stored.getContentType())
                .setAssetSource(stored.getSource() == null ? "" : stored.getSource()).build());
    }

    private void answer(Context ctx, AssetRequest request, AssetState state, String reason, long now) throws Exception {
        answered.put(request.getRequestId(), now);
        ctx.output(ANSWERS, AssetDelivery.newBuilder().setRequestId(request.getRequestId()).setEdgeId(request.getEdgeId())
                .setAssetId(request.getAssetId()).setState(state).setReason(reason).setAt(Instant.ofEpochMilli(now)).build());
    }
}
