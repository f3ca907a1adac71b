package dev.tributary.operators.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Canonical {@link String}s for short UTF-8 byte sequences that repeat, such as the device id of every reading.
 *
 * <p>Why: a device sends reading after reading, and each one used to become a fresh String (two allocations and
 * a UTF-8 decode) that was then hashed by the keyBy's partitioner, hashed again and compared by every map the
 * orderer keeps per device, on both sides of the shuffle. Returning the String made for the same bytes last time
 * skips the decode and the allocations, and the String's cached hash makes the partitioner's and the maps' hashing
 * free; equal keys are found by identity.
 *
 * <p>Bounded and lossy: a direct-mapped table of {@code capacity} slots, one entry each; a new sequence replaces
 * whatever shared its slot, so memory stays bounded (~1 MB at most) however many devices there are, and a miss costs
 * one hash and one comparison more than decoding alone. Sequences longer than {@link #MAX_LENGTH} bytes are decoded
 * without the table. The result is always exactly {@code new String(bytes, from, length, UTF_8)}. Not
 * thread-safe: one per reader or serializer instance.
 */
public final class Utf8Interner {

    /** Longer byte sequences are not worth keeping (ids are short; long text rarely repeats). */
    public static final int MAX_LENGTH = 64;
    /** Slots of a default interner: 8 192 (at most ~1 MB of entries). */
    public static final int DEFAULT_CAPACITY = 1 << 13;

    private final byte[][] keys;
    private final String[] values;
    private final int mask;

    public Utf8Interner() {
        this(DEFAULT_CAPACITY);
    }

    /** @param capacity number of slots, a power of two */
    public Utf8Interner(int capacity) {
        if (capacity <= 0 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, got " + capacity);
        }
        keys = new byte[capacity][];
        values = new String[capacity];
        mask = capacity - 1;
    }

    /** The String of {@code bytes[from, from + length)} decoded as UTF-8 (malformed input replaced, as String does). */
    public String intern(byte[] bytes, int from, int length) {
        if (length > MAX_LENGTH) {
            return new String(bytes, from, length, StandardCharsets.UTF_8);
        }
        int h = 1;
        for (int i = from, end = from + length; i < end; i++) {
            h = 31 * h + bytes[i];
        }
        int slot = (h ^ (h >>> 15)) & mask;
        byte[] key = keys[slot];
        if (key != null && Arrays.equals(key, 0, key.length, bytes, from, from + length)) {
            return values[slot];
        }
        String value = new String(bytes, from, length, StandardCharsets.UTF_8);
        keys[slot] = Arrays.copyOfRange(bytes, from, from + length);
        values[slot] = value;
        return value;
    }
}
