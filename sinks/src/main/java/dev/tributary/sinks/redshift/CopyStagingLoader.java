package dev.tributary.sinks.redshift;

import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/** PostgreSQL: streams the rows through pgjdbc's CopyManager ({@code COPY ... FROM STDIN}, text format). */
public final class CopyStagingLoader implements StagingLoader {

    private static final int BUFFER_CHARS = 64 * 1024;

    @Override
    public void load(Connection connection, String stagingTable, WarehouseTable<?> table, List<Object[]> rows)
            throws SQLException {
        String columns = table.columns().stream().map(WarehouseColumn::name).collect(Collectors.joining(", "));
        String sql = "COPY " + stagingTable + " (" + columns + ") FROM STDIN (FORMAT text, ENCODING 'UTF8')";
        PGConnection pg = connection.unwrap(PGConnection.class);
        PGCopyOutputStream stream = new PGCopyOutputStream(pg, sql, BUFFER_CHARS);
        try (Writer out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), BUFFER_CHARS)) {
            for (Object[] row : rows) {
                CopyText.appendRow(out, row);
            }
        } catch (IOException e) {
            // the server's rejection (e.g. a bad value) surfaces as an IOException around a PSQLException
            if (e.getCause() instanceof SQLException sql2) {
                throw sql2;
            }
            throw new SQLException("COPY into " + stagingTable + " failed: " + e.getMessage(), "08006", e);
        } finally {
            if (stream.isActive()) {
                try {
                    stream.cancelCopy();
                } catch (SQLException ignored) {
                    // the copy is already dead; the transaction is rolled back by the caller
                }
            }
        }
    }
}
