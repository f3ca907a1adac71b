package dev.tributary.sinks.redshift;

import java.io.Serializable;
import java.sql.Types;

/**
 * The column types the warehouse uses: the common subset of PostgreSQL and Redshift (no SERIAL, no arrays,
 * no JSON types; nested values are stored as JSON text in a VARCHAR).
 *
 * @param kind the SQL type
 * @param length the maximum length of a VARCHAR in bytes of UTF-8 (Redshift counts bytes, PostgreSQL counts
 *     characters; validating bytes keeps rows loadable into both); 0 for the other kinds
 */
public record SqlType(Kind kind, int length) implements Serializable {

    /** Redshift's largest VARCHAR. */
    public static final int MAX_VARCHAR = 65535;

    public enum Kind { VARCHAR, BIGINT, INTEGER, DOUBLE_PRECISION, BOOLEAN, TIMESTAMP }

    public SqlType {
        if (kind == Kind.VARCHAR && (length < 1 || length > MAX_VARCHAR)) {
            throw new IllegalArgumentException("VARCHAR length must be 1.." + MAX_VARCHAR + ", was " + length);
        }
        if (kind != Kind.VARCHAR && length != 0) {
            throw new IllegalArgumentException(kind + " takes no length");
        }
    }

    public static SqlType varchar(int length) {
        return new SqlType(Kind.VARCHAR, length);
    }

    public static SqlType bigint() {
        return new SqlType(Kind.BIGINT, 0);
    }

    public static SqlType integer() {
        return new SqlType(Kind.INTEGER, 0);
    }

    public static SqlType doublePrecision() {
        return new SqlType(Kind.DOUBLE_PRECISION, 0);
    }

    public static SqlType bool() {
        return new SqlType(Kind.BOOLEAN, 0);
    }

    /** TIMESTAMP without time zone; values are {@link java.time.Instant}s written as UTC wall-clock time. */
    public static SqlType timestamp() {
        return new SqlType(Kind.TIMESTAMP, 0);
    }

    /** The type as written in DDL. */
    public String ddl() {
        return switch (kind) {
            case VARCHAR -> "VARCHAR(" + length + ")";
            case BIGINT -> "BIGINT";
            case INTEGER -> "INTEGER";
            case DOUBLE_PRECISION -> "DOUBLE PRECISION";
            case BOOLEAN -> "BOOLEAN";
            case TIMESTAMP -> "TIMESTAMP";
        };
    }

    /** The {@link Types} code used to bind a NULL of this type. */
    public int jdbcType() {
        return switch (kind) {
            case VARCHAR -> Types.VARCHAR;
            case BIGINT -> Types.BIGINT;
            case INTEGER -> Types.INTEGER;
            case DOUBLE_PRECISION -> Types.DOUBLE;
            case BOOLEAN -> Types.BOOLEAN;
            case TIMESTAMP -> Types.TIMESTAMP;
        };
    }

    /** The Java class a row value of this type must have (null aside). */
    public Class<?> javaType() {
        return switch (kind) {
            case VARCHAR -> String.class;
            case BIGINT -> Long.class;
            case INTEGER -> Integer.class;
            case DOUBLE_PRECISION -> Double.class;
            case BOOLEAN -> Boolean.class;
            case TIMESTAMP -> java.time.Instant.class;
        };
    }
}
