package dev.tributary.operators.codec;

import org.apache.avro.AvroRuntimeException;

import java.io.EOFException;

/**
 * Reads Avro binary primitives straight from a payload's bytes, for {@link DirectReaders}.
 *
 * <p>Why not Avro's {@code BinaryDecoder}: re-pointing it at each payload (buffer detach and set-up, a copy of
 * the last bytes into a padded buffer) and reading a string into its own array before decoding it cost as much
 * as reading the fields. This reads the payload in place and decodes a string from the payload itself.
 *
 * <p>Same answers as {@code BinaryDecoder} behind {@link BoundedDecoder}: the same arithmetic for variable-length
 * ints and longs (an encoding longer than 5 or 10 bytes is invalid), little-endian doubles, UTF-8 strings with
 * malformed bytes replaced, and an exception for anything that would read past the end. Short strings come from
 * a {@link Utf8Interner}: equal to a fresh decode, and for a device's id the same instance reading after reading.
 * A string can never claim more than the bytes that are left, so no hostile length allocates anything. Not
 * thread-safe: one per reader, re-pointed with {@link #reset}.
 */
final class BodyCursor {

    /** Readings repeat their device's id: the same String for the same bytes (see {@link Utf8Interner}). */
    private final Utf8Interner strings = new Utf8Interner();
    private byte[] bytes;
    private int pos;
    private int end;

    /** Points this cursor at {@code bytes[from, to)}. */
    BodyCursor reset(byte[] bytes, int from, int to) {
        this.bytes = bytes;
        this.pos = from;
        this.end = to;
        return this;
    }

    boolean isEnd() {
        return pos == end;
    }

    int readInt() throws EOFException {
        int b = next();
        int n = b & 0x7f;
        for (int shift = 7; b > 0x7f; shift += 7) {
            if (shift > 28) {
                throw new AvroRuntimeException("Invalid int encoding");
            }
            b = next();
            n ^= (b & 0x7f) << shift;
        }
        return (n >>> 1) ^ -(n & 1);
    }

    long readLong() throws EOFException {
        int b = next();
        long l = b & 0x7f;
        for (int shift = 7; b > 0x7f; shift += 7) {
            if (shift > 63) {
                throw new AvroRuntimeException("Invalid long encoding");
            }
            b = next();
            l ^= (b & 0x7fL) << shift;
        }
        return (l >>> 1) ^ -(l & 1);
    }

    double readDouble() throws EOFException {
        require(8);
        long bits = 0;
        for (int i = 7; i >= 0; i--) {
            bits = (bits << 8) | (bytes[pos + i] & 0xffL);
        }
        pos += 8;
        return Double.longBitsToDouble(bits);
    }

    String readString() throws EOFException {
        long length = readLong();
        if (length < 0 || length > end - pos) {
            throw new AvroRuntimeException("string length " + length + " exceeds the payload size (" + (end - pos) + " bytes left)");
        }
        String value = strings.intern(bytes, pos, (int) length);
        pos += (int) length;
        return value;
    }

    /** Whether a ["null", T] union holds a T; any other index than 0 or 1 is corrupt input. */
    boolean readPresent() throws EOFException {
        int branch = readInt();
        if (branch == 0 || branch == 1) {
            return branch == 1;
        }
        throw new AvroRuntimeException("union branch " + branch + " out of range [0, 1]");
    }

    private int next() throws EOFException {
        if (pos >= end) {
            throw new EOFException("Avro body ends inside a value");
        }
        return bytes[pos++] & 0xff;
    }

    private void require(int count) throws EOFException {
        if (end - pos < count) {
            throw new EOFException("Avro body ends inside a value");
        }
    }
}
