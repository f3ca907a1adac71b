package dev.tributary.operators.observations;

import dev.tributary.events.Observation;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Fans an observation out into the three values it is counted under: its kingdom, its species and its source.
 * The species is the {@code species} field when the record names one, else its {@code scientificName} (records
 * identified only to genus or an infraspecific name still count under the name they carry).
 */
public class ObservationDimensions implements FlatMapFunction<Observation, DimensionValue> {

    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(Observation o, Collector<DimensionValue> out) {
        out.collect(new DimensionValue(DimensionValue.KINGDOM, o.getKingdom(), o));
        out.collect(new DimensionValue(DimensionValue.SPECIES, speciesOf(o), o));
        out.collect(new DimensionValue(DimensionValue.SOURCE, o.getSource(), o));
    }

    public static String speciesOf(Observation o) {
        String species = o.getSpecies();
        return species == null || species.isBlank() ? o.getScientificName() : species;
    }
}
