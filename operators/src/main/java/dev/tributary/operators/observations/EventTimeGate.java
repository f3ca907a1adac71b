package dev.tributary.operators.observations;

import dev.tributary.events.Observation;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

import java.time.Duration;
import java.util.List;

/**
 * Decides once per observation, right behind the Kafka source, whether its tumbling window is already closed
 * ({@link ObservationArrival#late}), and keeps the watermark across restarts.
 *
 * <p><b>Which watermark.</b> The one the source emits: the minimum over the partitions this subtask reads of each
 * partition's newest event time minus the out-of-orderness bound (per-split watermarks, see
 * {@code DecodedEventTime}). So a record within the bound of its own partition is never late here, however far
 * ahead other partitions are; while the job catches up on a backlog that is what keeps the counts exact.
 *
 * <p><b>Why decide here and not only in the window operator.</b> One decision per observation keeps its three
 * counts (kingdom, species, source) consistent, and sends it whole to the late topic. The window operator's
 * watermark (the minimum over all source subtasks) is never ahead of this one, so what passes here as on time is
 * on time there too, except after a partition woke up from idleness; the flow sends what the window operator
 * still finds late to the same late output.
 *
 * <p><b>Why keep the watermark.</b> Flink does not checkpoint watermarks: after a restore every operator starts at
 * {@code Long.MIN_VALUE}. A replayed late record would then open its (already fired and purged) window again and
 * produce a second, smaller count for a window whose result is final. This operator stores the watermark it last
 * forwarded in its operator state and, after a restore, emits it again before anything else and suppresses the
 * lower watermarks the source produces until it catches up. At another parallelism a subtask takes the lowest
 * value it is given (conservative: nothing is judged late that was not).
 *
 * <p>A subtask that is idle when a checkpoint is taken stores nothing: downstream operators ignored its
 * watermark, so it must not hold them back after the restore either.
 */
public class EventTimeGate extends AbstractStreamOperator<ObservationArrival>
        implements OneInputStreamOperator<Observation, ObservationArrival> {

    private static final long serialVersionUID = 1L;

    private final long windowSizeMillis;

    private transient ListState<Long> storedWatermark;
    private transient long watermark;
    private transient long restoredWatermark;
    private transient boolean restoredEmitted;
    private transient boolean idle;
    private transient Counter late;

    public EventTimeGate(Duration windowSize) {
        if (windowSize.isZero() || windowSize.isNegative()) {
            throw new IllegalArgumentException("window size must be positive, got " + windowSize);
        }
        this.windowSizeMillis = windowSize.toMillis();
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        storedWatermark = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>("observations-gate-watermark", Types.LONG));
        watermark = Long.MIN_VALUE;
        restoredWatermark = Long.MIN_VALUE;
        if (context.isRestored()) {
            long lowest = Long.MAX_VALUE;
            boolean any = false;
            for (Long w : storedWatermark.get()) {
                lowest = Math.min(lowest, w);
                any = true;
            }
            if (any) {
                restoredWatermark = lowest;
                watermark = lowest;
            }
        }
        restoredEmitted = restoredWatermark == Long.MIN_VALUE;
    }

    @Override
    public void open() throws Exception {
        super.open();
        late = getMetricGroup().counter("observationsArrivedLate");
    }

    @Override
    public void processElement(StreamRecord<Observation> element) throws Exception {
        emitRestoredWatermark();
        Observation o = element.getValue();
        long eventTime = o.getEventTime().toEpochMilli();
        boolean isLate = isWindowClosed(eventTime, watermark);
        if (isLate) {
            late.inc();
        }
        output.collect(element.replace(new ObservationArrival(o, isLate)));
    }

    /** The window operator's rule (allowed lateness 0): a window is closed once the watermark reached its last millisecond. */
    boolean isWindowClosed(long eventTimeMillis, long currentWatermark) {
        long start = TimeWindow.getWindowStartWithOffset(eventTimeMillis, 0, windowSizeMillis);
        return start + windowSizeMillis - 1 <= currentWatermark;
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        emitRestoredWatermark();
        if (mark.getTimestamp() > watermark) {
            watermark = mark.getTimestamp();
            super.processWatermark(mark);
        }
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        if (status.isActive()) {
            emitRestoredWatermark();
        }
        idle = status.isIdle();
        super.processWatermarkStatus(status);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        storedWatermark.update(idle || watermark == Long.MIN_VALUE ? List.of() : List.of(watermark));
    }

    private void emitRestoredWatermark() {
        if (!restoredEmitted) {
            restoredEmitted = true;
            output.emitWatermark(new Watermark(restoredWatermark));
        }
    }

    /** The watermark this subtask last forwarded (for tests and the web UI's view of the operator). */
    long currentGateWatermark() {
        return watermark;
    }
}
