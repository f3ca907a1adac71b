package dev.tributary.pipeline;

import dev.tributary.testing.StackEnv;

import java.io.File;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A warehouse schema of the test's own in the stack's PostgreSQL (the JDBC URL carries {@code currentSchema}), so
 * flow tests never see each other's rows; the job's warehouse sinks create their tables in it.
 */
public final class WarehouseTestSchema {

    private final String schema;
    private final String url;

    private WarehouseTestSchema(String schema) {
        this.schema = schema;
        String base = StackEnv.pgUrl();
        this.url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** A new, empty schema (dropped first if a previous run left it behind). */
    public static WarehouseTestSchema fresh(String schema) throws SQLException {
        WarehouseTestSchema db = new WarehouseTestSchema(schema);
        try (Connection c = DriverManager.getConnection(StackEnv.pgUrl(), StackEnv.pgUser(), StackEnv.pgPassword());
             Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            s.execute("CREATE SCHEMA " + schema);
        }
        return db;
    }

    /** Drops the schema and everything in it (a test's cleanup). */
    public void drop() throws SQLException {
        try (Connection c = DriverManager.getConnection(StackEnv.pgUrl(), StackEnv.pgUser(), StackEnv.pgPassword());
             Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    /** The JDBC URL for the job's {@code warehouse.jdbc-url}. */
    public String url() {
        return url;
    }

    /** Each row of the query as its columns joined by '|'. */
    public List<String> rows(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, StackEnv.pgUser(), StackEnv.pgPassword());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
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

    /** The first column of the query's first row; -1 while the database or the table is not there (yet). */
    public long countOrMinusOne(String sql) {
        try {
            List<String> rows = rows(sql);
            return rows.isEmpty() ? -1 : Long.parseLong(rows.get(0));
        } catch (SQLException e) {
            return -1;
        }
    }

    /**
     * Runs {@code TRIBUTARY_PG_RESTART_CMD} (default {@code bin/stack restart postgres}) from the repository root
     * and waits for it to finish.
     */
    public static void restartDatabase(File log) throws Exception {
        StackCommand.run("TRIBUTARY_PG_RESTART_CMD", "bin/stack restart postgres", log, Duration.ofMinutes(2));
    }
}
