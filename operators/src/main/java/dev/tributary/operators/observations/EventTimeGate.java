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
 * Decides once per observation, right behind the event-time assigner, whether its tumbling window is already
 * closed ({@link ObservationArrival#late}), and keeps the watermark across restarts.
 *
 * <p><b>Why decide here and not only in the window operator.</b> Behind two {@code keyBy}s, the window operator's
 * watermark is the minimum over all upstream subtasks, so whether a record is late there depends on how fast the
 * other subtasks ran. This operator runs chained to the source subtask that read the record: its watermark only
 * depends on the records of the partitions this subtask reads, which arrive in partition order. A record behind a
 * record of the same partition that closed its window is therefore late on every run. The window operator's
 * watermark is never ahead of this one, so what passes here as on time is on time there too (except after a
 * partition woke up from idleness; the flow sends what the window operator still finds late to the same late
 * output). One decision per observation also keeps its three counts (kingdom, species, source) consistent.
 *
 * <p><b>Which watermark.</b> The bounded-out-of-orderness generator in front of this operator emits its watermark
 * (newest event time seen minus the bound) periodically, so a record right behind the one that closed its window
 * would still pass as on time until the next emission. The gate therefore judges by the watermark the generator
 * will emit next: the newest event time it has seen minus the bound. It is never below what the window operator
 * has seen, so the guarantee above holds.
 *
 * <p><b>Why keep the watermark.</b> Flink does not checkpoint watermarks: after a restore every operator starts at
 * {@code Long.MIN_VALUE}. A replayed late record would then open its (already fired and purged) window again and
 * produce a second, smaller count for a window whose result is final. This operator stores the watermark it last
 * forwarded in its operator state and, after a restore, emits it again before anything else and suppresses the
 * lower watermarks the assigner produces until it catches up. The sources read the same partitions per subtask
 * after a restore at the same parallelism, so each subtask gets its own value back; at another parallelism a
 * subtask takes the lowest value it is given (conservative: nothing is judged late that was not).
 *
 * <p>A subtask that is idle when a checkpoint is taken stores nothing: downstream operators ignored its
 * watermark, so it must not hold them back after the restore either.
 */
public class EventTimeGate extends AbstractStreamOperator<ObservationArrival>
        implements OneInputStreamOperator<Observation, ObservationArrival> {

    private static final long serialVersionUID = 1L;

    private final long windowSizeMillis;
    private final long maxOutOfOrdernessMillis;

    private transient ListState<Long> storedWatermark;
    private transient long watermark;
    private transient long newestEventTime;
    private transient long restoredWatermark;
    private transient boolean restoredEmitted;
    private transient boolean idle;
    private transient Counter late;

    /**
     * @param maxOutOfOrderness the bound the flow's watermark strategy uses: the gate applies the watermark that
     *                          strategy will emit next (newest event time seen minus the bound) at once, instead
     *                          of waiting for its periodic emission
     */
    public EventTimeGate(Duration windowSize, Duration maxOutOfOrderness) {
        if (windowSize.isZero() || windowSize.isNegative()) {
            throw new IllegalArgumentException("window size must be positive, got " + windowSize);
        }
        if (maxOutOfOrderness.isNegative()) {
            throw new IllegalArgumentException("max out-of-orderness must not be negative, got " + maxOutOfOrderness);
        }
        this.windowSizeMillis = windowSize.toMillis();
        this.maxOutOfOrdernessMillis = maxOutOfOrderness.toMillis();
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        storedWatermark = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>("observations-gate-watermark", Types.LONG));
        watermark = Long.MIN_VALUE;
        newestEventTime = Long.MIN_VALUE + maxOutOfOrdernessMillis + 1;
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
        boolean isLate = isWindowClosed(eventTime, Math.max(watermark, newestEventTime - maxOutOfOrdernessMillis - 1));
        newestEventTime = Math.max(newestEventTime, eventTime);
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
        long effective = Math.max(watermark, newestEventTime - maxOutOfOrdernessMillis - 1);
        storedWatermark.update(idle || effective == Long.MIN_VALUE ? List.of() : List.of(effective));
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
