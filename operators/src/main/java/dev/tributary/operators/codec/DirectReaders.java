package dev.tributary.operators.codec;

import dev.tributary.events.HoverboardReading;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Hand-written readers of Avro binary bodies for the current schema of the high-volume types, used instead of
 * Avro's {@code SpecificDatumReader} when a payload was written with exactly that schema.
 *
 * <p>Why: telemetry readings arrive at hundreds of thousands per second, and Avro's generic reader (even its
 * compiled {@code FastReaderBuilder}) sets every field through {@code put(int, Object)}, boxing each number,
 * and instantiates the record reflectively: two thirds of the decode step. These read the same bytes in place
 * ({@link BodyCursor}) into the generated class's setters.
 *
 * <p>Safe against schema change: each reader names the fingerprint of the full schema text it was written for
 * (logical types and all, which the parsing fingerprint ignores). When the generated class's schema differs,
 * {@link #forSchema} finds no reader and decoding falls back to Avro; {@code DirectReadersTest} fails then, so the
 * reader gets updated. Payloads of older schema versions always go through Avro's schema resolution.
 */
final class DirectReaders {

    /** Reads one record body (after the single-object header). */
    @FunctionalInterface
    interface BodyReader<T> {
        T read(BodyCursor in) throws IOException;
    }

    /** {@code fingerprint64} of {@code HoverboardReading.avsc} as the generated class holds it. */
    static final long HOVERBOARD_READING_SCHEMA = 0x29F7B739599B4AD6L;

    private static final Map<Long, BodyReader<?>> READERS =
            Map.of(HOVERBOARD_READING_SCHEMA, DirectReaders::hoverboardReading);

    private DirectReaders() {}

    /** The direct reader for records written with exactly this schema, if there is one. */
    @SuppressWarnings("unchecked")
    static <T> Optional<BodyReader<T>> forSchema(Schema schema) {
        return Optional.ofNullable((BodyReader<T>) READERS.get(fullFingerprint(schema)));
    }

    static long fullFingerprint(Schema schema) {
        return SchemaNormalization.fingerprint64(schema.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Fields in schema order; unions are ["null", T]: branch 0 is null. */
    static HoverboardReading hoverboardReading(BodyCursor in) throws IOException {
        HoverboardReading r = new HoverboardReading();
        r.setDeviceId(in.readString());
        r.setSeq(in.readLong());
        r.setEventTime(Instant.ofEpochMilli(in.readLong()));
        r.setBatteryPct(in.readDouble());
        r.setTemperatureC(in.readDouble());
        r.setSpeedKmh(in.readDouble());
        r.setLatitude(in.readPresent() ? in.readDouble() : null);
        r.setLongitude(in.readPresent() ? in.readDouble() : null);
        r.setErrorCode(in.readPresent() ? in.readString() : null);
        return r;
    }
}
