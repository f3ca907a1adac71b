package dev.tributary.sinks.redshift;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.sql.SQLException;

class SqlFailureTest {

    private static SqlFailure of(String state) {
        return SqlFailure.classify(new SQLException("x", state));
    }

    @Test
    void connectionAndServerStateFailuresAreTransient() {
        assertThat(of("08006")).isEqualTo(SqlFailure.TRANSIENT); // connection failure
        assertThat(of("08001")).isEqualTo(SqlFailure.TRANSIENT); // cannot connect
        assertThat(of("57P01")).isEqualTo(SqlFailure.TRANSIENT); // admin shutdown (restart)
        assertThat(of("57P03")).isEqualTo(SqlFailure.TRANSIENT); // starting up
        assertThat(of("40001")).isEqualTo(SqlFailure.TRANSIENT);
        assertThat(of("23505")).isEqualTo(SqlFailure.TRANSIENT);
        assertThat(SqlFailure.classify(new SQLException("io", null, new EOFException()))).isEqualTo(SqlFailure.TRANSIENT);
    }

    @Test
    void rejectedValuesAreDataFailures() {
        assertThat(of("22021")).isEqualTo(SqlFailure.DATA); // invalid byte sequence for encoding "UTF8": 0x00
        assertThat(of("22001")).isEqualTo(SqlFailure.DATA); // value too long
        assertThat(of("22003")).isEqualTo(SqlFailure.DATA); // numeric out of range
        assertThat(of("23502")).isEqualTo(SqlFailure.DATA); // not null violation
    }

    @Test
    void schemaAndPermissionErrorsAreFatal() {
        assertThat(of("42P01")).isEqualTo(SqlFailure.FATAL); // undefined table
        assertThat(of("42501")).isEqualTo(SqlFailure.FATAL); // insufficient privilege
        assertThat(of("28P01")).isEqualTo(SqlFailure.FATAL); // bad password
        assertThat(SqlFailure.classify(new SQLException("no state"))).isEqualTo(SqlFailure.FATAL);
    }
}
