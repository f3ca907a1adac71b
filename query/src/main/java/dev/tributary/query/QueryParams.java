package dev.tributary.query;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The query string of one request, validated: every failure is a 400 naming the parameter. Unknown parameters are
 * refused too, so a typo ({@code limt=5}) is an error instead of a silently ignored setting.
 */
final class QueryParams {

    static final int MAX_LIMIT = 100;
    static final int DEFAULT_LIMIT = 20;
    /** Elasticsearch's default index.max_result_window; deeper pages use the search_after token. */
    static final int MAX_WINDOW = 10_000;
    private static final int MAX_ID_LENGTH = 256;

    private final Map<String, String> values;

    private QueryParams(Map<String, String> values) {
        this.values = values;
    }

    /** Parses a raw (still percent-encoded) query string and refuses parameters outside {@code allowed}. */
    static QueryParams parse(String rawQuery, Set<String> allowed) {
        Map<String, String> values = new LinkedHashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq), "?");
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1), name);
                if (!allowed.contains(name)) {
                    throw ApiError.badRequest(name, "is not known here; allowed: " + String.join(", ", allowed));
                }
                if (values.put(name, value) != null) {
                    throw ApiError.badRequest(name, "is given more than once");
                }
            }
        }
        return new QueryParams(values);
    }

    private static String decode(String raw, String parameter) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(parameter, "is not valid percent-encoding");
        }
    }

    String optional(String name) {
        String v = values.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    String required(String name) {
        String v = optional(name);
        if (v == null) {
            throw ApiError.badRequest(name, "is required");
        }
        return v;
    }

    String choice(String name, Set<String> choices) {
        String v = required(name);
        if (!choices.contains(v)) {
            throw ApiError.badRequest(name, "must be one of " + String.join(", ", choices));
        }
        return v;
    }

    /** The value if given, one of {@code choices}; null when absent. */
    String optionalChoice(String name, Set<String> choices) {
        return optional(name) == null ? null : choice(name, choices);
    }

    /** An upper-case code (a reason code, an alert kind) if given; null when absent. */
    String optionalCode(String name, String example) {
        String v = optional(name);
        if (v != null && !v.matches("[A-Z0-9_]{1,64}")) {
            throw ApiError.badRequest(name, "must be a code such as " + example);
        }
        return v;
    }

    int limit() {
        return intBetween("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    }

    int offset() {
        return intBetween("offset", 0, 0, MAX_WINDOW);
    }

    private int intBetween(String name, int fallback, int min, int max) {
        String v = optional(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below, with the range
        }
        throw ApiError.badRequest(name, "must be an integer from " + min + " to " + max);
    }

    Instant instant(String name, Instant fallback) {
        String v = optional(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiError.badRequest(name, "must be an ISO-8601 UTC instant like 2026-11-21T22:04:00Z");
        }
    }

    /** A window id {@code <start ISO-8601>/<size ISO-8601 duration>}, e.g. {@code 2026-11-21T22:04:00Z/PT2M}. */
    static String windowId(String name, String value) {
        int slash = value == null ? -1 : value.indexOf('/');
        try {
            if (slash > 0) {
                Instant.parse(value.substring(0, slash));
                Duration.parse(value.substring(slash + 1));
                return value;
            }
        } catch (DateTimeParseException e) {
            // answered below
        }
        throw ApiError.badRequest(name, "must be a window id like 2026-11-21T22:04:00Z/PT2M");
    }

    /** An entity id from the path: any text without control characters, at most 256 characters. */
    static String entityId(String name, String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_ID_LENGTH
                || value.chars().anyMatch(Character::isISOControl)) {
            throw ApiError.badRequest(name, "must be 1 to " + MAX_ID_LENGTH + " characters without control characters");
        }
        return value;
    }
}
