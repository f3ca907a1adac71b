package dev.tributary.sinks.redshift;

import java.time.Instant;

/** Small tables over a plain record type for unit tests of the table-generic machinery. */
final class TestTables {

    record Item(String id, long version, String text, Double amount, Instant at) {}

    static final WarehouseTable<Item> VERSIONED = WarehouseTable.builder("items", Item.class)
            .column("id", SqlType.varchar(16), Item::id)
            .column("version", SqlType.bigint(), Item::version)
            .nullableColumn("text", SqlType.varchar(8), Item::text)
            .nullableColumn("amount", SqlType.doublePrecision(), Item::amount)
            .nullableColumn("at", SqlType.timestamp(), Item::at)
            .key("id")
            .version("version")
            .build();

    static final WarehouseTable<Item> IMMUTABLE = WarehouseTable.builder("facts", Item.class)
            .column("id", SqlType.varchar(16), Item::id)
            .column("version", SqlType.bigint(), Item::version)
            .nullableColumn("text", SqlType.varchar(8), Item::text)
            .key("id", "version")
            .immutable()
            .build();

    private TestTables() {}
}
