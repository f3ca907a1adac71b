package dev.tributary.sinks.redshift;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.SQLRecoverableException;

/** How the sink reacts to a failed statement, decided from the SQLSTATE (PostgreSQL's codes; Redshift shares them). */
public enum SqlFailure {
    /** The connection or the server failed, or a concurrent transaction interfered: reconnect and retry. */
    TRANSIENT,
    /** The rows were rejected (a value the column cannot hold): find the bad rows and dead-letter them. */
    DATA,
    /** The sink or the schema is wrong (no table, no permission, bad SQL): retrying cannot help. */
    FATAL;

    public static SqlFailure classify(SQLException e) {
        String state = sqlState(e);
        if (state == null) {
            return e instanceof SQLTransientException || e instanceof SQLRecoverableException || hasIoCause(e)
                    ? TRANSIENT : FATAL;
        }
        if (state.startsWith("08") // connection exception
                || state.startsWith("53") // insufficient resources (e.g. too many connections)
                || state.startsWith("57") // operator intervention: admin shutdown, crash shutdown, starting up
                || state.equals("40001") // serialization failure
                || state.equals("40P01") // deadlock
                || state.equals("55P03") // lock not available
                || state.equals("23505") // unique violation: two writers inserted the same new key at once
                || state.equals("XX000") && hasIoCause(e)) {
            return TRANSIENT;
        }
        if (state.startsWith("22") // data exception: bad encoding (0x00), too long, out of range, bad format
                || state.equals("23502") // NOT NULL violation
                || state.equals("23514") // check violation
                || state.equals("54000")) { // program limit exceeded (e.g. a row too big)
            return DATA;
        }
        return FATAL;
    }

    private static String sqlState(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (x.getSQLState() != null) {
                return x.getSQLState();
            }
        }
        return null;
    }

    private static boolean hasIoCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
