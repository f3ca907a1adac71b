package dev.tributary.operators.codec;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads Avro single-object encoding (0xC3 0x01, 8-byte little-endian CRC-64-AVRO fingerprint, binary body)
 * into a SpecificRecord of the current schema, by Avro schema resolution from whichever known version wrote it.
 *
 * <p>Not Avro's {@code BinaryMessageDecoder}: that decoder allocates whatever lengths the body claims (see
 * {@link BoundedDecoder}) and ignores trailing bytes. The header and the {@link SchemaStore.Cache} lookup are
 * the same. Not thread-safe (one instance per operator subtask).
 */
final class SingleObjectReader<T> {

    static final int HEADER_LENGTH = 10;

    private final Schema readerSchema;
    private final SpecificData model;
    private final SchemaStore.Cache store = new SchemaStore.Cache();
    private final SchemaHistory history;
    private final Map<Long, WriterVersion<T>> versions = new HashMap<>();
    // nearly every payload of a topic has the same writer schema: skip the map (and boxing the key) for it
    private long lastFingerprint;
    private WriterVersion<T> lastVersion;
    /** Re-pointed at each payload: Avro allocates a decoder and its buffer state otherwise, once per record. */
    private BinaryDecoder binary;
    private final BodyCursor cursor = new BodyCursor();

    /**
     * How the bodies of one writer schema are read: in place by a hand-written reader (the current schema of a
     * busy type, see {@link DirectReaders}), else by Avro's schema resolution.
     */
    private record WriterVersion<T>(DirectReaders.BodyReader<T> direct, SpecificDatumReader<T> avro) {}

    SingleObjectReader(Schema readerSchema, SpecificData model, SchemaHistory history) {
        this.readerSchema = readerSchema;
        this.model = model;
        this.history = history;
        store.addSchema(readerSchema);
        history.versionsOf(readerSchema.getFullName()).forEach(store::addSchema);
    }

    Decoded<T> read(byte[] payload) {
        if (payload.length < HEADER_LENGTH) {
            return Decoded.rejected(RejectReason.MALFORMED_AVRO,
                    "Avro single-object header truncated: " + payload.length + " of " + HEADER_LENGTH + " bytes");
        }
        long fingerprint = fingerprintOf(payload);
        WriterVersion<T> version = versionOf(fingerprint);
        if (version == null) {
            String known = history.describe(fingerprint).map(s -> "; it is the fingerprint of " + s).orElse("");
            return Decoded.rejected(RejectReason.UNKNOWN_SCHEMA, "schema fingerprint " + SchemaHistory.hex(fingerprint)
                    + " is not a known version of " + readerSchema.getFullName() + known);
        }
        try {
            T value;
            boolean atEnd;
            if (version.direct() != null) {
                value = version.direct().read(cursor.reset(payload, HEADER_LENGTH, payload.length));
                atEnd = cursor.isEnd();
            } else {
                binary = DecoderFactory.get().binaryDecoder(payload, HEADER_LENGTH, payload.length - HEADER_LENGTH, binary);
                BoundedDecoder decoder = new BoundedDecoder(binary, payload.length);
                value = version.avro().read(null, decoder);
                atEnd = decoder.isEnd();
            }
            if (!atEnd) {
                return Decoded.rejected(RejectReason.MALFORMED_AVRO, "trailing bytes after the Avro record (writer schema "
                        + SchemaHistory.hex(fingerprint) + ")");
            }
            return Decoded.ok(value);
        } catch (IOException | RuntimeException e) {
            // EOFException for truncated bodies, AvroRuntimeException/IndexOutOfBounds for corrupt ones: all bad input.
            return Decoded.rejected(RejectReason.MALFORMED_AVRO, "Avro body does not decode with writer schema "
                    + SchemaHistory.hex(fingerprint) + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private WriterVersion<T> versionOf(long fingerprint) {
        if (lastVersion != null && fingerprint == lastFingerprint) {
            return lastVersion;
        }
        WriterVersion<T> version = versions.get(fingerprint);
        if (version == null) {
            Schema writer = store.findByFingerprint(fingerprint);
            if (writer == null) {
                return null;
            }
            // the current schema's payloads: a hand-written reader where there is one (see DirectReaders)
            Optional<DirectReaders.BodyReader<T>> direct = fingerprint == fingerprintOf(readerSchema)
                    ? DirectReaders.forSchema(readerSchema) : Optional.empty();
            version = direct.isPresent()
                    ? new WriterVersion<>(direct.get(), null)
                    : new WriterVersion<>(null, new SpecificDatumReader<>(writer, readerSchema, model));
            versions.put(fingerprint, version);
        }
        lastFingerprint = fingerprint;
        lastVersion = version;
        return version;
    }

    static long fingerprintOf(byte[] payload) {
        long fingerprint = 0;
        for (int i = 9; i >= 2; i--) {
            fingerprint = (fingerprint << 8) | (payload[i] & 0xFFL);
        }
        return fingerprint;
    }

    static long fingerprintOf(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }
}
