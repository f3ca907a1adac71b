package dev.tributary.sinks.redshift;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Any engine, and Redshift over JDBC: {@code INSERT INTO staging VALUES (...), (...), ...} with up to
 * {@value #MAX_ROWS_PER_STATEMENT} rows (and fewer than {@value #MAX_PARAMETERS} parameters) per statement.
 * Timestamps are bound as text and cast, which both drivers handle the same way.
 */
public final class MultiRowInsertStagingLoader implements StagingLoader {

    static final int MAX_ROWS_PER_STATEMENT = 1000;
    static final int MAX_PARAMETERS = 32000;

    @Override
    public void load(Connection connection, String stagingTable, WarehouseTable<?> table, List<Object[]> rows)
            throws SQLException {
        List<WarehouseColumn> columns = table.columns();
        int perStatement = Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, MAX_PARAMETERS / columns.size()));
        PreparedStatement full = null;
        try {
            int from = 0;
            while (from < rows.size()) {
                int n = Math.min(perStatement, rows.size() - from);
                if (n == perStatement) {
                    if (full == null) {
                        full = connection.prepareStatement(insertSql(stagingTable, columns, n));
                    }
                    bindAndRun(full, columns, rows, from, n);
                } else {
                    try (PreparedStatement tail = connection.prepareStatement(insertSql(stagingTable, columns, n))) {
                        bindAndRun(tail, columns, rows, from, n);
                    }
                }
                from += n;
            }
        } finally {
            if (full != null) {
                full.close();
            }
        }
    }

    static String insertSql(String stagingTable, List<WarehouseColumn> columns, int rowCount) {
        StringBuilder tuple = new StringBuilder("(");
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                tuple.append(", ");
            }
            tuple.append(columns.get(i).type().kind() == SqlType.Kind.TIMESTAMP ? "CAST(? AS TIMESTAMP)" : "?");
        }
        tuple.append(')');
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(stagingTable).append(" (");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i > 0 ? ", " : "").append(columns.get(i).name());
        }
        sql.append(") VALUES ");
        for (int r = 0; r < rowCount; r++) {
            sql.append(r > 0 ? ", " : "").append(tuple);
        }
        return sql.toString();
    }

    private static void bindAndRun(
            PreparedStatement statement, List<WarehouseColumn> columns, List<Object[]> rows, int from, int n)
            throws SQLException {
        int p = 1;
        for (int r = from; r < from + n; r++) {
            Object[] row = rows.get(r);
            for (int c = 0; c < columns.size(); c++) {
                bind(statement, p++, columns.get(c).type(), row[c]);
            }
        }
        statement.executeUpdate();
    }

    /** Binds one column value the way both dialects accept it (timestamps as text, cast in the SQL). */
    static void bind(PreparedStatement statement, int index, SqlType type, Object value)
            throws SQLException {
        if (value == null) {
            statement.setNull(index, type.kind() == SqlType.Kind.TIMESTAMP ? java.sql.Types.VARCHAR : type.jdbcType());
            return;
        }
        switch (type.kind()) {
            case VARCHAR -> statement.setString(index, (String) value);
            case BIGINT -> statement.setLong(index, (Long) value);
            case INTEGER -> statement.setInt(index, (Integer) value);
            case DOUBLE_PRECISION -> statement.setDouble(index, (Double) value);
            case BOOLEAN -> statement.setBoolean(index, (Boolean) value);
            case TIMESTAMP -> statement.setString(index, CopyText.timestampText((Instant) value));
        }
    }
}
