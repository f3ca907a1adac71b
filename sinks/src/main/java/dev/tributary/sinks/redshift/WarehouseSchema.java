package dev.tributary.sinks.redshift;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;

/**
 * Brings the warehouse schema up to date: applies the scripts under {@code warehouse/ddl/} that the database has
 * not recorded in {@code tributary_schema_history}, in order, each recorded once applied.
 *
 * <p>{@code V1__tables.sql} creates every table {@code IF NOT EXISTS}, so a database from before the history
 * existed (0.1.0) simply runs it again. Later scripts change what exists and run once.
 *
 * <p>Every parallel writer runs this at start. On PostgreSQL a transaction-scoped advisory lock serializes
 * them, since two concurrent {@code CREATE TABLE IF NOT EXISTS} of one table can still fail there. Redshift
 * has no advisory locks; a writer that loses the race gets "already exists" (or, for a script another writer
 * applied a moment earlier, "does not exist") and applies what is still missing once more.
 *
 * <p>Why not Flyway: its Redshift support left the open-source edition, and these few idempotent scripts need
 * no more than a history table and a lock.
 */
public final class WarehouseSchema {

    private static final Logger LOG = LoggerFactory.getLogger(WarehouseSchema.class);

    /** Resources applied in order; add the next V<n>__... here when the schema evolves, never edit a released file. */
    public static final List<String> SCRIPTS = List.of(
            "/warehouse/ddl/V1__tables.sql",
            "/warehouse/ddl/V2__readings_key.sql",
            "/warehouse/ddl/V3__asset_status.sql",
            "/warehouse/ddl/V4__edge_thumbnails.sql");

    static final String HISTORY = "tributary_schema_history";

    /** Arbitrary but fixed: the advisory lock id all Tributary writers agree on. */
    static final long ADVISORY_LOCK_ID = 0x7472_6962_7574_6172L; // "tributar"

    /** SQLSTATEs of losing a race to another writer: duplicate table, unique violation, undefined object. */
    private static final Set<String> LOST_RACE = Set.of("42P07", "23505", "42704");

    private WarehouseSchema() {}

    /** Applies every script not applied yet, in one transaction (commits it); the connection must not be in autocommit. */
    public static void apply(Connection connection, WarehouseDialect dialect) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try (Statement s = connection.createStatement()) {
                if (dialect.hasAdvisoryLocks()) {
                    s.execute("SELECT pg_advisory_xact_lock(" + ADVISORY_LOCK_ID + ")");
                }
                s.execute("CREATE TABLE IF NOT EXISTS " + HISTORY
                        + " (script VARCHAR(256) NOT NULL, applied_at TIMESTAMP NOT NULL)");
                Set<String> applied = new HashSet<>();
                try (ResultSet rs = s.executeQuery("SELECT script FROM " + HISTORY)) {
                    while (rs.next()) {
                        applied.add(rs.getString(1));
                    }
                }
                List<String> ran = new ArrayList<>();
                for (String script : SCRIPTS) {
                    if (applied.contains(script)) {
                        continue;
                    }
                    for (String sql : statements(read(script))) {
                        s.execute(sql);
                    }
                    try (PreparedStatement record = connection.prepareStatement(
                            "INSERT INTO " + HISTORY + " (script, applied_at) VALUES (?, CURRENT_TIMESTAMP)")) {
                        record.setString(1, script);
                        record.executeUpdate();
                    }
                    ran.add(script);
                }
                connection.commit();
                LOG.info("Warehouse schema is up to date (applied now: {})", ran.isEmpty() ? "nothing" : ran);
                return;
            } catch (SQLException e) {
                connection.rollback();
                if (!LOST_RACE.contains(e.getSQLState()) || attempt >= 3) {
                    throw e;
                }
                LOG.info("Another writer changed the warehouse schema concurrently ({}); applying what is missing again",
                        e.getSQLState());
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
