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
        // the tables each script creates, in order; a later script may replace a table's key: the last one counts
        List<String> statements = new java.util.ArrayList<>();
        Map<String, String> keys = new HashMap<>();
        Pattern alteredKey = Pattern.compile("ALTER TABLE (\\w+) ADD PRIMARY KEY \\(([^)]*)\\)");
        // a later script may add a (nullable) column: the declaration it adds, per table
        Pattern addedColumn = Pattern.compile("ALTER TABLE (\\w+) ADD COLUMN (\\w+ [^,;]+)");
        Map<String, List<String>> added = new HashMap<>();
        for (String script : WarehouseSchema.SCRIPTS) {
            for (String sql : WarehouseSchema.statements(WarehouseSchema.read(script))) {
                Matcher m = alteredKey.matcher(sql);
                Matcher column = addedColumn.matcher(sql);
                if (m.matches()) {
                    keys.put(m.group(1), m.group(2));
                } else if (column.matches()) {
                    added.computeIfAbsent(column.group(1), t -> new java.util.ArrayList<>()).add(column.group(2).trim() + ",");
                } else if (sql.startsWith("CREATE TABLE")) {
                    statements.add(sql);
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
                if (!added.getOrDefault(table.name(), List.of()).contains(expected)) {
                    assertThat(ddl.replaceAll(" +", " ")).as(table.name()).contains("\n" + expected + "\n");
                }
            }
            String key = String.join(", ", table.keyColumns());
            if (keys.containsKey(table.name())) {
                assertThat(keys.get(table.name())).as(table.name()).isEqualTo(key);
            } else {
                assertThat(ddl).contains("PRIMARY KEY (" + key + ")");
            }
            assertThat(ddl.lines().filter(l -> !l.startsWith("PRIMARY") && !l.startsWith("CREATE") && !l.equals(")")))
                    .as(table.name() + " has no undeclared columns")
                    .hasSize(table.columns().size() - added.getOrDefault(table.name(), List.of()).size());
        }
    }

    /**
     * A text value the decoder accepts fits the column it is stored in: each input field's schema bound
     * ({@code "maxLength"}, UTF-8 bytes, checked at decode) is at most its column's size. Fields are matched to
     * columns by name (device_id ↔ deviceId), and where a value reaches a table under another record type.
     */
    @Test
    void everyTextValueTheDecoderAcceptsFitsItsColumn() {
        int checked = 0;
        for (WarehouseTable<?> table : WarehouseTables.ALL) {
            org.apache.avro.Schema schema = org.apache.avro.specific.SpecificData.get().getSchema(table.recordClass());
            boolean input = schema.getFields().stream().anyMatch(f -> f.getObjectProp("maxLength") != null);
            if (!input) {
                continue;
            }
            for (WarehouseColumn column : table.columns()) {
                org.apache.avro.Schema.Field field = schema.getField(camel(column.name()));
                if (field == null || column.type().kind() != SqlType.Kind.VARCHAR) {
                    continue;
                }
                assertThat(field.getObjectProp("maxLength")).as("%s.%s bounds %s", schema.getName(), field.name(), column)
                        .isNotNull();
                assertThat(((Number) field.getObjectProp("maxLength")).intValue())
                        .as("%s.%s fits %s.%s", schema.getName(), field.name(), table.name(), column.name())
                        .isLessThanOrEqualTo(column.type().length());
                checked++;
            }
        }
        assertThat(checked).as("columns compared (readings 2, customers 4, trips 5, observations 7)").isGreaterThanOrEqualTo(18);

        // values that reach a table as part of another record
        org.apache.avro.Schema announced = dev.tributary.events.AssetAnnounced.getClassSchema();
        WarehouseTable<?> edgeAssets = WarehouseTables.ALL.stream()
                .filter(t -> t.recordClass() == dev.tributary.events.AssetBroadcast.class).findFirst().orElseThrow();
        for (String[] pair : new String[][] {{"assetId", "asset_id"}, {"title", "title"}, {"mediaType", "media_type"}}) {
            int max = ((Number) announced.getField(pair[0]).getObjectProp("maxLength")).intValue();
            int column = edgeAssets.columns().get(edgeAssets.indexOf(pair[1])).type().length();
            assertThat(max).as("AssetAnnounced.%s fits edge_assets.%s", pair[0], pair[1]).isLessThanOrEqualTo(column);
        }
        // an alert id is deviceId/kind/seq/eventTimeMillis
        int deviceId = ((Number) dev.tributary.events.HoverboardReading.getClassSchema().getField("deviceId")
                .getObjectProp("maxLength")).intValue();
        int alertId = WarehouseTables.ALERTS.columns().get(WarehouseTables.ALERTS.indexOf("alert_id")).type().length();
        assertThat(deviceId + "/OVER_TEMPERATURE/".length() + 16 + "/".length() + 13).isLessThanOrEqualTo(alertId);
    }

    private static String camel(String snake) {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }

    @Test
    void aTableMustBeEitherVersionedOrImmutable() {
        assertThatThrownBy(() -> WarehouseTable.builder("t", String.class)
                .column("k", SqlType.varchar(4), s -> s).column("v", SqlType.varchar(4), s -> s)
                .key("k").build())
                .hasMessageContaining("exactly one of");
    }
}
