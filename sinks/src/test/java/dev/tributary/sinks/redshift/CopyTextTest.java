package dev.tributary.sinks.redshift;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.time.Instant;

class CopyTextTest {

    private static String row(Object... values) throws Exception {
        StringBuilder out = new StringBuilder();
        CopyText.appendRow(out, values);
        return out.toString();
    }

    @Test
    void separatesColumnsWithTabsAndEndsRowsWithNewline() throws Exception {
        assertThat(row("a", 1L, 2.5, true)).isEqualTo("a\t1\t2.5\ttrue\n");
    }

    @Test
    void writesNullAsBackslashN() throws Exception {
        assertThat(row("a", null)).isEqualTo("a\t\\N\n");
    }

    @Test
    void escapesBackslashTabNewlineAndCarriageReturn() throws Exception {
        assertThat(row("a\\b\tc\nd\re")).isEqualTo("a\\\\b\\tc\\nd\\re\n");
    }

    @Test
    void theTextNIsNotMistakenForNull() throws Exception {
        // a literal backslash-N in the data must be escaped, or the server would read NULL
        assertThat(row("\\N")).isEqualTo("\\\\N\n");
    }

    @Test
    void leavesQuotesCommasAndUnicodeVerbatim() throws Exception {
        assertThat(row("it's \"x\", ünïcödé ✓")).isEqualTo("it's \"x\", ünïcödé ✓\n");
    }

    @Test
    void writesInstantsAsUtcWallClockTime() throws Exception {
        assertThat(row(Instant.parse("2026-11-21T21:49:47.123Z"))).isEqualTo("2026-11-21T21:49:47.123\n");
    }

    @Test
    void writesDoublesInJavaNotationWhichPostgresReads() throws Exception {
        assertThat(row(1.0E10, -0.5)).isEqualTo("1.0E10\t-0.5\n");
    }
}
