package dev.tributary.sinks.redshift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.events.CatalogEntry;
import dev.tributary.events.CatalogOperation;
import dev.tributary.events.HoverboardReading;

import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    void theDdlScriptsDeclareEveryTableWithTheSameColumnsAndKeys() {
        List<String> statements = WarehouseSchema.statements(WarehouseSchema.read(WarehouseSchema.SCRIPTS.get(0)));
        // a later script may replace a table's key: the last one declared counts
        Map<String, String> keys = new HashMap<>();
        Pattern alteredKey = Pattern.compile("ALTER TABLE (\\w+) ADD PRIMARY KEY \\(([^)]*)\\)");
        for (String script : WarehouseSchema.SCRIPTS.subList(1, WarehouseSchema.SCRIPTS.size())) {
            for (String sql : WarehouseSchema.statements(WarehouseSchema.read(script))) {
                Matcher m = alteredKey.matcher(sql);
                if (m.matches()) {
                    keys.put(m.group(1), m.group(2));
                }
            }
        }
        assertThat(keys).containsEntry("readings", "device_id, seq, event_time");
        assertThat(statements).hasSize(WarehouseTables.ALL.size());
        for (int i = 0; i < statements.size(); i++) {
            WarehouseTable<?> table = WarehouseTables.ALL.get(i);
            String ddl = statements.get(i);
            assertThat(ddl).startsWith("CREATE TABLE IF NOT EXISTS " + table.name() + " (");
            for (WarehouseColumn column : table.columns()) {
                String expected = column.name() + " " + column.type().ddl() + (column.nullable() ? "," : " NOT NULL,");
                assertThat(ddl.replaceAll(" +", " ")).as(table.name()).contains("\n" + expected + "\n");
            }
            String key = String.join(", ", table.keyColumns());
            if (keys.containsKey(table.name())) {
                assertThat(keys.get(table.name())).as(table.name()).isEqualTo(key);
            } else {
                assertThat(ddl).contains("PRIMARY KEY (" + key + ")");
            }
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
