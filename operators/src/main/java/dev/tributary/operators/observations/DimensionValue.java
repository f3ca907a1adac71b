package dev.tributary.operators.observations;

import dev.tributary.events.Observation;

import java.util.Objects;

/**
 * One of the values an observation is counted under: ({@code kingdom}, "Animalia"), ({@code species}, "Puma
 * concolor"), ({@code source}, "gbif"). It carries the observation so that one the window operator finds late can
 * still be stored. A Flink POJO, so no Kryo.
 */
public class DimensionValue {

    public static final String KINGDOM = "kingdom";
    public static final String SPECIES = "species";
    public static final String SOURCE = "source";

    public String dimension;
    public String value;
    public Observation observation;

    public DimensionValue() {}

    public DimensionValue(String dimension, String value, Observation observation) {
        this.dimension = dimension;
        this.value = value;
        this.observation = observation;
    }

    /**
     * The window key. The unit separator cannot occur in a dimension name, so two different pairs never share a
     * key.
     */
    public String key() {
        return dimension + '\u001f' + value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DimensionValue other && Objects.equals(dimension, other.dimension)
                && Objects.equals(value, other.value) && Objects.equals(observation, other.observation);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dimension, value, observation);
    }

    @Override
    public String toString() {
        return dimension + "=" + value;
    }
}
