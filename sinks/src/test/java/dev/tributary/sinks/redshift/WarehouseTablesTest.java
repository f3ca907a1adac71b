package dev.tributary.sinks.redshift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.events.CatalogEntry;
import dev.tributary.events.CatalogOperation;
import dev.tributary.events.HoverboardReading;

import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

class WarehouseTablesTest {

    @Test
    void everyTableSurvivesJavaSerializationWithItsExtractor() throws Exception {
        HoverboardReading reading = HoverboardReading.newBuilder().setDeviceId("d1").setSeq(7)
                .setEventTime(Instant.parse("2026-01-01T00:00:00Z")).setBatteryPct(80).setTemperatureC(21.5)
                .build();
        WarehouseTable<HoverboardReading> copy =
                InstantiationUtil.clone(WarehouseTables.READINGS, getClass().getClassLoader());
        assertThat(copy.rowOf(reading)).containsExactly(
                "d1", 7L, Instant.parse("2026-01-01T00:00:00Z"), 80.0, 21.5, 0.0, null, null, null);
        for (WarehouseTable<?> table : WarehouseTables.ALL) {
            assertThat(InstantiationUtil.clone(table, getClass().getClassLoader()).name()).isEqualTo(table.name());
        }
    }

    @Test
    void catalogEntriesStoreNestedValuesAsStableJson() {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        CatalogEntry entry = CatalogEntry.newBuilder().setObjectKey("raw/a").setContainer("tributary/raw")
                .setOwner("lake").setCreatedAt(at).setModifiedAt(at).setVersion(1)
                .setOperations(List.of(CatalogOperation.newBuilder().setName("STORE").setAt(at).setJob("j")
                        .setOperator("o").setSucceeded(true).build()))
                .setAttributes(Map.of("b", "2", "a", "1"))
                .build();
        Object[] row = WarehouseTables.CATALOG_ENTRIES.rowOf(entry);
        assertThat(row[WarehouseTables.CATALOG_ENTRIES.indexOf("operations_json")]).isEqualTo(
                "[{\"name\":\"STORE\",\"at\":\"2026-01-01T00:00:00Z\",\"job\":\"j\",\"operator\":\"o\","
                        + "\"succeeded\":true,\"reason\":null}]");
        assertThat(row[WarehouseTables.CATALOG_ENTRIES.indexOf("attributes_json")]).isEqualTo("{\"a\":\"1\",\"b\":\"2\"}");
    }

    @Test
    void theDdlScriptDeclaresEveryTableWithTheSameColumnsAndKeys() {
        List<String> statements = WarehouseSchema.statements(WarehouseSchema.read("/warehouse/ddl/V1__tables.sql"));
        assertThat(statements).hasSize(WarehouseTables.ALL.size());
        for (int i = 0; i < statements.size(); i++) {
            WarehouseTable<?> table = WarehouseTables.ALL.get(i);
            String ddl = statements.get(i);
            assertThat(ddl).startsWith("CREATE TABLE IF NOT EXISTS " + table.name() + " (");
            for (WarehouseColumn column : table.columns()) {
                String expected = column.name() + " " + column.type().ddl() + (column.nullable() ? "," : " NOT NULL,");
                assertThat(ddl.replaceAll(" +", " ")).as(table.name()).contains("\n" + expected + "\n");
            }
            assertThat(ddl).contains("PRIMARY KEY (" + String.join(", ", table.keyColumns()) + ")");
            assertThat(ddl.lines().filter(l -> !l.startsWith("PRIMARY") && !l.startsWith("CREATE") && !l.equals(")")))
                    .as(table.name() + " has no undeclared columns").hasSize(table.columns().size());
        }
    }

    @Test
    void aTableMustBeEitherVersionedOrImmutable() {
        assertThatThrownBy(() -> WarehouseTable.builder("t", String.class)
                .column("k", SqlType.varchar(4), s -> s).column("v", SqlType.varchar(4), s -> s)
                .key("k").build())
                .hasMessageContaining("exactly one of");
    }
}
