package dev.tributary.operators.telemetry;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Bounds of a {@link TripEnricher}.
 *
 * @param maxWait  how long (processing time) a trip waits for the state it is enriched with when that state is
 *                 not there yet; then it is emitted unenriched
 * @param stateTtl how long the latest customer / reading is kept after it was last written or read
 */
public record TripEnrichmentConfig(Duration maxWait, Duration stateTtl) implements Serializable {

    public TripEnrichmentConfig {
        Objects.requireNonNull(maxWait, "maxWait");
        Objects.requireNonNull(stateTtl, "stateTtl");
        if (maxWait.isNegative() || maxWait.isZero()) {
            throw new IllegalArgumentException("maxWait must be positive, was " + maxWait);
        }
        if (stateTtl.isNegative() || stateTtl.isZero()) {
            throw new IllegalArgumentException("stateTtl must be positive, was " + stateTtl);
        }
    }

    /** Trips wait up to 5 s for their customer / hoverboard; state is kept 7 days after its last use. */
    public static TripEnrichmentConfig defaults() {
        return new TripEnrichmentConfig(Duration.ofSeconds(5), Duration.ofDays(7));
    }

    public TripEnrichmentConfig withMaxWait(Duration value) {
        return new TripEnrichmentConfig(value, stateTtl);
    }

    public TripEnrichmentConfig withStateTtl(Duration value) {
        return new TripEnrichmentConfig(maxWait, value);
    }
}
