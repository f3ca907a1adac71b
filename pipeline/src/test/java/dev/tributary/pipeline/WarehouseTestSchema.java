package dev.tributary.pipeline;

import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.testing.PgTestSchema;
import dev.tributary.testing.StackEnv;

import dev.tributary.sinks.redshift.RedshiftLikeTables;

import java.io.File;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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

    /**
     * A new schema with the warehouse tables as Redshift keeps them: the job's own DDL, then every primary key
     * replaced by a plain index, because Redshift does not enforce keys. On PostgreSQL a key refuses a second row for it, so a sink
     * that wrote a row twice would go unseen; here the second row stays, and {@link #duplicateKeys()} finds it.
     */
    public static WarehouseTestSchema redshiftLike(String schema) throws SQLException {
        WarehouseTestSchema fresh = fresh(schema);
        try (Connection c = fresh.schema.connect()) {
            RedshiftLikeTables.create(c);
        }
        return fresh;
    }

    /**
     * Every warehouse key held by more than one row, as "table: key (n rows)": empty when each fact and entity was
     * written once. Meaningful on a {@link #redshiftLike} schema.
     */
    public List<String> duplicateKeys() throws SQLException {
        return RedshiftLikeTables.duplicateKeys(schema);
    }

    /** Drops the schema and everything in it (a test's cleanup). */
    public void drop() throws SQLException {
        schema.drop();
    }

    /**
     * The job's settings for this warehouse on the stack's PostgreSQL: URL, user, and the password as an
     * {@code ${env:...}} reference (as a deployment gives it), resolved by {@link #parse}.
     */
    public Map<String, String> jobSettings() {
        return Map.of("warehouse.jdbc-url", url(), "warehouse.user", StackEnv.pgUser(),
                "warehouse.password", "${env:TRIBUTARY_PG_PASSWORD}");
    }

    /** Job settings parsed with the stack's PostgreSQL password in the environment, as the job reads it. */
    public static JobSettings parse(Map<String, String> raw) {
        return JobSettings.parse(raw, Map.of("TRIBUTARY_PG_PASSWORD", StackEnv.pgPassword()));
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
