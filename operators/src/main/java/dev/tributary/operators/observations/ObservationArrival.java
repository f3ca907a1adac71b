package dev.tributary.operators.observations;

import dev.tributary.events.Observation;

import java.util.Objects;

/**
 * An observation as it passed the {@link EventTimeGate}: the record and whether its window had already closed
 * when it arrived. A Flink POJO (public fields, no-argument constructor; the Avro field gets Avro's serializer),
 * so no Kryo.
 */
public class ObservationArrival {

    public Observation observation;
    /** true when the observation's window was closed by the watermark when it arrived: it will not be counted */
    public boolean late;

    public ObservationArrival() {}

    public ObservationArrival(Observation observation, boolean late) {
        this.observation = observation;
        this.late = late;
    }

    public String occurrenceId() {
        return observation.getOccurrenceId();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObservationArrival other && late == other.late && Objects.equals(observation, other.observation);
    }

    @Override
    public int hashCode() {
        return Objects.hash(observation, late);
    }

    @Override
    public String toString() {
        return (late ? "late " : "") + observation.getOccurrenceId();
    }
}
