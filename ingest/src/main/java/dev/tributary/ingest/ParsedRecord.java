package dev.tributary.ingest;

/** One record of a request, as read: valid (with its key and the bytes to produce) or rejected with a reason. */
public sealed interface ParsedRecord permits ParsedRecord.Valid, ParsedRecord.Invalid {

    /** Its position in the request (0 for a single record). */
    int index();

    /** @param value the record in Avro single-object encoding, what the job's decoders read fastest */
    record Valid(int index, String key, byte[] value) implements ParsedRecord {}

    /** @param code a {@code RejectReason} code of the job's decoders, or OVERSIZED after encoding */
    record Invalid(int index, String code, String reason) implements ParsedRecord {}
}
