package dev.tributary.operators.codec;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * Parses an ISO-8601 / RFC 3339 timestamp with an offset ({@code 2026-11-21T11:59:30.250Z},
 * {@code 2026-11-21T13:59:30+02:00}) into an Instant, as {@link Instant#parse} and {@link OffsetDateTime#parse} do.
 *
 * <p>Why not just those: JDK 17's {@code Instant.parse} builds a new formatter on every call and both resolve
 * fields through hash maps; in the ingestion service's profile they were 21 % of the CPU of a request of JSON
 * readings (IngestBench). The common shape, {@code yyyy-MM-ddTHH:mm:ss[.fraction](Z|±HH:MM)}, is read here
 * directly; anything else (and every invalid value) goes to the JDK parsers, so what is accepted and what is
 * refused stays theirs. {@code IsoInstantsTest} compares both on the same inputs.
 */
public final class IsoInstants {

    private IsoInstants() {}

    /** The instant, or a {@link java.time.format.DateTimeParseException} as the JDK parsers throw it. */
    public static Instant parse(String text) {
        Instant fast = common(text);
        if (fast != null) {
            return fast;
        }
        try {
            return Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            return OffsetDateTime.parse(text).toInstant();
        }
    }

    /** The common shape read directly, or null for anything else. */
    static Instant common(String t) {
        int n = t.length();
        if (n < 20 || t.charAt(4) != '-' || t.charAt(7) != '-' || (t.charAt(10) != 'T' && t.charAt(10) != 't')
                || t.charAt(13) != ':' || t.charAt(16) != ':') {
            return null;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 2);
        int day = digits(t, 8, 2);
        int hour = digits(t, 11, 2);
        int minute = digits(t, 14, 2);
        int second = digits(t, 17, 2);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null; // leap seconds and out-of-range fields: the JDK decides
        }
        int i = 19;
        int nanos = 0;
        if (i < n && t.charAt(i) == '.') {
            int start = ++i;
            while (i < n && Character.isDigit(t.charAt(i)) && t.charAt(i) < 128) {
                i++;
            }
            int count = i - start;
            if (count < 1 || count > 9) {
                return null;
            }
            nanos = digits(t, start, count);
            for (int k = count; k < 9; k++) {
                nanos *= 10;
            }
        }
        int offsetSeconds;
        if (i == n - 1 && (t.charAt(i) == 'Z' || t.charAt(i) == 'z')) {
            offsetSeconds = 0;
        } else if (i == n - 6 && (t.charAt(i) == '+' || t.charAt(i) == '-') && t.charAt(i + 3) == ':') {
            int oh = digits(t, i + 1, 2);
            int om = digits(t, i + 4, 2);
            if (oh < 0 || om < 0 || om > 59 || oh * 3600 + om * 60 > 18 * 3600) {
                return null; // ZoneOffset's range is ±18:00
            }
            offsetSeconds = (oh * 3600 + om * 60) * (t.charAt(i) == '-' ? -1 : 1);
        } else {
            return null;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay(); // refuses Feb 30 and the like
        } catch (DateTimeException e) {
            return null;
        }
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds, nanos);
    }

    /** The non-negative number in {@code count} ASCII digits at {@code from}, or -1. */
    private static int digits(String t, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
