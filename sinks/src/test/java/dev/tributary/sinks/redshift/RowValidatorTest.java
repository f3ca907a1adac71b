package dev.tributary.sinks.redshift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.sinks.redshift.TestTables.Item;

import org.junit.jupiter.api.Test;

import java.time.Instant;

class RowValidatorTest {

    private static String problem(Item item) {
        return RowValidator.problemWith(TestTables.VERSIONED, TestTables.VERSIONED.rowOf(item));
    }

    @Test
    void acceptsAValidRowIncludingNullsInNullableColumns() {
        assertThat(problem(new Item("a", 1, "ok", 1.5, Instant.EPOCH))).isNull();
        assertThat(problem(new Item("a", 1, null, null, null))).isNull();
    }

    @Test
    void rejectsNulCharacters() {
        assertThat(problem(new Item("a", 1, "x\u0000y", null, null))).contains("text").contains("NUL");
    }

    @Test
    void rejectsNullInANotNullColumn() {
        assertThat(problem(new Item(null, 1, null, null, null))).contains("id").contains("NOT NULL");
    }

    @Test
    void measuresVarcharLengthInUtf8Bytes() {
        assertThat(problem(new Item("a", 1, "12345678", null, null))).isNull();
        assertThat(problem(new Item("a", 1, "123456789", null, null))).contains("9 bytes");
        // four characters, but 'ü' takes two bytes each: 8 bytes fit, the fifth character does not
        assertThat(problem(new Item("a", 1, "üüüü", null, null))).isNull();
        assertThat(problem(new Item("a", 1, "üüüüx", null, null))).contains("9 bytes");
    }

    @Test
    void rejectsNaNAndInfinity() {
        assertThat(problem(new Item("a", 1, null, Double.NaN, null))).contains("amount");
        assertThat(problem(new Item("a", 1, null, Double.POSITIVE_INFINITY, null))).contains("amount");
    }

    @Test
    void rejectsAValueOfTheWrongJavaType() {
        Object[] row = TestTables.VERSIONED.rowOf(new Item("a", 1, null, null, null));
        row[1] = "not a number";
        assertThat(RowValidator.problemWith(TestTables.VERSIONED, row)).contains("version").contains("String");
    }

    @Test
    void rejectsARowOfTheWrongWidth() {
        assertThat(RowValidator.problemWith(TestTables.VERSIONED, new Object[] {"a"})).contains("1 values");
    }

    @Test
    void aDeleteIsCheckedOnItsKeyAndVersionOnly() {
        Object[] customerGone = WarehouseTables.CUSTOMER_CHANGES.rowOf(dev.tributary.events.CustomerChange.newBuilder()
                .setCustomerId("c-1").setOp(dev.tributary.events.ChangeOp.DELETE).setPosition(9)
                .setUpdatedAt(java.time.Instant.EPOCH).build());
        assertThat(RowValidator.problemWith(WarehouseTables.CUSTOMER_CHANGES, customerGone)).contains("name");
        assertThat(RowValidator.problemWithDelete(WarehouseTables.CUSTOMER_CHANGES, customerGone)).isNull();
        customerGone[0] = "x".repeat(129);
        assertThat(RowValidator.problemWithDelete(WarehouseTables.CUSTOMER_CHANGES, customerGone)).contains("customer_id");
    }
}
