package dev.tributary.operators.telemetry;

import static dev.tributary.operators.telemetry.Fixtures.reading;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.events.Alert;
import dev.tributary.events.HoverboardReading;
import dev.tributary.events.SequenceGap;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

@ParameterizedClass
@EnumSource(Fixtures.Backend.class)
class AlertRulesTest {

    @Parameter
    Fixtures.Backend backend;

    private static final long SILENT = 60_000;
    private static final AlertThresholds THRESHOLDS = AlertThresholds.defaults()
            .withSilentAfter(Duration.ofMillis(SILENT))
            .withStateTtl(Duration.ofHours(1));

    private final List<KeyedOneInputStreamOperatorTestHarness<String, HoverboardReading, Alert>> opened = new ArrayList<>();

    @AfterEach
    void closeHarnesses() throws Exception {
        for (var harness : opened) {
            harness.close();
        }
    }

    private KeyedOneInputStreamOperatorTestHarness<String, HoverboardReading, Alert> harness(
            AlertRules rules, OperatorSubtaskState restoreFrom, long startTime) throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(rules), HoverboardReading::getDeviceId, Types.STRING);
        opened.add(Fixtures.open(harness, backend, restoreFrom, startTime));
        return harness;
    }

    private KeyedOneInputStreamOperatorTestHarness<String, HoverboardReading, Alert> harness() throws Exception {
        return harness(new AlertRules(THRESHOLDS), null, 0);
    }

    private static void battery(KeyedOneInputStreamOperatorTestHarness<String, HoverboardReading, Alert> h,
                                long seq, double pct) throws Exception {
        h.processElement(reading("hb-1", seq, pct, 30.0, null), seq);
    }

    /** The id of the alert on the fixture reading {@code seq} (event time T0 + seq seconds). */
    private static String id(String device, String kind, long seq) {
        return AlertRules.alertId(device, kind, seq, Fixtures.T0.plusSeconds(seq));
    }

    private static List<String> ids(KeyedOneInputStreamOperatorTestHarness<String, HoverboardReading, Alert> h) {
        return h.extractOutputValues().stream().map(Alert::getAlertId).toList();
    }

    @Test
    void lowBatteryAlertsOncePerCrossingAndRearmsPastTheHysteresis() throws Exception {
        var h = harness();

        battery(h, 0, 50.0);
        battery(h, 1, 14.0);     // crosses: alert
        battery(h, 2, 10.0);
        battery(h, 3, 16.0);     // above the threshold but not past the hysteresis (20 %)
        battery(h, 4, 12.0);     // still the same episode
        battery(h, 5, 20.0);     // re-armed
        battery(h, 6, 13.0);     // crosses again: alert

        assertThat(ids(h)).containsExactly(id("hb-1", AlertRules.LOW_BATTERY, 1), id("hb-1", AlertRules.LOW_BATTERY, 6));
        Alert first = h.extractOutputValues().get(0);
        assertThat(first.getKind()).isEqualTo(AlertRules.LOW_BATTERY);
        assertThat(first.getSeverity()).isEqualTo(AlertRules.WARNING);
        assertThat(first.getReadingSeq()).isEqualTo(1L);
        assertThat(first.getEventTime()).isEqualTo(Fixtures.T0.plusSeconds(1));
        assertThat(first.getMessage()).contains("14.0%");
    }

    @Test
    void overTemperatureAlertsOncePerCrossingAndRearmsPastTheHysteresis() throws Exception {
        var h = harness();
        double[] temperatures = {40, 61, 70, 58, 65, 55, 62};
        for (int seq = 0; seq < temperatures.length; seq++) {
            h.processElement(reading("hb-1", seq, 80.0, temperatures[seq], null), seq);
        }

        assertThat(ids(h)).containsExactly(id("hb-1", AlertRules.OVER_TEMPERATURE, 1), id("hb-1", AlertRules.OVER_TEMPERATURE, 6));
        assertThat(h.extractOutputValues()).allSatisfy(a -> assertThat(a.getSeverity()).isEqualTo(AlertRules.CRITICAL));
    }

    @Test
    void theSameErrorCodeInConsecutiveReadingsIsAFailurePattern() throws Exception {
        var h = harness();
        String[] codes = {"E1", "E1", "E2", "E2", "E2", "E2", null, "E2", "E2", "E1", "E2", "E2", "E2"};
        for (int seq = 0; seq < codes.length; seq++) {
            h.processElement(reading("hb-1", seq, 80.0, 30.0, codes[seq]), seq);
        }

        assertThat(ids(h)).containsExactly(id("hb-1", AlertRules.FAILURE_PATTERN, 4), id("hb-1", AlertRules.FAILURE_PATTERN, 12));
        assertThat(h.extractOutputValues().get(0).getMessage()).contains("E2");
    }

    @Test
    void aSilentDeviceAlertsOnceWithOneTimerMovedLazily() throws Exception {
        var h = harness();

        h.processElement(reading("hb-1", 0), 0);
        h.setProcessingTime(SILENT / 2);
        h.processElement(reading("hb-1", 1), 1);
        assertThat(h.numProcessingTimeTimers()).as("one timer per device, not one per reading").isEqualTo(1);

        h.setProcessingTime(SILENT);                   // the first timer: the device spoke since, so it moves
        assertThat(h.extractOutputValues()).isEmpty();
        assertThat(h.numProcessingTimeTimers()).isEqualTo(1);

        h.setProcessingTime(SILENT / 2 + SILENT - 1);
        assertThat(h.extractOutputValues()).isEmpty();
        h.setProcessingTime(SILENT / 2 + SILENT);

        assertThat(h.extractOutputValues()).singleElement().satisfies(alert -> {
            assertThat(alert.getAlertId()).isEqualTo(id("hb-1", AlertRules.SILENT, 1));
            assertThat(alert.getKind()).isEqualTo(AlertRules.SILENT);
            assertThat(alert.getEventTime()).isEqualTo(Instant.ofEpochMilli(SILENT / 2 + SILENT));
        });
        h.setProcessingTime(10 * SILENT);
        assertThat(h.extractOutputValues()).as("once per silence").hasSize(1);
        assertThat(h.numProcessingTimeTimers()).isZero();

        h.processElement(reading("hb-1", 2), 2);      // back: the next silence alerts again
        h.setProcessingTime(11 * SILENT);
        assertThat(ids(h)).containsExactly(id("hb-1", AlertRules.SILENT, 1), id("hb-1", AlertRules.SILENT, 2));
    }

    @Test
    void aReplayOfTheSameReadingsGivesTheSameAlertIds() throws Exception {
        List<HoverboardReading> readings = List.of(
                reading("hb-1", 0, 50.0, 30.0, null),
                reading("hb-1", 1, 10.0, 65.0, "E7"),
                reading("hb-1", 2, 10.0, 30.0, "E7"),
                reading("hb-1", 3, 30.0, 30.0, "E7"),
                reading("hb-2", 0, 5.0, 30.0, null));
        var first = harness();
        var replay = harness();
        for (HoverboardReading r : readings) {
            first.processElement(r, 0);
            replay.processElement(r, 0);
        }

        assertThat(ids(first)).containsExactly(id("hb-1", AlertRules.LOW_BATTERY, 1), id("hb-1", AlertRules.OVER_TEMPERATURE, 1),
                id("hb-1", AlertRules.FAILURE_PATTERN, 3), id("hb-2", AlertRules.LOW_BATTERY, 0));
        assertThat(replay.extractOutputValues()).isEqualTo(first.extractOutputValues());
    }

    @Test
    void alertStateSurvivesASnapshotSoARestoreDoesNotAlertTwice() throws Exception {
        var before = harness();
        battery(before, 0, 10.0);
        OperatorSubtaskState snapshot = before.snapshot(1L, 1L);
        assertThat(ids(before)).containsExactly(id("hb-1", AlertRules.LOW_BATTERY, 0));

        var after = harness(new AlertRules(THRESHOLDS), snapshot, 1_000);
        battery(after, 1, 9.0);
        assertThat(ids(after)).as("the episode is still open").isEmpty();

        after.setProcessingTime(1_000 + SILENT);
        assertThat(ids(after)).containsExactly(id("hb-1", AlertRules.SILENT, 1));
    }

    @Test
    void aDeviceBackAfterTheStateTtlStartsAfresh() throws Exception {
        var h = harness();
        long ttl = THRESHOLDS.stateTtl().toMillis();

        battery(h, 0, 10.0);
        h.setStateTtlProcessingTime(ttl - 1);
        battery(h, 1, 10.0);
        h.setStateTtlProcessingTime(ttl + 10);
        battery(h, 2, 10.0);                 // written at ttl-1: still the same episode
        h.setStateTtlProcessingTime(3 * ttl);
        battery(h, 3, 10.0);                 // expired: alerts again

        assertThat(ids(h)).containsExactly(id("hb-1", AlertRules.LOW_BATTERY, 0), id("hb-1", AlertRules.LOW_BATTERY, 3));
    }

    @Test
    void aSequenceGapBecomesAnAlertWithADeterministicId() {
        SequenceGap gap = SequenceGap.newBuilder()
                .setDeviceId("hb-1").setFromSeq(5).setToSeq(7)
                .setReason(SequenceOrderer.REASON_HOLD_TIMEOUT)
                .setDetectedAt(Instant.ofEpochMilli(1234))
                .setResumedAt(Instant.ofEpochMilli(8000))
                .build();

        Alert alert = new SequenceGapAlerts().map(gap);

        assertThat(alert.getAlertId()).isEqualTo("hb-1/SEQUENCE_GAP/5/8000");
        assertThat(alert.getKind()).isEqualTo(AlertRules.SEQUENCE_GAP);
        assertThat(alert.getReadingSeq()).isEqualTo(5L);
        assertThat(alert.getEventTime()).isEqualTo(Instant.ofEpochMilli(1234));
        assertThat(alert.getMessage()).contains("5..7").contains("(3)").contains("HOLD_TIMEOUT");
        assertThat(SequenceGapAlerts.toAlert(gap)).isEqualTo(alert);
    }

    @Test
    void thresholdsRejectATtlThatWouldExpireBeforeTheSilentCheck() {
        assertThatThrownBy(() -> AlertThresholds.defaults().withStateTtl(Duration.ofMinutes(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("silentAfter");
        assertThatThrownBy(() -> AlertThresholds.defaults().withFailureRepeat(0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
