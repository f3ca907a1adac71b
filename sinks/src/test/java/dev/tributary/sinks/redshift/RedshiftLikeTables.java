package dev.tributary.sinks.redshift;

import dev.tributary.testing.PgTestSchema;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The warehouse tables as Redshift keeps them, on PostgreSQL: the job's own DDL, then every primary key replaced by
 * a plain index, because Redshift does not enforce keys. On PostgreSQL a key refuses a second row for it, so a sink
 * that wrote a row twice would go unseen (and the sink would even retry the refusal); here the second row stays,
 * and {@link #duplicateKeys} finds it. Used by the sink's ITs and the flow tests.
 */
public final class RedshiftLikeTables {

    private RedshiftLikeTables() {}

    /** Creates every warehouse table in the connection's schema, without enforced keys. */
    public static void create(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        WarehouseSchema.apply(c, WarehouseDialect.POSTGRESQL); // recorded: the job's writers add nothing
        try (Statement s = c.createStatement()) {
            Set<String> done = new HashSet<>();
            for (WarehouseTable<?> table : WarehouseTables.ALL) {
                if (done.add(table.name())) {
                    s.execute("ALTER TABLE " + table.name() + " DROP CONSTRAINT " + table.name() + "_pkey");
                    // not unique, but an index: the sink's MERGE looks keys up through it on PostgreSQL (without
                    // one, each batch scans the whole table; Redshift hash-joins instead)
                    s.execute("CREATE INDEX " + table.name() + "_key ON " + table.name() + " ("
                            + String.join(", ", table.keyColumns()) + ")");
                }
            }
        }
        c.commit();
        c.setAutoCommit(autoCommit);
    }

    /**
     * Every warehouse key held by more than one row, as "table: key (n rows)": empty when each fact and entity was
     * written once. Meaningful on tables made by {@link #create}.
     */
    public static List<String> duplicateKeys(PgTestSchema schema) throws SQLException {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (WarehouseTable<?> table : WarehouseTables.ALL) {
            String key = String.join(", ", table.keyColumns());
            if (!seen.add(table.name() + "(" + key + ")")) {
                continue; // edge_assets is written under two record types with one key
            }
            for (String row : schema.rows("SELECT " + key + ", count(*) FROM " + table.name() + " GROUP BY " + key
                    + " HAVING count(*) > 1 ORDER BY count(*) DESC LIMIT 20")) {
                out.add(table.name() + ": " + row);
            }
        }
        return out;
    }
}
