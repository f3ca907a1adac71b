package dev.tributary.sinks.redshift;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One writer's database connection: reconnects after failures, retries transient errors with exponential
 * backoff (blocking the caller, which is how a slow or restarting database backpressures the job), and
 * writes one table's batch in one transaction: load staging, MERGE, clear staging, commit.
 */
final class WarehouseSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WarehouseSession.class);

    /** Counts what the session does; implemented by the writer's metrics. */
    interface Listener {
        void retried(SqlFailure failure);

        Listener NONE = failure -> { };
    }

    @FunctionalInterface
    interface Work<V> {
        V run(Connection connection) throws SQLException;
    }

    private final JdbcSettings jdbc;
    private final WarehouseDialect dialect;
    private final StagingLoader loader;
    private final Duration maxRetryDuration;
    private final Listener listener;
    private final Set<String> stagingTables = new HashSet<>();
    private Connection connection;

    WarehouseSession(JdbcSettings jdbc, WarehouseDialect dialect, Duration maxRetryDuration, Listener listener) {
        this.jdbc = jdbc;
        this.dialect = dialect;
        this.loader = StagingLoader.of(dialect.loader());
        this.maxRetryDuration = maxRetryDuration;
        this.listener = listener;
    }

    WarehouseDialect dialect() {
        return dialect;
    }

    /** Creates the warehouse tables if they do not exist (idempotent, safe with parallel writers). */
    void applySchema() throws IOException, InterruptedException {
        try {
            withRetry("apply warehouse schema", c -> {
                WarehouseSchema.apply(c, dialect);
                return null;
            });
        } catch (Bisector.RowsRejected e) {
            throw new IOException("warehouse schema rejected: " + e.getMessage(), e);
        }
    }

    /**
     * Writes rows (at most one per key) into the table in one transaction.
     *
     * @return the number of rows the MERGE inserted or updated
     * @throws Bisector.RowsRejected the database refused a value in these rows
     * @throws IOException the database stayed unreachable for the maximum retry duration, or a fatal error
     */
    int writeBatch(MergeSql sql, WarehouseTable<?> table, List<Object[]> rows)
            throws Bisector.RowsRejected, IOException, InterruptedException {
        return withRetry("write " + rows.size() + " rows to " + table.name(), c -> {
            ensureStaging(c, sql);
            loader.load(c, sql.stagingTable(), table, rows);
            int merged;
            try (Statement s = c.createStatement()) {
                for (String setting : sql.planSettings()) {
                    s.execute(setting);
                }
                String prune = sql.pruneStaging();
                if (prune != null) {
                    s.executeUpdate(prune);
                }
                merged = s.executeUpdate(sql.merge());
                s.executeUpdate(sql.clearStaging());
            }
            c.commit();
            return merged;
        });
    }

    /**
     * Removes the rows of these deletes (at most one per key) whose stored version is lower, in one transaction.
     *
     * @return the number of rows removed (a replayed delete removes none)
     */
    int deleteBatch(MergeSql sql, List<Object[]> deletes)
            throws Bisector.RowsRejected, IOException, InterruptedException {
        List<WarehouseColumn> parameters = sql.deleteParameters();
        int[] indexes = parameters.stream().mapToInt(c -> sql.table().indexOf(c.name())).toArray();
        return withRetry("delete " + deletes.size() + " rows from " + sql.table().name(), c -> {
            int removed = 0;
            try (PreparedStatement delete = c.prepareStatement(sql.delete())) {
                for (Object[] row : deletes) {
                    for (int p = 0; p < indexes.length; p++) {
                        MultiRowInsertStagingLoader.bind(delete, p + 1, parameters.get(p).type(), row[indexes[p]]);
                    }
                    delete.addBatch();
                }
                for (int n : delete.executeBatch()) {
                    removed += Math.max(n, 0);
                }
            }
            c.commit();
            return removed;
        });
    }

    private void ensureStaging(Connection c, MergeSql sql) throws SQLException {
        if (stagingTables.contains(sql.stagingTable())) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute(sql.createStaging());
        }
        // committed on its own: a later rollback of a batch must not take the staging table with it
        c.commit();
        stagingTables.add(sql.stagingTable());
    }

    <V> V withRetry(String what, Work<V> work) throws Bisector.RowsRejected, IOException, InterruptedException {
        Backoff backoff = null;
        while (true) {
            try {
                return work.run(connection());
            } catch (SQLException e) {
                rollbackQuietly();
                SqlFailure failure = SqlFailure.classify(e);
                if (failure == SqlFailure.DATA) {
                    throw new Bisector.RowsRejected(describe(e), e);
                }
                if (failure == SqlFailure.FATAL) {
                    throw new IOException("cannot " + what + ": " + describe(e), e);
                }
                disconnect();
                long now = System.nanoTime();
                if (backoff == null) {
                    backoff = new Backoff(maxRetryDuration, now);
                }
                long delay = backoff.nextDelayMillis(now);
                if (delay < 0) {
                    throw new IOException("gave up trying to " + what + " after " + maxRetryDuration
                            + " of retries: " + describe(e), e);
                }
                listener.retried(failure);
                LOG.warn("Cannot {} ({}); retrying in {} ms", what, describe(e), delay);
                Thread.sleep(delay);
            }
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = jdbc.connect();
            try {
                c.setAutoCommit(false);
            } catch (SQLException e) {
                closeQuietly(c);
                throw e;
            }
            connection = c;
            stagingTables.clear(); // temp tables die with their session
            LOG.info("Connected to the warehouse at {}", jdbc);
        }
        return connection;
    }

    private void rollbackQuietly() {
        if (connection != null) {
            try {
                connection.rollback();
            } catch (SQLException e) {
                LOG.debug("Rollback failed; the connection will be replaced", e);
                disconnect();
            }
        }
    }

    private void disconnect() {
        if (connection != null) {
            closeQuietly(connection);
            connection = null;
            stagingTables.clear();
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("Closing a warehouse connection failed", e);
        }
    }

    /** The server's message with its SQLSTATE; JDBC drivers never put credentials in these. */
    static String describe(SQLException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        return (e.getSQLState() == null ? "" : "[" + e.getSQLState() + "] ") + message;
    }

    @Override
    public void close() {
        disconnect();
    }
}
