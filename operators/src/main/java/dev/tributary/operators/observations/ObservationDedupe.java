package dev.tributary.operators.observations;

import dev.tributary.events.Observation;
import dev.tributary.operators.codec.AvroTypes;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;

/**
 * Lets each occurrence through once, keyed by {@code occurrenceId}: the same record published by two sources
 * (GBIF republishes OBIS and iDigBio records) or replayed by a producer is counted once. A repeat is a counted,
 * documented drop ({@code observationsDuplicatesDropped}); the first copy is the one stored and counted.
 *
 * <p>On-time observations go to the main output, observations whose window had closed when they arrived
 * ({@link EventTimeGate}) to {@link #LATE}, also once. So: {@code observationsIn = observationsDuplicatesDropped +
 * observationsOnTime + observationsLate}.
 *
 * <p>The "seen" flag expires {@code ttl} after it was written (processing time; Flink's state TTL has no event
 * time): a copy arriving later than that is let through again. The stores stay right even then (the warehouse
 * table is insert-only by occurrence id, the search document id is the occurrence id); only a window count could
 * include it a second time, if the copy is on time for its window, which a copy a day late never is with the
 * default TTL of one day and windows of minutes.
 */
public class ObservationDedupe extends KeyedProcessFunction<String, ObservationArrival, Observation> {

    private static final long serialVersionUID = 1L;

    /** Unique observations whose window had already closed: stored, never counted. */
    public static final OutputTag<Observation> LATE = new OutputTag<>("observations-late", AvroTypes.of(Observation.class));

    private final Duration ttl;

    private transient ValueState<Boolean> seen;
    private transient Counter duplicates;
    private transient Counter onTime;
    private transient Counter late;

    public ObservationDedupe(Duration ttl) {
        if (ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("dedupe TTL must be positive, got " + ttl);
        }
        this.ttl = ttl;
    }

    ValueStateDescriptor<Boolean> seenDescriptor() {
        ValueStateDescriptor<Boolean> descriptor = new ValueStateDescriptor<>("observation-seen", Types.BOOLEAN);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        return descriptor;
    }

    @Override
    public void open(OpenContext openContext) {
        seen = getRuntimeContext().getState(seenDescriptor());
        duplicates = getRuntimeContext().getMetricGroup().counter("observationsDuplicatesDropped");
        onTime = getRuntimeContext().getMetricGroup().counter("observationsOnTime");
        late = getRuntimeContext().getMetricGroup().counter("observationsLate");
    }

    @Override
    public void processElement(ObservationArrival in, Context ctx, Collector<Observation> out) throws Exception {
        if (seen.value() != null) {
            duplicates.inc();
            return;
        }
        seen.update(Boolean.TRUE);
        if (in.late) {
            late.inc();
            ctx.output(LATE, in.observation);
        } else {
            onTime.inc();
            out.collect(in.observation);
        }
    }
}
