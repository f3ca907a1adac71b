package dev.tributary.sinks.redshift;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Renders rows in PostgreSQL's COPY text format: columns separated by tabs, rows ended by newlines, NULL
 * written {@code \N}, and backslash, tab, newline and carriage return escaped with a backslash (text is
 * otherwise taken verbatim, so quotes need no escaping). NUL cannot be represented; {@link RowValidator}
 * keeps such rows out.
 */
public final class CopyText {

    private CopyText() {}

    public static void appendRow(Appendable out, Object[] row) throws IOException {
        for (int i = 0; i < row.length; i++) {
            if (i > 0) {
                out.append('\t');
            }
            appendValue(out, row[i]);
        }
        out.append('\n');
    }

    public static void appendValue(Appendable out, Object value) throws IOException {
        if (value == null) {
            out.append("\\N");
        } else if (value instanceof String s) {
            appendEscaped(out, s);
        } else if (value instanceof Instant instant) {
            out.append(timestampText(instant));
        } else {
            // numbers and booleans: Java's text (1.0E10, true) is valid PostgreSQL input
            out.append(value.toString());
        }
    }

    /** Appends the text between escapes as whole runs: one call per run, not per character (most text has none). */
    static void appendEscaped(Appendable out, String s) throws IOException {
        int run = 0;
        for (int i = 0; i < s.length(); i++) {
            String escape = switch (s.charAt(i)) {
                case '\\' -> "\\\\";
                case '\t' -> "\\t";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                default -> null;
            };
            if (escape != null) {
                out.append(s, run, i).append(escape);
                run = i + 1;
            }
        }
        out.append(s, run, s.length());
    }

    /** An instant as TIMESTAMP input: its UTC wall-clock time, ISO-8601 (both engines accept the 'T'). */
    public static String timestampText(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC).toString();
    }
}
