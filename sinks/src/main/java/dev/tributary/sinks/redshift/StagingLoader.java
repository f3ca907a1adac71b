package dev.tributary.sinks.redshift;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Fills a staging table with a batch of rows, inside the caller's transaction.
 *
 * <p>Two strategies, chosen by {@link WarehouseDialect}: {@link CopyStagingLoader} streams PostgreSQL's
 * {@code COPY FROM STDIN} (the fastest way into PostgreSQL); {@link MultiRowInsertStagingLoader} sends
 * multi-row INSERTs, which every engine accepts and is what runs against Redshift over JDBC. At Redshift
 * scale the fast path is {@code COPY ... FROM 's3://...'} of files written to S3 into the same staging
 * table, followed by the same MERGE; that needs an S3 bucket and an IAM role on the cluster and belongs in
 * a loader of its own (see {@code sinks/README.md}).
 */
public interface StagingLoader {

    enum Kind { COPY_FROM_STDIN, MULTI_ROW_INSERT }

    void load(Connection connection, String stagingTable, WarehouseTable<?> table, List<Object[]> rows)
            throws SQLException;

    static StagingLoader of(Kind kind) {
        return switch (kind) {
            case COPY_FROM_STDIN -> new CopyStagingLoader();
            case MULTI_ROW_INSERT -> new MultiRowInsertStagingLoader();
        };
    }
}
