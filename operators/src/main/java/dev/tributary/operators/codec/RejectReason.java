package dev.tributary.operators.codec;

/**
 * Every machine-readable reason code a {@link dev.tributary.events.DeadLetter} can carry, in one place, so
 * dashboards and alerts can rely on a closed set of values.
 */
public final class RejectReason {

    /** The record value is null (a tombstone) or has no bytes. */
    public static final String EMPTY_PAYLOAD = "EMPTY_PAYLOAD";
    /** The value is larger than the configured maximum; it was not parsed. */
    public static final String OVERSIZED = "OVERSIZED";
    /** Neither Avro single-object encoding (0xC3 0x01) nor a JSON object. */
    public static final String UNRECOGNIZED_FORMAT = "UNRECOGNIZED_FORMAT";
    /** A JSON payload that is not valid UTF-8 (or a string holding a lone UTF-16 surrogate). */
    public static final String INVALID_UTF8 = "INVALID_UTF8";
    /** JSON syntax error (location in the reason). */
    public static final String MALFORMED_JSON = "MALFORMED_JSON";
    /** JSON nesting depth, string length or number length above the configured limits. */
    public static final String LIMIT_EXCEEDED = "LIMIT_EXCEEDED";
    /** Avro single-object encoding whose schema fingerprint is not a known version of the expected record. */
    public static final String UNKNOWN_SCHEMA = "UNKNOWN_SCHEMA";
    /** Avro single-object encoding whose body does not decode with its writer schema. */
    public static final String MALFORMED_AVRO = "MALFORMED_AVRO";
    /** A required field (no default, not nullable) is absent or null. */
    public static final String MISSING_FIELD = "MISSING_FIELD";
    /** A JSON value of the wrong type for its field (the reason names path, expected and actual). */
    public static final String WRONG_TYPE = "WRONG_TYPE";
    /** Well-typed, but semantically impossible (negative sequence, battery above 100 %, unknown enum symbol...). */
    public static final String INVALID_VALUE = "INVALID_VALUE";
    /**
     * An event time further ahead of the job's clock than {@code decode.max-clock-ahead}: the producer's clock is
     * wrong. Rejected rather than counted, so one bad clock can neither move the watermark nor make other
     * producers' records late; the dead letter names the source offset, so the records can be replayed once fixed.
     */
    public static final String EVENT_TIME_AHEAD = "EVENT_TIME_AHEAD";
    /** A sink's server refused the record (used by sink writers, not by the codec). */
    public static final String SINK_REJECTED = "SINK_REJECTED";

    private RejectReason() {}
}
