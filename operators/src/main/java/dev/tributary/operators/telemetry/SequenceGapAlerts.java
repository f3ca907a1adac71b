package dev.tributary.operators.telemetry;

import dev.tributary.events.Alert;
import dev.tributary.events.SequenceGap;

import org.apache.flink.api.common.functions.MapFunction;

/** Turns a {@link SequenceGap} from {@link SequenceOrderer#GAPS} into a {@code SEQUENCE_GAP} alert. */
public final class SequenceGapAlerts implements MapFunction<SequenceGap, Alert> {

    private static final long serialVersionUID = 1L;

    @Override
    public Alert map(SequenceGap gap) {
        return toAlert(gap);
    }

    /**
     * The alert id is {@code deviceId/SEQUENCE_GAP/fromSeq/resumedAtMillis}: one alert per skipped range, and a
     * range skipped again after the device rebooted is a gap of its own.
     */
    public static Alert toAlert(SequenceGap gap) {
        long missing = gap.getToSeq() - gap.getFromSeq() + 1;
        String range = missing == 1 ? "reading " + gap.getFromSeq() : "readings " + gap.getFromSeq() + ".." + gap.getToSeq();
        return Alert.newBuilder()
                .setAlertId(AlertRules.alertId(gap.getDeviceId(), AlertRules.SEQUENCE_GAP, gap.getFromSeq(), gap.getResumedAt()))
                .setDeviceId(gap.getDeviceId())
                .setKind(AlertRules.SEQUENCE_GAP)
                .setSeverity(AlertRules.WARNING)
                .setMessage(range + " (" + missing + ") never arrived, skipped: " + gap.getReason())
                .setEventTime(gap.getDetectedAt())
                .setReadingSeq(gap.getFromSeq())
                .build();
    }
}
