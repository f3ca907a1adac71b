package dev.tributary.operators.telemetry;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Bounds of {@link SequenceOrderer}.
 *
 * @param maxBuffered    readings held per device while waiting for a missing one; one more forces the gap to be
 *                       skipped at once (a device cannot grow its buffer without bound)
 * @param maxHold        how long (processing time) a missing reading is waited for, counted from the arrival of
 *                       the first reading held behind it
 * @param stateTtl       how long a device's ordering state survives without a reading; after that the device
 *                       starts a new sequence. Must exceed {@code maxHold}.
 * @param firstSeq       the seq devices start counting at: a new device's reading at or below it starts the
 *                       sequence at once; any other first reading waits {@code maxHold} for lower ones
 * @param maxTrackedGaps skipped ranges remembered per device to tell a late reading from a duplicate
 * @param maxSeqJump     how far ahead of the next expected seq a reading may be and still be held for the gap
 *                       before it; one further ahead is not released, unless the next reading confirms the jump
 *                       (see {@link SequenceOrderer}), so one absurd seq cannot capture a device
 */
public record OrderingConfig(int maxBuffered, Duration maxHold, Duration stateTtl, long firstSeq, int maxTrackedGaps,
                             long maxSeqJump) implements Serializable {

    public OrderingConfig {
        Objects.requireNonNull(maxHold, "maxHold");
        Objects.requireNonNull(stateTtl, "stateTtl");
        if (maxBuffered < 1) {
            throw new IllegalArgumentException("maxBuffered must be at least 1, was " + maxBuffered);
        }
        if (maxHold.isNegative() || maxHold.isZero()) {
            throw new IllegalArgumentException("maxHold must be positive, was " + maxHold);
        }
        // The cursor must outlive every wait it is part of, or a device would restart its sequence mid-wait.
        if (stateTtl.compareTo(maxHold) <= 0) {
            throw new IllegalArgumentException("stateTtl (" + stateTtl + ") must exceed maxHold (" + maxHold + ")");
        }
        if (maxTrackedGaps < 1) {
            throw new IllegalArgumentException("maxTrackedGaps must be at least 1, was " + maxTrackedGaps);
        }
        // a jump must be able to pass a full buffer of held readings, or a full buffer could never be released
        if (maxSeqJump < maxBuffered) {
            throw new IllegalArgumentException("maxSeqJump (" + maxSeqJump + ") must be at least maxBuffered ("
                    + maxBuffered + ")");
        }
    }

    /**
     * 1000 readings or 5 s per device, state kept 1 day after a device's last reading, sequences start at 0, a seq
     * may skip up to 1 000 000 readings (11 days at one a second) before a jump must be confirmed.
     */
    public static OrderingConfig defaults() {
        return new OrderingConfig(1000, Duration.ofSeconds(5), Duration.ofDays(1), 0L, 64, 1_000_000L);
    }

    public OrderingConfig withMaxBuffered(int value) {
        return new OrderingConfig(value, maxHold, stateTtl, firstSeq, maxTrackedGaps, maxSeqJump);
    }

    public OrderingConfig withMaxHold(Duration value) {
        return new OrderingConfig(maxBuffered, value, stateTtl, firstSeq, maxTrackedGaps, maxSeqJump);
    }

    public OrderingConfig withStateTtl(Duration value) {
        return new OrderingConfig(maxBuffered, maxHold, value, firstSeq, maxTrackedGaps, maxSeqJump);
    }

    public OrderingConfig withFirstSeq(long value) {
        return new OrderingConfig(maxBuffered, maxHold, stateTtl, value, maxTrackedGaps, maxSeqJump);
    }

    public OrderingConfig withMaxTrackedGaps(int value) {
        return new OrderingConfig(maxBuffered, maxHold, stateTtl, firstSeq, value, maxSeqJump);
    }

    public OrderingConfig withMaxSeqJump(long value) {
        return new OrderingConfig(maxBuffered, maxHold, stateTtl, firstSeq, maxTrackedGaps, value);
    }
}
