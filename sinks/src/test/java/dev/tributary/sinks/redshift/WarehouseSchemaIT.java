package dev.tributary.sinks.redshift;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The DDL against a real PostgreSQL: idempotent, safe when writers start together, and as the tables say. */
class WarehouseSchemaIT {

    @Test
    void writersApplyingTheSchemaConcurrentlyAllSucceedAndTheCatalogMatchesTheTables() throws Exception {
        TestDatabase db = TestDatabase.freshSchema("it_schema");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Void>> writers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                writers.add(() -> {
                    try (Connection c = db.connect()) {
                        c.setAutoCommit(false);
                        WarehouseSchema.apply(c, WarehouseDialect.POSTGRESQL);
                        WarehouseSchema.apply(c, WarehouseDialect.POSTGRESQL); // and again: idempotent
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(writers)) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        for (WarehouseTable<?> table : WarehouseTables.ALL) {
            List<String> expected = table.columns().stream().map(c -> c.name() + " " + catalogType(c.type())
                    + " " + (c.nullable() ? "YES" : "NO")).toList();
            assertThat(db.rows("SELECT column_name || ' ' || data_type || coalesce('(' || character_maximum_length"
                    + " || ')', '') || ' ' || is_nullable FROM information_schema.columns WHERE table_schema ="
                    + " current_schema() AND table_name = '" + table.name() + "' ORDER BY ordinal_position"))
                    .as(table.name()).containsExactlyElementsOf(expected);
            assertThat(db.rows("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                    + " AND a.attnum = ANY(i.indkey) WHERE i.indisprimary AND i.indrelid = '" + table.name()
                    + "'::regclass ORDER BY array_position(i.indkey, a.attnum)"))
                    .as(table.name() + " primary key").containsExactlyElementsOf(table.keyColumns());
        }
        TestDatabase.awaitCondition("no leftover advisory lock", Duration.ofSeconds(10),
                () -> db.countOrMinusOne("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'") == 0);
    }

    @Test
    void aDatabaseOfRelease010IsMigratedInPlaceOnce() throws Exception {
        TestDatabase db = TestDatabase.freshSchema("it_schema_upgrade");
        // what 0.1.0 left: the V1 tables, no history, readings keyed by (device_id, seq)
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (String sql : WarehouseSchema.statements(WarehouseSchema.read(WarehouseSchema.SCRIPTS.get(0)))) {
                s.execute(sql);
            }
        }
        String columns = "(device_id, seq, event_time, battery_pct, temperature_c, speed_kmh)";
        db.execute("INSERT INTO readings " + columns + " VALUES ('hb-1', 0, '2026-11-01 12:00:00', 80, 20, 0)");

        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            WarehouseSchema.apply(c, WarehouseDialect.POSTGRESQL);
            WarehouseSchema.apply(c, WarehouseDialect.POSTGRESQL);
        }

        assertThat(db.rows("SELECT script FROM " + WarehouseSchema.HISTORY + " ORDER BY script"))
                .as("each script recorded once").containsExactlyElementsOf(WarehouseSchema.SCRIPTS);
        // the device rebooted: seq 0 again, an hour later, is a reading of its own
        db.execute("INSERT INTO readings " + columns + " VALUES ('hb-1', 0, '2026-11-01 13:00:00', 70, 21, 0)");
        assertThat(db.rows("SELECT seq || ' ' || battery_pct FROM readings ORDER BY event_time"))
                .containsExactly("0 80", "0 70");
    }

    private static String catalogType(SqlType type) {
        return switch (type.kind()) {
            case VARCHAR -> "character varying(" + type.length() + ")";
            case BIGINT -> "bigint";
            case INTEGER -> "integer";
            case DOUBLE_PRECISION -> "double precision";
            case BOOLEAN -> "boolean";
            case TIMESTAMP -> "timestamp without time zone";
        };
    }
}
