package dev.tributary.operators.codec;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Small reusable rules for {@link RecordValidator}s; each returns the violation or empty. */
final class Checks {

    private static final Pattern MEDIA_TYPE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]*/[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]*(\\s*;.*)?");
    /** Ids that become object-storage path segments: no separators, no "..", no control characters. */
    private static final Pattern PATH_SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    static final int MAX_ID_LENGTH = 256;

    private Checks() {}

    static Optional<Violation> id(String field, String value) {
        if (value == null || value.isBlank()) {
            return Optional.of(Violation.of(field, quoted(value), "must not be blank"));
        }
        if (value.length() > MAX_ID_LENGTH) {
            return Optional.of(Violation.of(field, quoted(value), "must be at most " + MAX_ID_LENGTH + " characters"));
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                return Optional.of(Violation.of(field, quoted(value), "must not contain control characters"));
            }
        }
        return Optional.empty();
    }

    static Optional<Violation> pathSafeId(String field, String value) {
        if (value == null || !PATH_SAFE_ID.matcher(value).matches() || value.contains("..")) {
            return Optional.of(Violation.of(field, quoted(value),
                    "must be 1-128 of [A-Za-z0-9._-], start alphanumeric and not contain '..' (it names a storage folder)"));
        }
        return Optional.empty();
    }

    static Optional<Violation> notBlank(String field, String value) {
        if (value == null || value.isBlank()) {
            return Optional.of(Violation.of(field, quoted(value), "must not be blank"));
        }
        return Optional.empty();
    }

    static Optional<Violation> atLeast(String field, long value, long min) {
        return value < min ? Optional.of(Violation.of(field, value, "must be >= " + min)) : Optional.empty();
    }

    static Optional<Violation> within(String field, long value, long min, long max) {
        return value < min || value > max
                ? Optional.of(Violation.of(field, value, "must be within [" + min + ", " + max + "]")) : Optional.empty();
    }

    static Optional<Violation> within(String field, Double value, double min, double max) {
        return value == null ? Optional.empty() : within(field, value.doubleValue(), min, max);
    }

    static Optional<Violation> within(String field, double value, double min, double max) {
        if (!Double.isFinite(value) || value < min || value > max) {
            return Optional.of(Violation.of(field, value, "must be within [" + min + ", " + max + "]"));
        }
        return Optional.empty();
    }

    static Optional<Violation> oneOf(String field, String value, Set<String> allowed) {
        return allowed.contains(value) ? Optional.empty()
                : Optional.of(Violation.of(field, quoted(value), "must be one of " + allowed));
    }

    static Optional<Violation> mediaType(String field, String value) {
        return value != null && MEDIA_TYPE.matcher(value).matches() ? Optional.empty()
                : Optional.of(Violation.of(field, quoted(value), "must be a media type like image/jpeg"));
    }

    /** An absolute http(s) URL with a host. Whether the host may be fetched (SSRF) is the downloader's call. */
    static Optional<Violation> httpUrl(String field, String value) {
        if (value != null && value.length() > dev.tributary.operators.assets.UrlGuard.MAX_URL_LENGTH) {
            return Optional.of(Violation.of(field, value.length() + " characters",
                    "must be at most " + dev.tributary.operators.assets.UrlGuard.MAX_URL_LENGTH + " characters long"));
        }
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme();
            if (("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) && uri.getHost() != null) {
                return Optional.empty();
            }
            return Optional.of(Violation.of(field, quoted(value), "must be an absolute http or https URL with a host"));
        } catch (URISyntaxException | NullPointerException e) {
            return Optional.of(Violation.of(field, quoted(value), "must parse as a URL"));
        }
    }

    /** Event times outside [now - maxPast, now + maxFuture] are clock bugs or forged, not late data. */
    static Optional<Violation> plausibleTime(String field, Instant value, Clock clock, Duration maxFuture, Duration maxPast) {
        // In epoch millis: record timestamps are whole milliseconds (the schemas' timestamp-millis; the generated
        // setters truncate), so this agrees with comparing Instants, without allocating three per record.
        // Beyond ±292 million years the millis overflow: such a value is out of bounds either way.
        long now = clock.millis();
        long seconds = value.getEpochSecond();
        boolean fits = Math.abs(seconds) < Long.MAX_VALUE / 1000 - 1;
        if (!fits ? seconds > 0 : value.toEpochMilli() > now + maxFuture.toMillis()) {
            return Optional.of(Violation.clockAhead(field, value, "is more than " + maxFuture
                    + " ahead of the job's clock (the producer's clock is wrong; see decode.max-clock-ahead)"));
        }
        if (maxPast != null && (!fits ? seconds < 0 : value.toEpochMilli() < now - maxPast.toMillis())) {
            return Optional.of(Violation.of(field, value, "is more than " + maxPast + " in the past"));
        }
        return Optional.empty();
    }

    private static String quoted(String value) {
        return value == null ? "null" : "\"" + value + "\"";
    }

    /** The first of these results that is a violation (rules evaluated eagerly: only for cheap, null-safe ones). */
    @SafeVarargs
    static Optional<Violation> firstPresent(Optional<Violation>... results) {
        for (Optional<Violation> result : results) {
            if (result.isPresent()) {
                return result;
            }
        }
        return Optional.empty();
    }

    /**
     * The first violation of these rules, in order. The rules are built once per validator (no per-record
     * lambda or array: this runs for every record of every flow).
     */
    @SafeVarargs
    static <T> RecordValidator<T> allOf(RecordValidator<T>... rules) {
        List<RecordValidator<T>> all = List.of(rules);
        return record -> {
            for (int i = 0; i < all.size(); i++) {
                Optional<Violation> violation = all.get(i).validate(record);
                if (violation.isPresent()) {
                    return violation;
                }
            }
            return Optional.empty();
        };
    }
}
