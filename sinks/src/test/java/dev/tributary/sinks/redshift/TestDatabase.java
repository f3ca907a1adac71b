package dev.tributary.sinks.redshift;

import dev.tributary.testing.StackEnv;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The local stack's PostgreSQL for integration tests. Each test works in a schema of its own (the JDBC URL
 * carries {@code currentSchema}), so tests never see each other's rows or the application's tables.
 */
final class TestDatabase {

    private final String schema;
    private final String url;

    private TestDatabase(String schema) {
        this.schema = schema;
        String base = StackEnv.pgUrl();
        this.url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** A new, empty schema (dropped first if a previous run left it behind). */
    static TestDatabase freshSchema(String schema) throws SQLException {
        TestDatabase db = new TestDatabase(schema);
        db.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE", "CREATE SCHEMA " + schema);
        return db;
    }

    String url() {
        return url;
    }

    static String user() {
        return StackEnv.pgUser();
    }

    static String password() {
        return StackEnv.pgPassword();
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user(), password());
    }

    void execute(String... statements) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    long count(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Each row of the query as a string of its columns joined by '|'. */
    List<String> rows(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                out.add(row.toString());
            }
        }
        return out;
    }

    /** Like {@link #count}, but a database that is restarting counts as -1 instead of failing. */
    long countOrMinusOne(String sql) {
        try {
            return count(sql);
        } catch (SQLException e) {
            return -1;
        }
    }

    /** Polls the condition every 50 ms until it holds; fails when the deadline passes first. */
    static void awaitCondition(String what, Duration deadline, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }
}
