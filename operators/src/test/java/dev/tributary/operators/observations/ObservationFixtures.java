package dev.tributary.operators.observations;

import dev.tributary.events.Observation;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.api.watermark.Watermark;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

final class ObservationFixtures {

    static final long MINUTE = 60_000;

    private ObservationFixtures() {}

    static Observation observation(String id, String source, String kingdom, String species, long eventTimeMillis) {
        return Observation.newBuilder().setOccurrenceId(id).setSource(source).setKingdom(kingdom)
                .setScientificName(species).setSpecies(species).setEventTime(Instant.ofEpochMilli(eventTimeMillis))
                .build();
    }

    static Observation observation(String id, long eventTimeMillis) {
        return observation(id, "gbif", "Animalia", "Puma concolor", eventTimeMillis);
    }

    static void forbidGenericTypes(AbstractStreamOperatorTestHarness<?> harness) {
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
    }

    /** The records of the main output, in order. */
    @SuppressWarnings("unchecked")
    static <T> List<T> records(AbstractStreamOperatorTestHarness<T> harness) {
        List<T> out = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add((T) r.getValue());
            }
        }
        return out;
    }

    /** The watermarks of the main output, in order. */
    static List<Long> watermarks(AbstractStreamOperatorTestHarness<?> harness) {
        List<Long> out = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            if (o instanceof Watermark w) {
                out.add(w.getTimestamp());
            }
        }
        return out;
    }
}
