package dev.tributary.sinks.redshift;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows buffered for one table until the next flush, at most one per key.
 *
 * <p>MERGE fails when two source rows match the same target row, so duplicates are collapsed here: for a
 * versioned table the row with the greatest version stays (on a tie, the later one: the same version
 * re-sent carries the same content); for an immutable table the first row of a key stays, as the
 * database keeps the first one stored.
 */
public final class KeyedBatch {

    private final WarehouseTable<?> table;
    private final Map<List<Object>, Object[]> rows = new LinkedHashMap<>();
    private long collapsed;

    public KeyedBatch(WarehouseTable<?> table) {
        this.table = table;
    }

    public WarehouseTable<?> table() {
        return table;
    }

    /** Adds a row, collapsing it with a buffered row of the same key. */
    public void add(Object[] row) {
        List<Object> key = table.keyOf(row);
        Object[] existing = rows.get(key);
        if (existing == null) {
            rows.put(key, row);
            return;
        }
        collapsed++;
        if (table.isVersioned() && table.versionOf(row).compareTo(table.versionOf(existing)) >= 0) {
            rows.put(key, row);
        }
    }

    public int size() {
        return rows.size();
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** How many rows were absorbed by another row of the same key since the last {@link #drain()}. */
    public long collapsedCount() {
        return collapsed;
    }

    /** The buffered rows, in first-arrival order of their keys; the batch is empty afterwards. */
    public List<Object[]> drain() {
        List<Object[]> out = new ArrayList<>(rows.values());
        rows.clear();
        collapsed = 0;
        return out;
    }
}
