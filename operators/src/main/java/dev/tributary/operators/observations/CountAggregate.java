package dev.tributary.operators.observations;

import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Counts a window's observations for one (dimension, value) incrementally, so a window holds one small
 * accumulator per key instead of its observations.
 */
public class CountAggregate implements AggregateFunction<DimensionValue, DimensionCount, DimensionCount> {

    private static final long serialVersionUID = 1L;

    @Override
    public DimensionCount createAccumulator() {
        return new DimensionCount();
    }

    @Override
    public DimensionCount add(DimensionValue in, DimensionCount acc) {
        acc.dimension = in.dimension;
        acc.value = in.value;
        acc.count++;
        return acc;
    }

    @Override
    public DimensionCount getResult(DimensionCount acc) {
        return acc;
    }

    @Override
    public DimensionCount merge(DimensionCount a, DimensionCount b) {
        return new DimensionCount(a.dimension != null ? a.dimension : b.dimension,
                a.value != null ? a.value : b.value, a.count + b.count);
    }
}
