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
    private final Map<Long, DirectReaders.BodyReader<T>> readers = new HashMap<>();
    // nearly every payload of a topic has the same writer schema: skip the map (and boxing the key) for it
    private long lastFingerprint;
    private DirectReaders.BodyReader<T> lastReader;
    /** Re-pointed at each payload: Avro allocates a decoder and its buffer state otherwise, once per record. */
    private BinaryDecoder binary;

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
        DirectReaders.BodyReader<T> reader = readerFor(fingerprint);
        if (reader == null) {
            String known = history.describe(fingerprint).map(s -> "; it is the fingerprint of " + s).orElse("");
            return Decoded.rejected(RejectReason.UNKNOWN_SCHEMA, "schema fingerprint " + SchemaHistory.hex(fingerprint)
                    + " is not a known version of " + readerSchema.getFullName() + known);
        }
        try {
            binary = DecoderFactory.get().binaryDecoder(payload, HEADER_LENGTH, payload.length - HEADER_LENGTH, binary);
            BoundedDecoder decoder = new BoundedDecoder(binary, payload.length);
            T value = reader.read(decoder);
            if (!decoder.isEnd()) {
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

    private DirectReaders.BodyReader<T> readerFor(long fingerprint) {
        if (lastReader != null && fingerprint == lastFingerprint) {
            return lastReader;
        }
        DirectReaders.BodyReader<T> reader = readers.get(fingerprint);
        if (reader == null) {
            Schema writer = store.findByFingerprint(fingerprint);
            if (writer == null) {
                return null;
            }
            // the current schema's payloads: a hand-written reader where there is one (see DirectReaders)
            Optional<DirectReaders.BodyReader<T>> direct = fingerprint == fingerprintOf(readerSchema)
                    ? DirectReaders.forSchema(readerSchema) : Optional.empty();
            if (direct.isPresent()) {
                reader = direct.get();
            } else {
                SpecificDatumReader<T> avro = new SpecificDatumReader<>(writer, readerSchema, model);
                reader = in -> avro.read(null, in);
            }
            readers.put(fingerprint, reader);
        }
        lastFingerprint = fingerprint;
        lastReader = reader;
        return reader;
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
