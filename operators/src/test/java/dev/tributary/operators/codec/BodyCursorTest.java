package dev.tributary.operators.codec;

import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Every primitive reads what Avro's BinaryDecoder (behind BoundedDecoder) reads, and fails where it fails. */
class BodyCursorTest {

    private static final Random RANDOM = new Random(11);

    @FunctionalInterface
    private interface Read {
        Object from(Object reader) throws Exception;
    }

    /** A value (or null after a failure) and whether the input was then consumed to its end. */
    private record Outcome(Object value, boolean atEnd) {}

    @Test
    void varIntsAndLongsOfEveryLengthIncludingOverlongAndTruncated() {
        for (int i = 0; i < 50_000; i++) {
            byte[] bytes = randomVarBytes();
            assertSame(bytes, r -> r instanceof BodyCursor c ? c.readLong() : ((BoundedDecoder) r).readLong());
            assertSame(bytes, r -> r instanceof BodyCursor c ? c.readInt() : ((BoundedDecoder) r).readInt());
        }
    }

    @Test
    void extremeLongsRoundTrip() throws Exception {
        for (long value : new long[] {0, -1, 1, 63, -64, 64, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE,
                Long.MIN_VALUE, 1_790_000_000_000L}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            encoder.writeLong(value);
            encoder.flush();
            byte[] bytes = out.toByteArray();
            BodyCursor cursor = new BodyCursor().reset(bytes, 0, bytes.length);
            assertThat(cursor.readLong()).isEqualTo(value);
            assertThat(cursor.isEnd()).isTrue();
        }
    }

    @Test
    void doublesAndStringsIncludingTruncatedAndHostileLengths() {
        for (int i = 0; i < 50_000; i++) {
            byte[] bytes = new byte[RANDOM.nextInt(14)];
            RANDOM.nextBytes(bytes);
            if (bytes.length > 0 && RANDOM.nextBoolean()) {
                bytes[0] = (byte) (RANDOM.nextInt(26)); // a short, plausible string length
            }
            assertSame(bytes, r -> r instanceof BodyCursor c ? c.readDouble() : ((BoundedDecoder) r).readDouble());
            assertSame(bytes, r -> r instanceof BodyCursor c ? c.readString() : ((BoundedDecoder) r).readString());
        }
    }

    @Test
    void readsInPlaceWithinTheGivenRange() throws Exception {
        byte[] bytes = {9, 9, 4, 'h', 'b', 9};
        BodyCursor cursor = new BodyCursor().reset(bytes, 2, 5);
        assertThat(cursor.readString()).isEqualTo("hb");
        assertThat(cursor.isEnd()).isTrue();
    }

    private static void assertSame(byte[] bytes, Read read) {
        BodyCursor cursor = new BodyCursor().reset(bytes, 0, bytes.length);
        BinaryDecoder binary = DecoderFactory.get().binaryDecoder(bytes, null);
        BoundedDecoder avro = new BoundedDecoder(binary, bytes.length);
        assertThat(outcome(cursor, read, cursor::isEnd)).as("bytes %s", Arrays.toString(bytes))
                .isEqualTo(outcome(avro, read, avro::isEnd));
    }

    private static Outcome outcome(Object reader, Read read, EndCheck end) {
        try {
            Object value = read.from(reader);
            return new Outcome(value instanceof Double d ? Double.doubleToRawLongBits(d) : value, end.isEnd());
        } catch (Exception e) {
            return new Outcome(null, false);
        }
    }

    @FunctionalInterface
    private interface EndCheck {
        boolean isEnd() throws Exception;
    }

    /** 0-12 bytes, mostly with continuation bits set, so encodings of every length, overlong ones and cut ones. */
    private static byte[] randomVarBytes() {
        byte[] bytes = new byte[RANDOM.nextInt(13)];
        int continued = RANDOM.nextInt(bytes.length + 1);
        for (int i = 0; i < bytes.length; i++) {
            int low = RANDOM.nextInt(128);
            bytes[i] = (byte) (i < continued ? 0x80 | low : low);
        }
        return bytes;
    }
}
