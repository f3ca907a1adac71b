package dev.tributary.query;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Read-only access to the warehouse: every query is a prepared statement with bound parameters (user input never
 * becomes SQL text), on a read-only connection from a pool (HikariCP: a request no longer pays a TCP and TLS
 * handshake and a login), with connect, socket and statement timeouts. The pool starts empty and does not fail
 * the service's start when the warehouse is down: those requests answer 503 until it is back.
 */
final class Warehouse implements AutoCloseable {

    /** Enough for the API's handful of small queries per request at the service's request concurrency. */
    static final int POOL_SIZE = 4;

    /** PostgreSQL: the table does not exist (yet) — a flow that has written nothing is an empty answer. */
    private static final String UNDEFINED_TABLE = "42P01";
    /** PostgreSQL: statement cancelled by statement_timeout / setQueryTimeout. */
    private static final String QUERY_CANCELED = "57014";

    private final HikariDataSource pool;
    private final int timeoutSeconds;

    Warehouse(String url, String user, String password, Duration timeout) {
        this.timeoutSeconds = (int) Math.max(1, timeout.toSeconds());
        Properties driver = new Properties();
        driver.setProperty("connectTimeout", Integer.toString(timeoutSeconds));
        // the socket timeout is the last resort behind the statement timeout, so it is a bit longer
        driver.setProperty("socketTimeout", Integer.toString(timeoutSeconds + 5));
        driver.setProperty("ApplicationName", "tributary-query");
        // read-only enforced by the server even in autocommit (pgjdbc applies setReadOnly only to transactions)
        driver.setProperty("readOnlyMode", "always");
        HikariConfig config = new HikariConfig();
        config.setPoolName("tributary-query-warehouse");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setDataSourceProperties(driver);
        config.setReadOnly(true);
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(timeout.toMillis());
        config.setInitializationFailTimeout(-1); // start without the warehouse; answer 503 while it is away
        this.pool = new HikariDataSource(config);
    }

    /** Rows as column label → value (timestamps as ISO-8601 UTC text: the warehouse stores UTC wall-clock time). */
    List<Map<String, Object>> query(String sql, Object... parameters) {
        try (Connection c = pool.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setQueryTimeout(timeoutSeconds);
                for (int i = 0; i < parameters.length; i++) {
                    Object p = parameters[i];
                    ps.setObject(i + 1, p instanceof Instant t ? LocalDateTime.ofInstant(t, ZoneOffset.UTC) : p);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    return rows(rs);
                }
            }
        } catch (SQLException e) {
            if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                return List.of();
            }
            if (QUERY_CANCELED.equals(e.getSQLState())) {
                throw ApiError.timedOut("the warehouse query took longer than " + timeoutSeconds + " s");
            }
            throw new WarehouseUnavailable(e);
        }
    }

    private static List<Map<String, Object>> rows(ResultSet rs) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        List<Map<String, Object>> rows = new ArrayList<>();
        while (rs.next()) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                Object v = rs.getObject(i);
                row.put(meta.getColumnLabel(i), v instanceof Timestamp t
                        ? t.toLocalDateTime().toInstant(ZoneOffset.UTC).toString() : v);
            }
            rows.add(row);
        }
        return rows;
    }

    @Override
    public void close() {
        pool.close();
    }

    /** The warehouse could not be reached or refused the query; the cause is logged, never shown to clients. */
    static final class WarehouseUnavailable extends RuntimeException {
        WarehouseUnavailable(SQLException cause) {
            super("warehouse query failed (SQLState " + cause.getSQLState() + ")", cause);
        }
    }
}
