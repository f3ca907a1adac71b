package dev.tributary.operators.codec;

import org.apache.avro.message.BinaryMessageEncoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A record in Avro single-object encoding, as a byte array. Through the encoder's own reused buffer: encoding
 * into a fresh {@code ByteArrayOutputStream} writes byte by byte through its synchronized methods and grows it,
 * which was most of the encoding's CPU in the ingestion service's profile (IngestBench). Free of Flink classes.
 */
public final class SingleObjectBytes {

    private SingleObjectBytes() {}

    public static <R> byte[] encode(BinaryMessageEncoder<R> encoder, R record) {
        try {
            ByteBuffer buffer = encoder.encode(record);
            // always a copy: whether the buffer is the encoder's own depends on how the encoder was built
            int start = buffer.arrayOffset() + buffer.position();
            return Arrays.copyOfRange(buffer.array(), start, start + buffer.remaining());
        } catch (IOException e) {
            // the buffer is in memory; BinaryMessageEncoder declares IOException anyway
            throw new UncheckedIOException("in-memory Avro encoding failed", e);
        }
    }
}
