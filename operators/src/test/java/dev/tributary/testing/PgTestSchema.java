package dev.tributary.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A schema of the test's own in the local stack's PostgreSQL: its JDBC URL carries {@code currentSchema}, so
 * tests never see each other's rows or the application's tables. The JDBC driver comes from the module using it.
 */
public final class PgTestSchema {

    private final String schema;
    private final String url;

    private PgTestSchema(String schema) {
        this.schema = schema;
        String base = StackEnv.pgUrl();
        this.url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** A new, empty schema (dropped first if a previous run left it behind). */
    public static PgTestSchema fresh(String schema) throws SQLException {
        PgTestSchema db = new PgTestSchema(schema);
        db.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE", "CREATE SCHEMA " + schema);
        return db;
    }

    /** Drops the schema and everything in it (a test's cleanup). */
    public void drop() throws SQLException {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    /** The JDBC URL that works in this schema. */
    public String url() {
        return url;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, StackEnv.pgUser(), StackEnv.pgPassword());
    }

    public void execute(String... statements) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** The first column of the query's first row as a number. */
    public long count(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Each row of the query as its columns joined by '|'. */
    public List<String> rows(String sql) throws SQLException {
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

    /** Like {@link #count}, but -1 while the database or the table is not there (a restart, a table not yet made). */
    public long countOrMinusOne(String sql) {
        try {
            return count(sql);
        } catch (SQLException e) {
            return -1;
        }
    }
}
