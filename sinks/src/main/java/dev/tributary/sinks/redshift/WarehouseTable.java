package dev.tributary.sinks.redshift;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A serializable description of one warehouse table and how a record of type {@code T} becomes its row.
 *
 * <p>Every table has key columns (the natural key: one row per key). A <em>versioned</em> table also has a
 * version column: a replayed or out-of-order record only replaces the stored row when its version is
 * greater, which makes the at-least-once sink idempotent. An <em>immutable</em> table has no version
 * column: a key, once stored, is never rewritten (a replay is a no-op). An <em>updates-only</em> view of a
 * versioned table writes some of its columns into rows that exist and never inserts one (a record whose key has
 * no row is dropped): for records that change part of a row another writer created. Build with {@link #builder}.
 */
public final class WarehouseTable<T> implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Reads one column's value from a record; serializable so a method reference can ship with the sink. */
    @FunctionalInterface
    public interface ColumnGetter<T> extends Serializable {
        Object get(T record);
    }

    /** Tells a record that removes its key's row from one that writes it; serializable like the getters. */
    @FunctionalInterface
    public interface DeletePredicate<T> extends Serializable {
        boolean isDelete(T record);
    }

    private final String name;
    private final Class<T> recordClass;
    private final List<WarehouseColumn> columns;
    private final List<String> keyColumns;
    private final String versionColumn;
    private final RowExtractor<T> extractor;
    private final int[] keyIndexes;
    private final int versionIndex;
    private final boolean updatesOnly;
    private final DeletePredicate<T> deletePredicate;

    private WarehouseTable(
            String name, Class<T> recordClass, List<WarehouseColumn> columns, List<String> keyColumns,
            String versionColumn, boolean updatesOnly, DeletePredicate<T> deletePredicate, RowExtractor<T> extractor) {
        this.name = name;
        this.recordClass = recordClass;
        this.columns = List.copyOf(columns);
        this.keyColumns = List.copyOf(keyColumns);
        this.versionColumn = versionColumn;
        this.extractor = extractor;
        this.keyIndexes = keyColumns.stream().mapToInt(this::indexOf).toArray();
        this.versionIndex = versionColumn == null ? -1 : indexOf(versionColumn);
        this.updatesOnly = updatesOnly;
        this.deletePredicate = deletePredicate;
    }

    public static <T> Builder<T> builder(String name, Class<T> recordClass) {
        return new Builder<>(name, recordClass);
    }

    public String name() {
        return name;
    }

    public Class<T> recordClass() {
        return recordClass;
    }

    public List<WarehouseColumn> columns() {
        return columns;
    }

    public List<String> keyColumns() {
        return keyColumns;
    }

    /** The version column, or null for an immutable table. */
    public String versionColumn() {
        return versionColumn;
    }

    /** True when the sink only updates existing rows (see {@link Builder#updatesOnly()}). */
    public boolean isUpdatesOnly() {
        return updatesOnly;
    }

    /** True when some records of this table remove their key's row (see {@link Builder#deletedWhen}). */
    public boolean hasDeletes() {
        return deletePredicate != null;
    }

    /** Whether this record removes its key's row rather than writing it. */
    public boolean isDelete(T record) {
        return deletePredicate != null && deletePredicate.isDelete(record);
    }

    public boolean isVersioned() {
        return versionColumn != null;
    }

    public RowExtractor<T> extractor() {
        return extractor;
    }

    /** The record's row, values in column order. */
    public Object[] rowOf(T record) {
        return extractor.extract(record);
    }

    /** The row's key: a list of the key column values (equal keys compare equal). */
    public List<Object> keyOf(Object[] row) {
        Object[] key = new Object[keyIndexes.length];
        for (int i = 0; i < keyIndexes.length; i++) {
            key[i] = row[keyIndexes[i]];
        }
        return Arrays.asList(key);
    }

    /** The row's version; null for an immutable table. */
    @SuppressWarnings("unchecked")
    public Comparable<Object> versionOf(Object[] row) {
        return versionIndex < 0 ? null : (Comparable<Object>) row[versionIndex];
    }

    public int indexOf(String column) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(column)) {
                return i;
            }
        }
        throw new IllegalArgumentException("table " + name + " has no column " + column);
    }

    public boolean isKey(String column) {
        return keyColumns.contains(column);
    }

    @Override
    public String toString() {
        return "WarehouseTable{" + name + ", key=" + keyColumns + ", version=" + versionColumn + "}";
    }

    /** Declares columns in order, each with the getter that reads it from the record. */
    public static final class Builder<T> {
        private final String name;
        private final Class<T> recordClass;
        private final List<WarehouseColumn> columns = new ArrayList<>();
        private final List<ColumnGetter<T>> getters = new ArrayList<>();
        private List<String> keyColumns = List.of();
        private String versionColumn;
        private boolean immutable;
        private boolean updatesOnly;
        private DeletePredicate<T> deletePredicate;

        private Builder(String name, Class<T> recordClass) {
            if (name == null || !name.matches("[a-z_][a-z0-9_]*")) {
                throw new IllegalArgumentException("table names are lower-case identifiers, was " + name);
            }
            this.name = name;
            this.recordClass = Objects.requireNonNull(recordClass, "recordClass");
        }

        /** A NOT NULL column. */
        public Builder<T> column(String column, SqlType type, ColumnGetter<T> getter) {
            return add(new WarehouseColumn(column, type, false), getter);
        }

        /** A column that may hold NULL. */
        public Builder<T> nullableColumn(String column, SqlType type, ColumnGetter<T> getter) {
            return add(new WarehouseColumn(column, type, true), getter);
        }

        private Builder<T> add(WarehouseColumn column, ColumnGetter<T> getter) {
            if (columns.stream().anyMatch(c -> c.name().equals(column.name()))) {
                throw new IllegalArgumentException("duplicate column " + column.name() + " in " + name);
            }
            columns.add(column);
            getters.add(Objects.requireNonNull(getter, "getter"));
            return this;
        }

        public Builder<T> key(String... columnNames) {
            this.keyColumns = List.of(columnNames);
            return this;
        }

        /** The column whose greater value wins; it must be a NOT NULL BIGINT, INTEGER or TIMESTAMP column. */
        public Builder<T> version(String column) {
            this.versionColumn = column;
            return this;
        }

        /** Rows are never rewritten once stored: the first write of a key wins, replays are no-ops. */
        public Builder<T> immutable() {
            this.immutable = true;
            return this;
        }

        /**
         * Only updates the declared columns of rows that exist (version-guarded); never inserts. The declared
         * columns may be a subset of the table's.
         */
        public Builder<T> updatesOnly() {
            this.updatesOnly = true;
            return this;
        }

        /**
         * Records for which the test holds remove their key's row, if the stored row's version is lower than theirs;
         * their other columns may be null. A versioned table only: the version keeps a replayed older write from
         * undoing a newer delete within a batch, and a replayed older delete from removing a newer row.
         */
        public Builder<T> deletedWhen(DeletePredicate<T> test) {
            this.deletePredicate = Objects.requireNonNull(test, "test");
            return this;
        }

        public WarehouseTable<T> build() {
            if (columns.isEmpty()) {
                throw new IllegalStateException(name + ": no columns");
            }
            if (keyColumns.isEmpty()) {
                throw new IllegalStateException(name + ": no key columns");
            }
            if (immutable == (versionColumn != null)) {
                throw new IllegalStateException(name + ": declare exactly one of version(column) or immutable()");
            }
            for (String key : keyColumns) {
                requireNotNull(key, "key");
            }
            if (versionColumn != null) {
                WarehouseColumn version = requireNotNull(versionColumn, "version");
                if (keyColumns.contains(versionColumn)) {
                    throw new IllegalStateException(name + ": the version column cannot be a key column");
                }
                SqlType.Kind kind = version.type().kind();
                if (kind != SqlType.Kind.BIGINT && kind != SqlType.Kind.INTEGER && kind != SqlType.Kind.TIMESTAMP) {
                    throw new IllegalStateException(name + ": version column must be BIGINT, INTEGER or TIMESTAMP");
                }
            }
            if (updatesOnly && versionColumn == null) {
                throw new IllegalStateException(name + ": updatesOnly() needs a version(column) to guard the updates");
            }
            if (deletePredicate != null && (versionColumn == null || updatesOnly)) {
                throw new IllegalStateException(name + ": deletedWhen() needs a version(column) and inserts");
            }
            if (keyColumns.size() == columns.size()) {
                throw new IllegalStateException(name + ": a table needs at least one non-key column");
            }
            List<ColumnGetter<T>> frozen = List.copyOf(getters);
            RowExtractor<T> extractor = record -> {
                Object[] row = new Object[frozen.size()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = frozen.get(i).get(record);
                }
                return row;
            };
            return new WarehouseTable<>(name, recordClass, columns, keyColumns, versionColumn, updatesOnly, deletePredicate,
                    extractor);
        }

        private WarehouseColumn requireNotNull(String column, String role) {
            WarehouseColumn c = columns.stream().filter(x -> x.name().equals(column)).findFirst()
                    .orElseThrow(() -> new IllegalStateException(name + ": unknown " + role + " column " + column));
            if (c.nullable()) {
                throw new IllegalStateException(name + ": " + role + " column " + column + " must be NOT NULL");
            }
            return c;
        }
    }
}
