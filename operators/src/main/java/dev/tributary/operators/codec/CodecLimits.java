package dev.tributary.operators.codec;

import java.io.Serializable;

/**
 * Bounds that keep hostile payloads from exhausting the stack or the heap of a TaskManager.
 *
 * @param maxPayloadBytes payloads above this are rejected as OVERSIZED before any parsing
 * @param maxNestingDepth deepest JSON object/array nesting accepted
 * @param maxStringLength longest JSON string (in chars) accepted
 */
public record CodecLimits(int maxPayloadBytes, int maxNestingDepth, int maxStringLength) implements Serializable {

    /** 1 MiB is Kafka's default maximum message size; our deepest schema nests 3 levels. */
    public static final CodecLimits DEFAULTS = new CodecLimits(1024 * 1024, 32, 256 * 1024);

    /** JSON numbers longer than this many characters are rejected (no event field needs more). */
    public static final int MAX_NUMBER_LENGTH = 100;

    public CodecLimits {
        if (maxPayloadBytes < 1 || maxNestingDepth < 1 || maxStringLength < 1) {
            throw new IllegalArgumentException("codec limits must be positive: " + maxPayloadBytes + ", "
                    + maxNestingDepth + ", " + maxStringLength);
        }
    }
}
