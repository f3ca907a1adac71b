package dev.tributary.sinks.redshift;

import dev.tributary.testing.PgTestSchema;
import dev.tributary.testing.StackEnv;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The local stack's PostgreSQL for integration tests. Each test works in a schema of its own (the JDBC URL
 * carries {@code currentSchema}), so tests never see each other's rows or the application's tables.
 */
final class TestDatabase {

    private final PgTestSchema schema;

    private TestDatabase(PgTestSchema schema) {
        this.schema = schema;
    }

    /** A new, empty schema (dropped first if a previous run left it behind). */
    static TestDatabase freshSchema(String schema) throws SQLException {
        return new TestDatabase(PgTestSchema.fresh(schema));
    }

    /** A fresh schema with the warehouse tables as Redshift keeps them ({@link RedshiftLikeTables}: no enforced keys). */
    static TestDatabase redshiftLike(String schema) throws SQLException {
        TestDatabase db = freshSchema(schema);
        try (Connection c = db.connect()) {
            RedshiftLikeTables.create(c);
        }
        return db;
    }

    /** Every warehouse key held by more than one row; meaningful on a {@link #redshiftLike} schema. */
    List<String> duplicateKeys() throws SQLException {
        return RedshiftLikeTables.duplicateKeys(schema);
    }

    String url() {
        return schema.url();
    }

    static String user() {
        return StackEnv.pgUser();
    }

    static String password() {
        return StackEnv.pgPassword();
    }

    Connection connect() throws SQLException {
        return schema.connect();
    }

    void execute(String... statements) throws SQLException {
        schema.execute(statements);
    }

    long count(String sql) throws SQLException {
        return schema.count(sql);
    }

    List<String> rows(String sql) throws SQLException {
        return schema.rows(sql);
    }

    long countOrMinusOne(String sql) {
        return schema.countOrMinusOne(sql);
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
