package dev.tributary.operators.observations;

import java.time.Duration;
import java.time.Instant;

/**
 * Stable window ids, {@code <windowStart ISO-8601>/<size ISO-8601>}, e.g. {@code 2026-11-21T22:00:00Z/PT2M}: the
 * same window always gets the same id, so replays and both stores (warehouse, search) agree on it, and a user can
 * read the window off the id.
 */
public final class WindowIds {

    private WindowIds() {}

    public static String of(long windowStartMillis, long windowEndMillis) {
        return Instant.ofEpochMilli(windowStartMillis) + "/" + Duration.ofMillis(windowEndMillis - windowStartMillis);
    }
}
