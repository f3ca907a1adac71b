package dev.tributary.operators.codec;

/**
 * Why a well-typed record is still not acceptable.
 *
 * @param field path of the offending field, e.g. {@code batteryPct}
 * @param value the offending value as text
 * @param rule what the value must satisfy, e.g. {@code must be within [0, 100]}
 * @param reasonCode the dead letter's {@link RejectReason} code: {@link RejectReason#INVALID_VALUE} unless the
 *                   violation has a code of its own (a clock ahead of the job's)
 */
public record Violation(String field, String value, String rule, String reasonCode) {

    /** Cut so a hostile multi-megabyte value does not end up in every log line and dead letter reason. */
    private static final int MAX_VALUE_CHARS = 120;

    public static Violation of(String field, Object value, String rule) {
        return new Violation(field, cut(value), rule, RejectReason.INVALID_VALUE);
    }

    /** An event time further ahead of the job's clock than the clock guard allows. */
    public static Violation clockAhead(String field, Object value, String rule) {
        return new Violation(field, cut(value), rule, RejectReason.EVENT_TIME_AHEAD);
    }

    private static String cut(Object value) {
        String text = String.valueOf(value);
        return text.length() > MAX_VALUE_CHARS ? text.substring(0, MAX_VALUE_CHARS) + "…(" + text.length() + " chars)" : text;
    }

    /** The dead letter reason text. */
    public String reason() {
        return "field '" + field + "' = " + value + ": " + rule;
    }
}
