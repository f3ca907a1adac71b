package dev.tributary.operators.codec;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A binary decoder that refuses lengths and item counts larger than the payload itself.
 *
 * <p>Avro's own decoder allocates a string, byte buffer, array or map of the size the input <em>claims</em>
 * before reading it, so a 20-byte hostile payload can ask for gigabytes. Nothing in a payload of n bytes can
 * be longer than n bytes or hold more than n items (every item of our schemas takes at least one byte), so
 * that bound is exact enough and cheap.
 */
final class BoundedDecoder extends Decoder {

    private final BinaryDecoder in;
    private final long bound;

    BoundedDecoder(BinaryDecoder in, long bound) {
        this.in = in;
        this.bound = bound;
    }

    boolean isEnd() throws IOException {
        return in.isEnd();
    }

    private long checkLength(long length, String what) {
        if (length < 0 || length > bound) {
            throw new AvroRuntimeException(what + " length " + length + " exceeds the payload size " + bound);
        }
        return length;
    }

    private long checkCount(long count) {
        // Avro writes a negative block count followed by the block size in bytes.
        if (Math.abs(count) > bound) {
            throw new AvroRuntimeException("block of " + count + " items exceeds the payload size " + bound);
        }
        return count;
    }

    @Override public void readNull() throws IOException { in.readNull(); }
    @Override public boolean readBoolean() throws IOException { return in.readBoolean(); }
    @Override public int readInt() throws IOException { return in.readInt(); }
    @Override public long readLong() throws IOException { return in.readLong(); }
    @Override public float readFloat() throws IOException { return in.readFloat(); }
    @Override public double readDouble() throws IOException { return in.readDouble(); }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = (int) checkLength(in.readLong(), "string");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        if (length > 0) {
            in.readFixed(result.getBytes(), 0, length);
        }
        return result;
    }

    @Override
    public String readString() throws IOException {
        int length = (int) checkLength(in.readLong(), "string");
        byte[] bytes = new byte[length];
        in.readFixed(bytes, 0, length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override public void skipString() throws IOException { in.skipFixed((int) checkLength(in.readLong(), "string")); }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = (int) checkLength(in.readLong(), "bytes");
        byte[] bytes = new byte[length];
        in.readFixed(bytes, 0, length);
        return ByteBuffer.wrap(bytes);
    }

    @Override public void skipBytes() throws IOException { in.skipFixed((int) checkLength(in.readLong(), "bytes")); }
    @Override public void readFixed(byte[] bytes, int start, int length) throws IOException { in.readFixed(bytes, start, length); }
    @Override public void skipFixed(int length) throws IOException { in.skipFixed(length); }
    @Override public int readEnum() throws IOException { return in.readEnum(); }
    @Override public long readArrayStart() throws IOException { return checkCount(in.readArrayStart()); }
    @Override public long arrayNext() throws IOException { return checkCount(in.arrayNext()); }
    @Override public long skipArray() throws IOException { return checkCount(in.skipArray()); }
    @Override public long readMapStart() throws IOException { return checkCount(in.readMapStart()); }
    @Override public long mapNext() throws IOException { return checkCount(in.mapNext()); }
    @Override public long skipMap() throws IOException { return checkCount(in.skipMap()); }
    @Override public int readIndex() throws IOException { return in.readIndex(); }
}
