package dev.tributary.sinks.redshift;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rows buffered for one table until the next flush, at most one per key.
 *
 * <p>MERGE fails when two source rows match the same target row, so duplicates are collapsed here: for a
 * versioned table the row with the greatest version stays (on a tie, the later one: the same version
 * re-sent carries the same content); for an immutable table the first row of a key stays, as the
 * database keeps the first one stored. A delete (see {@link WarehouseTable.Builder#deletedWhen}) collapses with the
 * writes of its key by the same rule: whichever has the greatest version stays, so a key appears at most once, as
 * a write or as a delete, and the order of the two statements a flush runs does not matter.
 */
public final class KeyedBatch {

    private final WarehouseTable<?> table;
    private final Map<List<Object>, Object[]> rows = new LinkedHashMap<>();
    /** The keys whose buffered row is a delete. */
    private final Set<List<Object>> deletes = new HashSet<>();
    private long collapsed;

    public KeyedBatch(WarehouseTable<?> table) {
        this.table = table;
    }

    public WarehouseTable<?> table() {
        return table;
    }

    /** Adds a row to write, collapsing it with a buffered row of the same key. */
    public void add(Object[] row) {
        add(row, false);
    }

    /** Adds a row to write, or the key and version of a delete, collapsing it with a buffered row of the same key. */
    public void add(Object[] row, boolean delete) {
        List<Object> key = table.keyOf(row);
        Object[] existing = rows.get(key);
        if (existing != null) {
            collapsed++;
            if (!table.isVersioned() || table.versionOf(row).compareTo(table.versionOf(existing)) < 0) {
                return;
            }
        }
        rows.put(key, row);
        if (delete) {
            deletes.add(key);
        } else if (!deletes.isEmpty()) {
            deletes.remove(key);
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

    /**
     * The buffered deletes (rows whose key and version columns count), taken out of the batch; call before
     * {@link #drain()}.
     */
    public List<Object[]> drainDeletes() {
        if (deletes.isEmpty()) {
            return List.of();
        }
        List<Object[]> out = new ArrayList<>(deletes.size());
        for (Iterator<Map.Entry<List<Object>, Object[]>> it = rows.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<List<Object>, Object[]> e = it.next();
            if (deletes.contains(e.getKey())) {
                out.add(e.getValue());
                it.remove();
            }
        }
        deletes.clear();
        return out;
    }

    /**
     * The buffered rows to write, in first-arrival order of their keys; the batch is empty afterwards.
     *
     * @throws IllegalStateException deletes are buffered: take them with {@link #drainDeletes()} first
     */
    public List<Object[]> drain() {
        if (!deletes.isEmpty()) {
            throw new IllegalStateException(deletes.size() + " deletes buffered for " + table.name()
                    + ": drainDeletes() first, or they would be written as rows");
        }
        List<Object[]> out = new ArrayList<>(rows.values());
        rows.clear();
        collapsed = 0;
        return out;
    }
}
