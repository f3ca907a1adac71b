package dev.tributary.operators.codec;

import dev.tributary.events.HoverboardReading;

import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written readers must read exactly what Avro reads, and refuse exactly what Avro refuses. */
class DirectReadersTest {

    private static final Random RANDOM = new Random(7);

    @Test
    void thereIsAReaderForTheCurrentReadingSchema() {
        assertThat(DirectReaders.forSchema(HoverboardReading.getClassSchema()))
                .as("HoverboardReading.avsc changed (full fingerprint %016X): update DirectReaders.hoverboardReading"
                                + " to the new fields, then HOVERBOARD_READING_SCHEMA",
                        DirectReaders.fullFingerprint(HoverboardReading.getClassSchema()))
                .isPresent();
    }

    @Test
    void readsWhatAvroReads() throws Exception {
        for (int i = 0; i < 2_000; i++) {
            byte[] body = body(randomReading());
            // field by field, NaN equal to NaN (Avro 1.12.1's generated equals() says NaN != NaN)
            assertThat(read(body, false)).usingRecursiveComparison().withEqualsForType(Double::equals, Double.class).isEqualTo(read(body, true));
            assertThat(read(body, false).value).isNotNull();
        }
    }

    @Test
    void corruptBodiesGetTheSameAnswerAsFromAvro() throws Exception {
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] body = mutate(body(randomReading()));
            Outcome direct = read(body, false);
            assertThat(direct).as("body %s", Arrays.toString(body)).usingRecursiveComparison().withEqualsForType(Double::equals, Double.class).isEqualTo(read(body, true));
            refused += direct.value == null ? 1 : 0;
        }
        assertThat(refused).as("mutations that break the body").isGreaterThan(1_000);
    }

    /** A value, or null when the reader threw; and whether the body was consumed to its end (record equality
     * compares the readings with Avro's equals, which is NaN-safe). */
    private record Outcome(HoverboardReading value, boolean atEnd) {}

    private static Outcome read(byte[] body, boolean avro) {
        try {
            if (avro) {
                BoundedDecoder in = new BoundedDecoder(DecoderFactory.get().binaryDecoder(body, null), body.length);
                HoverboardReading value = new SpecificDatumReader<HoverboardReading>(HoverboardReading.getClassSchema(),
                        HoverboardReading.getClassSchema(), new SpecificData()).read(null, in);
                return new Outcome(value, in.isEnd());
            }
            BodyCursor in = new BodyCursor().reset(body, 0, body.length);
            return new Outcome(DirectReaders.hoverboardReading(in), in.isEnd());
        } catch (Exception | OutOfMemoryError e) {
            return new Outcome(null, false);
        }
    }

    private static byte[] mutate(byte[] body) {
        byte[] copy = body.clone();
        switch (RANDOM.nextInt(4)) {
            case 0 -> copy[RANDOM.nextInt(copy.length)] = (byte) RANDOM.nextInt(256);
            case 1 -> copy[RANDOM.nextInt(copy.length)] ^= (byte) (1 << RANDOM.nextInt(8));
            case 2 -> copy = Arrays.copyOf(copy, RANDOM.nextInt(copy.length));
            default -> {
                copy = Arrays.copyOf(copy, copy.length + 1 + RANDOM.nextInt(4));
                copy[copy.length - 1] = (byte) RANDOM.nextInt(256);
            }
        }
        return copy;
    }

    private static byte[] body(HoverboardReading reading) throws Exception {
        ByteBuffer encoded = reading.toByteBuffer();
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return Arrays.copyOfRange(bytes, SingleObjectReader.HEADER_LENGTH, bytes.length);
    }

    private static HoverboardReading randomReading() {
        String[] ids = {"hb-1", "dev-" + RANDOM.nextInt(1000), "", "hoverboard-ü-日本-😀"};
        return HoverboardReading.newBuilder()
                .setDeviceId(ids[RANDOM.nextInt(ids.length)])
                .setSeq(RANDOM.nextInt(3) == 0 ? RANDOM.nextLong() : RANDOM.nextInt(100_000))
                .setEventTime(Instant.ofEpochMilli(RANDOM.nextInt(3) == 0 ? RANDOM.nextLong() : 1_790_000_000_000L))
                .setBatteryPct(RANDOM.nextDouble() * 100)
                .setTemperatureC(RANDOM.nextInt(10) == 0 ? Double.NaN : RANDOM.nextGaussian() * 30)
                .setSpeedKmh(RANDOM.nextDouble() * 40)
                .setLatitude(RANDOM.nextBoolean() ? null : RANDOM.nextDouble() * 180 - 90)
                .setLongitude(RANDOM.nextBoolean() ? null : RANDOM.nextDouble() * 360 - 180)
                .setErrorCode(RANDOM.nextInt(4) == 0 ? "E" + RANDOM.nextInt(100) : null)
                .build();
    }
}
