package dev.tributary.sinks.redshift;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MergeSqlTest {

    @Test
    void postgresGuardsTheUpdateInsideTheMerge() {
        MergeSql sql = new MergeSql(TestTables.VERSIONED, WarehouseDialect.POSTGRESQL);
        assertThat(sql.pruneStaging()).isNull();
        assertThat(sql.merge()).isEqualTo("MERGE INTO items USING tributary_stage_items s ON s.id = items.id"
                + " WHEN MATCHED AND s.version > items.version THEN UPDATE SET version = s.version,"
                + " text = s.text, amount = s.amount, at = s.at"
                + " WHEN NOT MATCHED THEN INSERT (id, version, text, amount, at)"
                + " VALUES (s.id, s.version, s.text, s.amount, s.at)");
        assertThat(sql.clearStaging()).isEqualTo("TRUNCATE tributary_stage_items");
        assertThat(sql.planSettings()).containsExactly("SET LOCAL enable_hashjoin = off", "SET LOCAL enable_mergejoin = off");
    }

    @Test
    void postgresInsertsOnlyMissingKeysOfAnImmutableTable() {
        MergeSql sql = new MergeSql(TestTables.IMMUTABLE, WarehouseDialect.POSTGRESQL);
        assertThat(sql.merge()).isEqualTo("MERGE INTO facts USING tributary_stage_facts s"
                + " ON s.id = facts.id AND s.version = facts.version"
                + " WHEN NOT MATCHED THEN INSERT (id, version, text) VALUES (s.id, s.version, s.text)");
    }

    @Test
    void redshiftPrunesStaleStagingRowsThenMergesUnconditionally() {
        MergeSql sql = new MergeSql(TestTables.VERSIONED, WarehouseDialect.REDSHIFT);
        assertThat(sql.pruneStaging()).isEqualTo("DELETE FROM tributary_stage_items USING items"
                + " WHERE tributary_stage_items.id = items.id"
                + " AND tributary_stage_items.version <= items.version");
        assertThat(sql.merge()).startsWith("MERGE INTO items USING tributary_stage_items s ON s.id = items.id"
                + " WHEN MATCHED THEN UPDATE SET version = s.version,");
        // Redshift's TRUNCATE would commit the open transaction
        assertThat(sql.clearStaging()).isEqualTo("DELETE FROM tributary_stage_items");
        assertThat(sql.planSettings()).isEmpty();
    }

    @Test
    void redshiftPrunesEveryStoredKeyOfAnImmutableTable() {
        MergeSql sql = new MergeSql(TestTables.IMMUTABLE, WarehouseDialect.REDSHIFT);
        assertThat(sql.pruneStaging()).isEqualTo("DELETE FROM tributary_stage_facts USING facts"
                + " WHERE tributary_stage_facts.id = facts.id AND tributary_stage_facts.version = facts.version");
    }

    @Test
    void anUpdatesOnlyTableUpdatesExistingRowsWithAVersionGuardAndNeverInserts() {
        WarehouseTable<Object[]> updates = WarehouseTable.builder("items", Object[].class)
                .column("id", SqlType.varchar(64), r -> r[0])
                .column("version", SqlType.bigint(), r -> r[1])
                .column("text", SqlType.varchar(64), r -> r[2])
                .key("id").version("version").updatesOnly().build();
        for (WarehouseDialect dialect : WarehouseDialect.values()) {
            MergeSql sql = new MergeSql(updates, dialect);
            assertThat(sql.stagingTable()).isEqualTo("tributary_stage_items_updates");
            assertThat(sql.createStaging()).isEqualTo(
                    "CREATE TEMP TABLE tributary_stage_items_updates AS SELECT id, version, text FROM items WHERE 1 = 0");
            assertThat(sql.merge()).isEqualTo("UPDATE items SET version = s.version, text = s.text"
                    + " FROM tributary_stage_items_updates s WHERE s.id = items.id AND s.version > items.version");
        }
    }

    @Test
    void stagingCopiesTheTargetsColumns() {
        assertThat(new MergeSql(TestTables.VERSIONED, WarehouseDialect.REDSHIFT).createStaging())
                .isEqualTo("CREATE TEMP TABLE tributary_stage_items (LIKE items)");
    }

    @Test
    void theInsertLoaderCastsTimestampParameters() {
        assertThat(MultiRowInsertStagingLoader.insertSql("st", TestTables.VERSIONED.columns(), 2))
                .isEqualTo("INSERT INTO st (id, version, text, amount, at) VALUES"
                        + " (?, ?, ?, ?, CAST(? AS TIMESTAMP)), (?, ?, ?, ?, CAST(? AS TIMESTAMP))");
    }

    @Test
    void aDeleteRemovesOnlyARowOlderThanItselfInBothDialects() {
        WarehouseTable<TestTables.Item> deletable = WarehouseTable.builder("items", TestTables.Item.class)
                .column("id", SqlType.varchar(16), TestTables.Item::id)
                .column("at", SqlType.timestamp(), TestTables.Item::at)
                .nullableColumn("text", SqlType.varchar(8), TestTables.Item::text)
                .key("id")
                .version("at")
                .deletedWhen(item -> item.text() == null)
                .build();
        for (WarehouseDialect dialect : WarehouseDialect.values()) {
            MergeSql sql = new MergeSql(deletable, dialect);
            assertThat(sql.delete()).isEqualTo("DELETE FROM items WHERE id = ? AND at < CAST(? AS TIMESTAMP)");
            assertThat(sql.deleteParameters()).extracting(WarehouseColumn::name).containsExactly("id", "at");
        }
        assertThat(deletable.isDelete(new TestTables.Item("a", 1, null, null, null))).isTrue();
        assertThat(deletable.isDelete(new TestTables.Item("a", 1, "x", null, null))).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MergeSql(TestTables.VERSIONED, WarehouseDialect.POSTGRESQL).delete())
                .isInstanceOf(IllegalStateException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WarehouseTable.builder("facts", TestTables.Item.class)
                        .column("id", SqlType.varchar(16), TestTables.Item::id)
                        .column("version", SqlType.bigint(), TestTables.Item::version)
                        .key("id").immutable().deletedWhen(item -> true).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("deletedWhen");
    }
}
