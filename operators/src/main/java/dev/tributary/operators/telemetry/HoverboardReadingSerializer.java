package dev.tributary.operators.telemetry;

import dev.tributary.events.HoverboardReading;
import dev.tributary.operators.codec.Utf8Interner;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Serializes readings between operators (network shuffles), field by field, for the telemetry topic's volume.
 *
 * <p>Why not Flink's {@code AvroSerializer}: a reading crosses three to five keyed shuffles in the telemetry
 * flow, and Avro's generic writer and reader (boxing every number through {@code IndexedRecord.get/put}, resolving
 * each union by schema name) were a quarter of the ordering job's CPU: more than decoding the Kafka payload. This
 * writes the same values in a fixed layout: a byte of null flags, the device id, seq, event time (epoch millis,
 * the schema's {@code timestamp-millis}, so exactly what Avro would carry), the three doubles, then the optional
 * fields that are present.
 *
 * <p><b>Streams only, never state.</b> State that holds readings keeps Avro types (its serializer is written
 * into savepoints and must evolve with the schema); a stream's serializer is not persisted, so this one can
 * change freely. {@link #FIELDS} names the schema fields it carries: a test fails when the schema gains a
 * field, so a new field cannot be dropped silently between operators.
 */
public final class HoverboardReadingSerializer extends TypeSerializer<HoverboardReading> {

    private static final long serialVersionUID = 1L;

    public static final HoverboardReadingSerializer INSTANCE = new HoverboardReadingSerializer();

    /** The schema fields this serializer writes, in schema order. */
    static final List<String> FIELDS = List.of("deviceId", "seq", "eventTime", "batteryPct", "temperatureC",
            "speedKmh", "latitude", "longitude", "errorCode");

    private static final int HAS_LATITUDE = 1;
    private static final int HAS_LONGITUDE = 2;
    private static final int HAS_ERROR_CODE = 4;

    // Per instance, so per thread: Flink duplicates a serializer for each thread that uses it (see duplicate()), and
    // the type information creates a new one each time. Allocated at the first read: most instances never read.
    private transient Utf8Interner strings;
    private transient byte[] scratch;

    /** Instances differ only in their interner (per thread); {@link #INSTANCE} serves copies and writes. */
    HoverboardReadingSerializer() {}

    @Override
    public void serialize(HoverboardReading r, DataOutputView out) throws IOException {
        Double latitude = r.getLatitude();
        Double longitude = r.getLongitude();
        String errorCode = r.getErrorCode();
        out.writeByte((latitude != null ? HAS_LATITUDE : 0) | (longitude != null ? HAS_LONGITUDE : 0)
                | (errorCode != null ? HAS_ERROR_CODE : 0));
        writeString(r.getDeviceId(), out);
        out.writeLong(r.getSeq());
        out.writeLong(r.getEventTime().toEpochMilli());
        out.writeDouble(r.getBatteryPct());
        out.writeDouble(r.getTemperatureC());
        out.writeDouble(r.getSpeedKmh());
        if (latitude != null) {
            out.writeDouble(latitude);
        }
        if (longitude != null) {
            out.writeDouble(longitude);
        }
        if (errorCode != null) {
            writeString(errorCode, out);
        }
    }

    @Override
    public HoverboardReading deserialize(DataInputView in) throws IOException {
        int flags = in.readByte();
        // setters, not the all-args constructor: it takes boxed numbers
        HoverboardReading r = new HoverboardReading();
        r.setDeviceId(readString(in));
        r.setSeq(in.readLong());
        r.setEventTime(Instant.ofEpochMilli(in.readLong()));
        r.setBatteryPct(in.readDouble());
        r.setTemperatureC(in.readDouble());
        r.setSpeedKmh(in.readDouble());
        if ((flags & HAS_LATITUDE) != 0) {
            r.setLatitude(in.readDouble());
        }
        if ((flags & HAS_LONGITUDE) != 0) {
            r.setLongitude(in.readDouble());
        }
        if ((flags & HAS_ERROR_CODE) != 0) {
            r.setErrorCode(readString(in));
        }
        return r;
    }

    /**
     * UTF-8 with a length, as Avro writes strings (an unpaired surrogate becomes '?' in both; validation rejects
     * such text before it gets here). Not Flink's {@code StringValue}: its thread-local buffer lookup cost more
     * than the rest of a reading.
     */
    private static void writeString(String value, DataOutputView out) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /**
     * Short strings (the device id of every reading) are read into a scratch array and interned: the orderer's
     * per-device maps then hash and compare the same instance again and again (see {@link Utf8Interner}). (They
     * were read byte by byte for a while, to skip {@code readFully}'s {@code Unsafe.copyMemory} checks; the
     * benchmark showed no gain, so the plain read is back: bench/README.md, "Complexity that earns its place".)
     */
    private String readString(DataInputView in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > Utf8Interner.MAX_LENGTH) {
            byte[] bytes = new byte[length];
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (strings == null) {
            strings = new Utf8Interner();
            scratch = new byte[Utf8Interner.MAX_LENGTH];
        }
        in.readFully(scratch, 0, length);
        return strings.intern(scratch, 0, length);
    }

    @Override
    public HoverboardReading deserialize(HoverboardReading reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public HoverboardReading copy(HoverboardReading from) {
        // every field is immutable (String, Instant, numbers): a shallow copy is a deep one
        HoverboardReading r = new HoverboardReading();
        r.setDeviceId(from.getDeviceId());
        r.setSeq(from.getSeq());
        r.setEventTime(from.getEventTime());
        r.setBatteryPct(from.getBatteryPct());
        r.setTemperatureC(from.getTemperatureC());
        r.setSpeedKmh(from.getSpeedKmh());
        r.setLatitude(from.getLatitude());
        r.setLongitude(from.getLongitude());
        r.setErrorCode(from.getErrorCode());
        return r;
    }

    @Override
    public HoverboardReading copy(HoverboardReading from, HoverboardReading reuse) {
        return copy(from);
    }

    @Override
    public HoverboardReading createInstance() {
        return new HoverboardReading();
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<HoverboardReading> duplicate() {
        return new HoverboardReadingSerializer(); // its own interner; otherwise stateless
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof HoverboardReadingSerializer;
    }

    @Override
    public int hashCode() {
        return HoverboardReadingSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<HoverboardReading> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Needed by Flink's interface; this serializer is never written into a savepoint (see the class comment). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<HoverboardReading> {
        public Snapshot() {
            super(HoverboardReadingSerializer::new);
        }
    }

    /** A deserialized serializer (job graph, snapshot) gets its own interner: the fields are transient. */
    private Object readResolve() {
        return new HoverboardReadingSerializer();
    }
}
