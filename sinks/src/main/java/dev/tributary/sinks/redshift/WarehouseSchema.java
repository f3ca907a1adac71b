package dev.tributary.sinks.redshift;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates the warehouse tables from {@code warehouse/ddl/V1__tables.sql} if they do not exist.
 *
 * <p>Every parallel writer runs this at start. On PostgreSQL a transaction-scoped advisory lock serializes
 * them, since two concurrent {@code CREATE TABLE IF NOT EXISTS} of one table can still fail there. Redshift
 * has no advisory locks; a writer that loses the race gets "already exists" and simply runs the (idempotent)
 * script once more.
 */
public final class WarehouseSchema {

    private static final Logger LOG = LoggerFactory.getLogger(WarehouseSchema.class);

    /** Resources applied in order; add V2__... here when the schema evolves, never edit a released file. */
    public static final List<String> SCRIPTS = List.of("/warehouse/ddl/V1__tables.sql");

    /** Arbitrary but fixed: the advisory lock id all Tributary writers agree on. */
    static final long ADVISORY_LOCK_ID = 0x7472_6962_7574_6172L; // "tributar"

    private WarehouseSchema() {}

    /** Applies every script in one transaction (commits it); the connection must not be in autocommit. */
    public static void apply(Connection connection, WarehouseDialect dialect) throws SQLException {
        List<String> statements = new ArrayList<>();
        for (String script : SCRIPTS) {
            statements.addAll(statements(read(script)));
        }
        for (int attempt = 1; ; attempt++) {
            try (Statement s = connection.createStatement()) {
                if (dialect.hasAdvisoryLocks()) {
                    s.execute("SELECT pg_advisory_xact_lock(" + ADVISORY_LOCK_ID + ")");
                }
                for (String sql : statements) {
                    s.execute(sql);
                }
                connection.commit();
                LOG.info("Warehouse schema is in place ({} statements)", statements.size());
                return;
            } catch (SQLException e) {
                connection.rollback();
                boolean lostRace = "42P07".equals(e.getSQLState()) || "23505".equals(e.getSQLState());
                if (!lostRace || attempt >= 3) {
                    throw e;
                }
                LOG.info("Another writer created a warehouse table concurrently; applying the schema again");
            }
        }
    }

    /** The script's statements: comment lines dropped, split at semicolons that end a line. */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            if (trimmed.endsWith(";")) {
                current.append(trimmed, 0, trimmed.length() - 1);
                out.add(current.toString().strip());
                current.setLength(0);
            } else {
                current.append(trimmed).append('\n');
            }
        }
        if (!current.toString().isBlank()) {
            throw new IllegalArgumentException("schema script ends without ';': " + current);
        }
        return out;
    }

    static String read(String resource) {
        try (InputStream in = WarehouseSchema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
