package dev.tributary.operators.observations;

import dev.tributary.events.ObservationCount;
import dev.tributary.operators.codec.AvroTypes;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.OutputTag;

import java.time.Duration;

/**
 * The counting window, in one place so the flow and the tests build the same operator: event-time tumbling
 * windows per (dimension, value), counted incrementally, one final {@link ObservationCount} per key and window.
 *
 * <p>Allowed lateness is 0 on purpose: a window fires exactly once, so its counts are final and the warehouse
 * table can be insert-only. Tolerance for disorder is the watermark's out-of-orderness bound instead.
 */
public final class ObservationWindows {

    /** Values the window operator found late (see {@link WindowLateObservations}). */
    public static final OutputTag<DimensionValue> LATE_AT_WINDOW =
            new OutputTag<>("observations-late-at-window", TypeInformation.of(DimensionValue.class));

    private ObservationWindows() {}

    public static SingleOutputStreamOperator<ObservationCount> count(KeyedStream<DimensionValue, String> byValue,
            Duration size) {
        return byValue.window(TumblingEventTimeWindows.of(size))
                .sideOutputLateData(LATE_AT_WINDOW)
                .aggregate(new CountAggregate(), new ObservationCountWindow(),
                        TypeInformation.of(DimensionCount.class), TypeInformation.of(DimensionCount.class),
                        AvroTypes.of(ObservationCount.class));
    }
}
