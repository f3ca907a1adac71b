package dev.tributary.sinks.redshift;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Cheap checks that catch most rows the database would reject, before they can fail a whole batch:
 * missing NOT NULL values, wrong Java types, NUL characters (PostgreSQL and Redshift text cannot hold
 * 0x00), strings longer than their VARCHAR in UTF-8 bytes (Redshift's measure; stricter than PostgreSQL's
 * characters), and NaN/Infinity in DOUBLE PRECISION (Redshift has no such values).
 */
public final class RowValidator {

    private RowValidator() {}

    /**
     * Why a delete's row cannot be used, or null if it passes: only its key and version columns are read, so only
     * they are checked (its other columns may be null).
     */
    public static String problemWithDelete(WarehouseTable<?> table, Object[] row) {
        List<WarehouseColumn> columns = table.columns();
        if (row == null || row.length != columns.size()) {
            return problemWith(table, row);
        }
        for (int i = 0; i < row.length; i++) {
            WarehouseColumn column = columns.get(i);
            if (table.isKey(column.name()) || column.name().equals(table.versionColumn())) {
                String problem = problemWith(column, row[i]);
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }

    /** Why the row cannot be stored, or null if it passes. */
    public static String problemWith(WarehouseTable<?> table, Object[] row) {
        List<WarehouseColumn> columns = table.columns();
        if (row == null || row.length != columns.size()) {
            return "row has " + (row == null ? "no" : row.length) + " values, table " + table.name()
                    + " has " + columns.size() + " columns";
        }
        for (int i = 0; i < row.length; i++) {
            String problem = problemWith(columns.get(i), row[i]);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String problemWith(WarehouseColumn column, Object value) {
        if (value == null) {
            return column.nullable() ? null : "column " + column.name() + " is NOT NULL but the value is null";
        }
        SqlType type = column.type();
        if (!type.javaType().isInstance(value)) {
            return "column " + column.name() + " (" + type.ddl() + ") got a " + value.getClass().getName();
        }
        switch (type.kind()) {
            case VARCHAR -> {
                String s = (String) value;
                if (s.indexOf('\u0000') >= 0) {
                    return "column " + column.name() + " contains a NUL character (0x00)";
                }
                // a UTF-8 byte count is at least the char count, so short strings need no encoding
                if (s.length() * 3 > type.length()) {
                    int bytes = s.getBytes(StandardCharsets.UTF_8).length;
                    if (bytes > type.length()) {
                        return "column " + column.name() + " holds " + bytes + " bytes of UTF-8, more than "
                                + type.ddl();
                    }
                }
            }
            case DOUBLE_PRECISION -> {
                double d = (Double) value;
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    return "column " + column.name() + " is " + d + "; only finite numbers are stored";
                }
            }
            default -> { }
        }
        return null;
    }
}
