package dev.tributary.sinks.search;

import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter for documents the server could not take right now, bounded by how long
 * a document may keep failing before the sink gives up and fails the job (so a restart from the last
 * checkpoint, or an operator, takes over).
 */
public record RetryPolicy(Duration initialBackoff, Duration maxBackoff, Duration maxRetryDuration) implements Serializable {

    public RetryPolicy {
        if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0
                || maxRetryDuration.isNegative()) {
            throw new IllegalArgumentException("need 0 < initialBackoff <= maxBackoff and maxRetryDuration >= 0: " + this);
        }
    }

    public static RetryPolicy defaults() {
        return new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofMinutes(5));
    }

    /** Delay before attempt {@code failedAttempts + 1}: half fixed, half random, so writers do not retry in lockstep. */
    long backoffMillis(int failedAttempts) {
        long max = maxBackoff.toMillis();
        int shift = Math.min(Math.max(failedAttempts - 1, 0), 30);
        long delay = Math.min(max, initialBackoff.toMillis() << shift);
        return delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
    }

    boolean exhausted(long firstFailureMillis, long nowMillis) {
        return nowMillis - firstFailureMillis > maxRetryDuration.toMillis();
    }
}
