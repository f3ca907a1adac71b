package dev.tributary.pipeline;

import dev.tributary.testing.PgTestSchema;

import java.io.File;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * A warehouse schema of the test's own in the stack's PostgreSQL (the JDBC URL carries {@code currentSchema}), so
 * flow tests never see each other's rows; the job's warehouse sinks create their tables in it.
 */
public final class WarehouseTestSchema {

    private final PgTestSchema schema;

    private WarehouseTestSchema(PgTestSchema schema) {
        this.schema = schema;
    }

    /** A new, empty schema (dropped first if a previous run left it behind). */
    public static WarehouseTestSchema fresh(String schema) throws SQLException {
        return new WarehouseTestSchema(PgTestSchema.fresh(schema));
    }

    /** Drops the schema and everything in it (a test's cleanup). */
    public void drop() throws SQLException {
        schema.drop();
    }

    /** The JDBC URL for the job's {@code warehouse.jdbc-url}. */
    public String url() {
        return schema.url();
    }

    /** Each row of the query as its columns joined by '|'. */
    public List<String> rows(String sql) throws SQLException {
        return schema.rows(sql);
    }

    /** The first column of the query's first row; -1 while the database or the table is not there (yet). */
    public long countOrMinusOne(String sql) {
        return schema.countOrMinusOne(sql);
    }

    /**
     * Runs {@code TRIBUTARY_PG_RESTART_CMD} (default {@code bin/stack restart postgres}) from the repository root
     * and waits for it to finish.
     */
    public static void restartDatabase(File log) throws Exception {
        StackCommand.run("TRIBUTARY_PG_RESTART_CMD", "bin/stack restart postgres", log, Duration.ofMinutes(2));
    }
}
