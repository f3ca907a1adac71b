package dev.tributary.operators.observations;

import dev.tributary.events.Observation;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * What the window operator itself found late (its {@code sideOutputLateData}): normally nothing, since the
 * {@link EventTimeGate} already routed late observations around the windows; it happens when a partition that was
 * idle wakes up behind the others. Each observation reaches the window operator three times (kingdom, species,
 * source); it is passed on once, from its {@code source} value, and counted as {@code observationsLateAtWindow}.
 * Its other two values may have been counted in their windows: the counter makes that visible.
 */
public class WindowLateObservations extends RichFlatMapFunction<DimensionValue, Observation> {

    private static final long serialVersionUID = 1L;

    private transient Counter lateAtWindow;

    @Override
    public void open(OpenContext openContext) {
        lateAtWindow = getRuntimeContext().getMetricGroup().counter("observationsLateAtWindow");
    }

    @Override
    public void flatMap(DimensionValue value, Collector<Observation> out) {
        if (DimensionValue.SOURCE.equals(value.dimension)) {
            lateAtWindow.inc();
            out.collect(value.observation);
        }
    }
}
