package dev.tributary.operators.codec;

/**
 * Why a well-typed record is still not acceptable.
 *
 * @param field path of the offending field, e.g. {@code batteryPct}
 * @param value the offending value as text
 * @param rule what the value must satisfy, e.g. {@code must be within [0, 100]}
 */
public record Violation(String field, String value, String rule) {

    /** Cut so a hostile multi-megabyte value does not end up in every log line and dead letter reason. */
    private static final int MAX_VALUE_CHARS = 120;

    public static Violation of(String field, Object value, String rule) {
        String text = String.valueOf(value);
        if (text.length() > MAX_VALUE_CHARS) {
            text = text.substring(0, MAX_VALUE_CHARS) + "…(" + text.length() + " chars)";
        }
        return new Violation(field, text, rule);
    }

    /** The dead letter reason text. */
    public String reason() {
        return "field '" + field + "' = " + value + ": " + rule;
    }
}
