package dev.tributary.pipeline;

import java.time.Instant;

/**
 * Alert ids in the form {@code docs/flows/telemetry.md} promises ({@code deviceId/kind/seq/eventTimeMillis}),
 * written out here rather than taken from the code under test, so a change of the form fails the tests.
 */
public final class DocumentedAlertIds {

    private DocumentedAlertIds() {}

    /** {@code kind} as the docs name it: LOW_BATTERY, OVER_TEMPERATURE, FAILURE_PATTERN, SILENT, SEQUENCE_GAP. */
    public static String of(String deviceId, String kind, long seq, Instant readingTime) {
        return deviceId + "/" + kind + "/" + seq + "/" + readingTime.toEpochMilli();
    }
}
