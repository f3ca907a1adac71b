package dev.tributary.sinks.redshift;

import java.time.Duration;

/**
 * Exponential backoff with a deadline: 100 ms doubling up to 10 s between attempts, until the total wait
 * would pass the maximum retry duration.
 */
public final class Backoff {

    static final long INITIAL_MILLIS = 100;
    static final long MAX_DELAY_MILLIS = 10_000;

    private final long deadlineNanos;
    private long nextDelayMillis = INITIAL_MILLIS;

    public Backoff(Duration maxRetryDuration, long nowNanos) {
        this.deadlineNanos = nowNanos + maxRetryDuration.toNanos();
    }

    /** The delay before the next attempt, or -1 when the deadline does not leave room for one more. */
    public long nextDelayMillis(long nowNanos) {
        long remainingMillis = (deadlineNanos - nowNanos) / 1_000_000;
        if (remainingMillis <= 0) {
            return -1;
        }
        long delay = Math.min(nextDelayMillis, remainingMillis);
        nextDelayMillis = Math.min(nextDelayMillis * 2, MAX_DELAY_MILLIS);
        return delay;
    }
}
