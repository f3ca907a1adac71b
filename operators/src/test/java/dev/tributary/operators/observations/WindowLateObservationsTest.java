package dev.tributary.operators.observations;

import static dev.tributary.operators.observations.ObservationFixtures.observation;
import static dev.tributary.operators.observations.ObservationFixtures.records;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.events.Observation;

import org.apache.flink.streaming.api.operators.StreamFlatMap;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class WindowLateObservationsTest {

    @Test
    void eachLateObservationIsPassedOnOnceFromItsSourceValue() throws Exception {
        Observation o = observation("occ-9", 1000);
        try (var h = new OneInputStreamOperatorTestHarness<>(new StreamFlatMap<>(new WindowLateObservations()))) {
            h.open();
            h.processElement(new DimensionValue(DimensionValue.KINGDOM, "Animalia", o), 1000);
            h.processElement(new DimensionValue(DimensionValue.SPECIES, "Puma concolor", o), 1000);
            h.processElement(new DimensionValue(DimensionValue.SOURCE, "gbif", o), 1000);

            assertThat(records(h)).containsExactly(o);
        }
    }
}
