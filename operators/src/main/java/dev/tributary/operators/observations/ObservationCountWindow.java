package dev.tributary.operators.observations;

import dev.tributary.events.ObservationCount;

import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

import java.time.Instant;

/**
 * Turns a closed window's count for one (dimension, value) into its {@link ObservationCount} with a stable
 * {@link WindowIds window id}. Allowed lateness stays 0, so each window fires once and its counts are final.
 */
public class ObservationCountWindow extends ProcessWindowFunction<DimensionCount, ObservationCount, String, TimeWindow> {

    private static final long serialVersionUID = 1L;

    @Override
    public void process(String key, Context context, Iterable<DimensionCount> counts, Collector<ObservationCount> out) {
        TimeWindow window = context.window();
        for (DimensionCount c : counts) {
            out.collect(ObservationCount.newBuilder()
                    .setWindowId(WindowIds.of(window.getStart(), window.getEnd()))
                    .setWindowStart(Instant.ofEpochMilli(window.getStart()))
                    .setWindowEnd(Instant.ofEpochMilli(window.getEnd()))
                    .setDimension(c.dimension)
                    .setValue(c.value)
                    .setCount(c.count)
                    .build());
        }
    }
}
