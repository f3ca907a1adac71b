package dev.tributary.operators.observations;

/** The running count of one window for one (dimension, value): the window aggregate's accumulator. A POJO. */
public class DimensionCount {

    public String dimension;
    public String value;
    public long count;

    public DimensionCount() {}

    public DimensionCount(String dimension, String value, long count) {
        this.dimension = dimension;
        this.value = value;
        this.count = count;
    }
}
