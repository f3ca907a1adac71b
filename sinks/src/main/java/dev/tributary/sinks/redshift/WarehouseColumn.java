package dev.tributary.sinks.redshift;

import java.io.Serializable;

/**
 * One column of a warehouse table.
 *
 * @param name the column name (lower case, unquoted identifier)
 * @param type its SQL type
 * @param nullable whether NULL is allowed (key and version columns never are)
 */
public record WarehouseColumn(String name, SqlType type, boolean nullable) implements Serializable {

    public WarehouseColumn {
        if (name == null || !name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("column names are lower-case identifiers, was " + name);
        }
    }
}
