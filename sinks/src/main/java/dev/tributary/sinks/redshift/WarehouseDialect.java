package dev.tributary.sinks.redshift;

/**
 * What differs between PostgreSQL and Redshift for this sink; chosen from the JDBC URL by default.
 *
 * <ul>
 *   <li>Staging load: PostgreSQL takes {@code COPY FROM STDIN} over JDBC; Redshift's COPY reads only from
 *       S3 (and similar), so over JDBC the staging table is filled with multi-row INSERTs.</li>
 *   <li>MERGE: Redshift's MERGE has no {@code WHEN MATCHED AND <condition>} and needs both clauses, so the
 *       version guard becomes a DELETE of stale staging rows before an unconditional MERGE (same
 *       transaction, same result).</li>
 *   <li>Clearing staging: Redshift's TRUNCATE commits the open transaction, so it uses DELETE there;
 *       PostgreSQL never vacuums temp tables, so DELETE would bloat them and it uses TRUNCATE.</li>
 *   <li>Schema lock: PostgreSQL has advisory locks; Redshift serializes DDL itself and the sink retries a
 *       lost {@code CREATE TABLE IF NOT EXISTS} race.</li>
 * </ul>
 */
public enum WarehouseDialect {
    POSTGRESQL(StagingLoader.Kind.COPY_FROM_STDIN),
    REDSHIFT(StagingLoader.Kind.MULTI_ROW_INSERT);

    private final StagingLoader.Kind loader;

    WarehouseDialect(StagingLoader.Kind loader) {
        this.loader = loader;
    }

    public static WarehouseDialect forUrl(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        if (jdbcUrl.startsWith("jdbc:redshift:")) {
            return REDSHIFT;
        }
        throw new IllegalArgumentException("unsupported JDBC URL (expected jdbc:postgresql: or jdbc:redshift:): "
                + jdbcUrl.replaceAll("\\?.*", "?..."));
    }

    public StagingLoader.Kind loader() {
        return loader;
    }

    public boolean guardsInsideMerge() {
        return this == POSTGRESQL;
    }

    public boolean hasAdvisoryLocks() {
        return this == POSTGRESQL;
    }
}
