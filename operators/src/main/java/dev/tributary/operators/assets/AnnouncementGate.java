package dev.tributary.operators.assets;

import dev.tributary.events.AssetAnnounced;
import dev.tributary.events.AssetState;
import dev.tributary.events.AssetStateRecord;
import dev.tributary.events.AssetStatus;
import dev.tributary.events.DownloadOutcome;
import dev.tributary.operators.codec.AvroTypes;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Instant;

/**
 * First step of an asset's lifecycle, keyed by asset id: lets through the announcements that need a download and
 * emits their ANNOUNCED status. An exact re-announcement (same URL and version) and an older version are counted
 * and dropped; a new URL or a higher version is downloaded again.
 */
public final class AnnouncementGate extends KeyedProcessFunction<String, AssetAnnounced, AssetAnnounced> {

    private static final long serialVersionUID = 1L;

    /**
     * ANNOUNCED transitions, with their announcement: the flow sends the status to the status topic and the
     * marker to {@link AssetLifecycle}, which thereby knows the latest URL and version before any download ends.
     */
    public static final OutputTag<DownloadOutcome> ANNOUNCED = new OutputTag<>("asset-announced", AvroTypes.of(DownloadOutcome.class));

    private transient ValueState<AssetStateRecord> seen;
    private transient Counter duplicates;
    private transient Counter stale;

    @Override
    public void open(OpenContext openContext) {
        seen = getRuntimeContext().getState(new ValueStateDescriptor<>("announced", AvroTypes.of(AssetStateRecord.class)));
        duplicates = getRuntimeContext().getMetricGroup().counter("announcementsDuplicate");
        stale = getRuntimeContext().getMetricGroup().counter("announcementsStale");
    }

    @Override
    public void processElement(AssetAnnounced a, Context ctx, Collector<AssetAnnounced> out) throws Exception {
        AssetStateRecord last = seen.value();
        if (last != null) {
            if (a.getVersion() < last.getVersion()) {
                stale.inc();
                return;
            }
            if (a.getVersion() == last.getVersion() && a.getUrl().equals(last.getUrl())) {
                duplicates.inc();
                return;
            }
        }
        Instant now = Instant.ofEpochMilli(ctx.timerService().currentProcessingTime());
        seen.update(AssetStateRecord.newBuilder().setAssetId(a.getAssetId()).setState(AssetState.ANNOUNCED)
                .setVersion(a.getVersion()).setUrl(a.getUrl()).setSource(a.getSource()).setTitle(a.getTitle())
                .setUpdatedAt(now).build());
        ctx.output(ANNOUNCED, AssetLifecycle.announcedMarker(AssetStatus.newBuilder().setAssetId(a.getAssetId())
                .setState(AssetState.ANNOUNCED).setVersion(a.getVersion()).setAt(now).setUrl(a.getUrl()).build(), a));
        out.collect(a);
    }
}
