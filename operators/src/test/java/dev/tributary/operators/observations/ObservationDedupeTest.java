package dev.tributary.operators.observations;

import static dev.tributary.operators.observations.ObservationFixtures.observation;
import static dev.tributary.operators.observations.ObservationFixtures.records;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.events.Observation;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

class ObservationDedupeTest {

    private static final Duration TTL = Duration.ofHours(1);

    private static KeyedOneInputStreamOperatorTestHarness<String, ObservationArrival, Observation> harness(
            OperatorSubtaskState restoreFrom) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ObservationDedupe(TTL)), ObservationArrival::occurrenceId, Types.STRING);
        ObservationFixtures.forbidGenericTypes(h);
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    private static List<String> late(KeyedOneInputStreamOperatorTestHarness<String, ObservationArrival, Observation> h) {
        var side = h.getSideOutput(ObservationDedupe.LATE);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).map(Observation::getOccurrenceId).toList();
    }

    @Test
    void theSameOccurrenceFromTwoSourcesPassesOnce() throws Exception {
        try (var h = harness(null)) {
            h.processElement(new ObservationArrival(observation("occ-1", "gbif", "Animalia", "Bufo bufo", 1000), false), 1000);
            h.processElement(new ObservationArrival(observation("occ-1", "obis", "Animalia", "Bufo bufo", 1000), false), 1000);
            h.processElement(new ObservationArrival(observation("occ-2", 1000), false), 1000);
            h.processElement(new ObservationArrival(observation("occ-1", 1000), false), 1000);

            assertThat(records(h)).extracting(o -> o.getOccurrenceId() + "@" + o.getSource())
                    .containsExactly("occ-1@gbif", "occ-2@gbif");
        }
    }

    @Test
    void lateObservationsGoToTheLateOutputOnceAndAreNeverCounted() throws Exception {
        try (var h = harness(null)) {
            h.processElement(new ObservationArrival(observation("occ-1", 1000), true), 1000);
            h.processElement(new ObservationArrival(observation("occ-1", 1000), true), 1000);
            h.processElement(new ObservationArrival(observation("occ-2", 1000), false), 1000);
            h.processElement(new ObservationArrival(observation("occ-2", 1000), true), 1000);

            assertThat(late(h)).containsExactly("occ-1");
            assertThat(records(h)).extracting(Observation::getOccurrenceId).containsExactly("occ-2");
        }
    }

    @Test
    void whatWasSeenSurvivesARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(null)) {
            h.processElement(new ObservationArrival(observation("occ-1", 1000), false), 1000);
            snapshot = h.snapshot(1, 1);
        }
        try (var restored = harness(snapshot)) {
            restored.processElement(new ObservationArrival(observation("occ-1", 1000), false), 1000);
            restored.processElement(new ObservationArrival(observation("occ-3", 1000), false), 1000);

            assertThat(records(restored)).extracting(Observation::getOccurrenceId).containsExactly("occ-3");
        }
    }

    @Test
    void aCopyArrivingAfterTheTtlPassesAgain() throws Exception {
        try (var h = harness(null)) {
            h.setStateTtlProcessingTime(0);
            h.processElement(new ObservationArrival(observation("occ-1", 1000), false), 1000);
            h.setStateTtlProcessingTime(TTL.toMillis() - 1);
            h.processElement(new ObservationArrival(observation("occ-1", 1000), false), 1000);
            h.setStateTtlProcessingTime(TTL.toMillis() + 1);
            h.processElement(new ObservationArrival(observation("occ-1", 1000), false), 1000);

            assertThat(records(h)).hasSize(2);
        }
    }
}
