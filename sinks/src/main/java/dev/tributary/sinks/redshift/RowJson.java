package dev.tributary.sinks.redshift;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders a rejected row for its dead letter: {@code {"table": ..., "row": {column: value, ...}}}. */
final class RowJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RowJson() {}

    static byte[] render(WarehouseTable<?> table, Object[] row) {
        Map<String, Object> values = new LinkedHashMap<>();
        List<WarehouseColumn> columns = table.columns();
        for (int i = 0; i < columns.size() && i < row.length; i++) {
            Object v = row[i];
            values.put(columns.get(i).name(), v instanceof Instant instant ? instant.toString() : v);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("table", table.name());
        doc.put("row", values);
        try {
            return JSON.writeValueAsBytes(doc);
        } catch (JsonProcessingException e) {
            return ("{\"table\":\"" + table.name() + "\",\"unrenderable\":true}").getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The dead letter's key: table and key values, so a replayed reject can be recognised. */
    static byte[] key(WarehouseTable<?> table, Object[] row) {
        String key;
        try {
            key = table.name() + "/" + table.keyOf(row).stream().map(String::valueOf).collect(Collectors.joining("/"));
        } catch (RuntimeException e) {
            key = table.name();
        }
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
