package dev.tributary.operators.observations;

import static dev.tributary.operators.observations.ObservationFixtures.MINUTE;
import static dev.tributary.operators.observations.ObservationFixtures.observation;
import static dev.tributary.operators.observations.ObservationFixtures.records;
import static dev.tributary.operators.observations.ObservationFixtures.watermarks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.events.Observation;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;

class EventTimeGateTest {

    private static final Duration WINDOW = Duration.ofMinutes(2);

    private static OneInputStreamOperatorTestHarness<Observation, ObservationArrival> harness(
            OperatorSubtaskState restoreFrom) throws Exception {
        var harness = new OneInputStreamOperatorTestHarness<>(new EventTimeGate(WINDOW));
        ObservationFixtures.forbidGenericTypes(harness);
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        return harness;
    }

    @Test
    void anObservationIsLateOnceTheWatermarkReachedTheLastMillisecondOfItsWindow() throws Exception {
        try (var h = harness(null)) {
            h.processElement(observation("a", 1 * MINUTE), 1 * MINUTE);
            h.processWatermark(2 * MINUTE - 2);
            h.processElement(observation("b", 1 * MINUTE), 1 * MINUTE);   // window [0, 2min) still open
            h.processWatermark(2 * MINUTE - 1);
            h.processElement(observation("c", 1 * MINUTE), 1 * MINUTE);   // its window has fired
            h.processElement(observation("d", 2 * MINUTE), 2 * MINUTE);   // next window: open

            assertThat(records(h)).extracting(a -> a.occurrenceId() + ":" + a.late)
                    .containsExactly("a:false", "b:false", "c:true", "d:false");
        }
    }

    @Test
    void aRecordFarBehindAnotherIsOnTimeUntilTheSourcesWatermarkClosesItsWindow() throws Exception {
        // the source's watermark is the minimum over its partitions: a record of a fast partition far ahead says
        // nothing about the slow partition whose records are still arriving (a backlog being read)
        try (var h = harness(null)) {
            h.processElement(observation("fast-partition", 30 * MINUTE), 30 * MINUTE);
            h.processElement(observation("slow-partition", 1 * MINUTE), 1 * MINUTE);
            h.processWatermark(1 * MINUTE);
            h.processElement(observation("slow-partition-2", 1 * MINUTE + 1), 1 * MINUTE + 1);

            assertThat(records(h)).extracting(a -> a.occurrenceId() + ":" + a.late)
                    .containsExactly("fast-partition:false", "slow-partition:false", "slow-partition-2:false");
        }
    }

    @Test
    void theWatermarkIsKeptAcrossARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(null)) {
            h.processWatermark(5 * MINUTE);
            snapshot = h.snapshot(1, 1);
        }
        try (var restored = harness(snapshot)) {
            restored.processElement(observation("old", 1 * MINUTE), 1 * MINUTE);

            assertThat(watermarks(restored)).containsExactly(5 * MINUTE);
            assertThat(records(restored)).extracting(a -> a.late).containsExactly(true);
        }
    }

    @Test
    void onlyRisingWatermarksAreForwarded() throws Exception {
        try (var h = harness(null)) {
            h.processWatermark(1000);
            h.processWatermark(900);
            h.processWatermark(1000);
            h.processWatermark(1500);

            assertThat(watermarks(h)).containsExactly(1000L, 1500L);
        }
    }

    @Test
    void afterARestoreTheWatermarkComesBackBeforeAnyRecordAndLowerOnesAreHeldBack() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(null)) {
            h.processElement(observation("a", 5 * MINUTE), 5 * MINUTE);
            h.processWatermark(5 * MINUTE);
            snapshot = h.snapshot(1, 1);
        }
        try (var restored = harness(snapshot)) {
            // a replayed record of a window that closed before the checkpoint stays late
            restored.processElement(observation("old", 1 * MINUTE), 1 * MINUTE);
            // the assigner starts again from scratch: its first watermarks are below the restored one
            restored.processWatermark(1 * MINUTE);
            restored.processWatermark(6 * MINUTE);

            assertThat(watermarks(restored)).containsExactly(5 * MINUTE, 6 * MINUTE);
            assertThat(records(restored)).extracting(a -> a.occurrenceId() + ":" + a.late).containsExactly("old:true");
            assertThat(restored.getOutput().peek()).as("the watermark is emitted before the record")
                    .isInstanceOf(org.apache.flink.streaming.api.watermark.Watermark.class);
        }
    }

    @Test
    void anIdleSubtaskStoresNoWatermarkSoItHoldsNothingBackAfterARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(null)) {
            h.processWatermark(5 * MINUTE);
            h.processWatermarkStatus(WatermarkStatus.IDLE);
            snapshot = h.snapshot(1, 1);
        }
        try (var restored = harness(snapshot)) {
            restored.processElement(observation("old", 1 * MINUTE), 1 * MINUTE);

            assertThat(watermarks(restored)).isEmpty();
            assertThat(records(restored)).extracting(a -> a.late).containsExactly(false);
        }
    }

    @Test
    void aFreshStartHasNoWatermarkToRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(null)) {
            snapshot = h.snapshot(1, 1);
        }
        try (var restored = harness(snapshot)) {
            restored.processElement(observation("a", MINUTE), MINUTE);
            assertThat(watermarks(restored)).isEmpty();
        }
    }

    @Test
    void theWindowSizeMustBePositive() {
        assertThatThrownBy(() -> new EventTimeGate(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
