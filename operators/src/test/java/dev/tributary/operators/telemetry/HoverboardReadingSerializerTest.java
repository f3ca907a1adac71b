package dev.tributary.operators.telemetry;

import dev.tributary.events.HoverboardReading;

import org.apache.avro.Schema;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.testutils.DeeplyEqualsChecker;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reading stream serializer, through Flink's own serializer test suite (copies, sequences, snapshots,
 * duplicates, concurrency), and against Avro: it must carry exactly the values Flink's AvroSerializer would.
 */
class HoverboardReadingSerializerTest extends SerializerTestBase<HoverboardReading> {

    /**
     * Readings compared by their Avro encoding (bit for bit, NaN equal to NaN): the test data carries NaN, and the
     * equals() Avro 1.12.1 generates compares primitive doubles with {@code !=}, so a reading with a NaN field
     * equals no copy of itself.
     */
    HoverboardReadingSerializerTest() {
        super(new DeeplyEqualsChecker().withCustomCheck(
                (a, b) -> a instanceof HoverboardReading && b instanceof HoverboardReading,
                (a, b, checker) -> sameEncoding((HoverboardReading) a, (HoverboardReading) b)));
    }

    static boolean sameEncoding(HoverboardReading a, HoverboardReading b) {
        try {
            return a.toByteBuffer().equals(b.toByteBuffer());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    protected TypeSerializer<HoverboardReading> createSerializer() {
        return HoverboardReadingSerializer.INSTANCE;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<HoverboardReading> getTypeClass() {
        return HoverboardReading.class;
    }

    @Override
    protected HoverboardReading[] getTestData() {
        Random random = new Random(42);
        HoverboardReading[] data = new HoverboardReading[40];
        data[0] = reading("hb-1", 0, Instant.parse("2026-11-01T12:00:00Z"), 80, 21.5, 0, null, null, null);
        data[1] = reading("hb-2", Long.MAX_VALUE, Instant.ofEpochMilli(Long.MAX_VALUE), 100, -100, 200, 90.0, -180.0, "E42");
        data[2] = reading("", Long.MIN_VALUE, Instant.ofEpochMilli(Long.MIN_VALUE), 0, 0, 0, -90.0, null, "");
        data[3] = reading("hoverboard-ü-日本-😀", 7, Instant.EPOCH, Double.NaN, Double.NEGATIVE_INFINITY,
                Double.MIN_VALUE, null, 180.0, "😀 error\u0000with NUL");
        data[4] = reading("x".repeat(70_000), 1, Instant.parse("1970-01-01T00:00:00.001Z"), 1, 2, 3, 0.0, -0.0,
                "y".repeat(70_000));
        for (int i = 5; i < data.length; i++) {
            data[i] = reading("dev-" + random.nextInt(1000), random.nextLong(),
                    Instant.ofEpochMilli(1_790_000_000_000L + random.nextInt()), random.nextDouble() * 100,
                    random.nextGaussian() * 30, random.nextDouble() * 40,
                    random.nextBoolean() ? null : random.nextDouble() * 180 - 90,
                    random.nextBoolean() ? null : random.nextDouble() * 360 - 180,
                    random.nextInt(4) == 0 ? "E" + random.nextInt(100) : null);
        }
        return data;
    }

    @Test
    void carriesEveryFieldOfTheSchema() {
        // a field added to HoverboardReading.avsc must be added to the serializer too, or it is lost in shuffles
        assertThat(HoverboardReading.getClassSchema().getFields().stream().map(Schema.Field::name).toList())
                .as("fields of HoverboardReading.avsc vs HoverboardReadingSerializer.FIELDS")
                .isEqualTo(HoverboardReadingSerializer.FIELDS);
    }

    @Test
    void carriesTheSameValuesAsAvro() throws Exception {
        TypeSerializer<HoverboardReading> avro = new AvroSerializer<>(HoverboardReading.class);
        for (HoverboardReading reading : getTestData()) {
            HoverboardReading ours = roundTrip(HoverboardReadingSerializer.INSTANCE, reading);
            assertThat(sameEncoding(ours, roundTrip(avro, reading))).as("%s as Avro carries it", reading).isTrue();
            assertThat(sameEncoding(ours, reading)).as("%s", reading).isTrue();
        }
    }

    @Test
    void readingsOfOneDeviceShareTheirDeviceIdWithinOneSerializer() throws Exception {
        HoverboardReading first = reading("dev-7", 1, Instant.EPOCH, 1, 2, 3, null, null, null);
        HoverboardReading second = reading("dev-7", 2, Instant.EPOCH, 1, 2, 3, null, null, null);
        TypeSerializer<HoverboardReading> serializer = HoverboardReadingSerializer.INSTANCE.duplicate();
        String id = roundTrip(serializer, first).getDeviceId();
        assertThat(roundTrip(serializer, second).getDeviceId()).isEqualTo("dev-7").isSameAs(id);
        // another thread's duplicate has its own table
        TypeSerializer<HoverboardReading> other = serializer.duplicate();
        assertThat(other).isNotSameAs(serializer).isEqualTo(serializer);
        assertThat(roundTrip(other, second).getDeviceId()).isEqualTo("dev-7").isNotSameAs(id);
    }

    @Test
    void isWhatTheReadingTypeInformationCreates() {
        assertThat(TelemetryTypes.READING.createSerializer(new SerializerConfigImpl()))
                .isInstanceOf(HoverboardReadingSerializer.class);
    }

    private static HoverboardReading roundTrip(TypeSerializer<HoverboardReading> serializer, HoverboardReading r)
            throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(r, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    static HoverboardReading reading(String deviceId, long seq, Instant eventTime, double battery, double temperature,
                                     double speed, Double latitude, Double longitude, String errorCode) {
        return HoverboardReading.newBuilder().setDeviceId(deviceId).setSeq(seq).setEventTime(eventTime)
                .setBatteryPct(battery).setTemperatureC(temperature).setSpeedKmh(speed).setLatitude(latitude)
                .setLongitude(longitude).setErrorCode(errorCode).build();
    }
}
