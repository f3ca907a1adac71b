package dev.tributary.sinks.redshift;

import java.util.List;

/**
 * Isolates the rows a database rejects: if a batch fails with a data error, it is split in halves and each
 * half is tried on its own, down to single rows. Good rows are written in the sub-batches that succeed; each
 * row that fails alone is handed to the rejecter with the database's message. Writes must be idempotent
 * (the sink's MERGE is), because a row can be part of several attempts.
 */
public final class Bisector {

    private Bisector() {}

    /** Writes a batch in one transaction; throws {@link RowsRejected} if the database refuses its data. */
    @FunctionalInterface
    public interface Attempt<R> {
        void write(List<R> rows) throws Exception;
    }

    @FunctionalInterface
    public interface Rejecter<R> {
        void reject(R row, String reason) throws Exception;
    }

    /** The database refused the batch's data (not the connection): some row in it is bad. */
    public static final class RowsRejected extends Exception {
        public RowsRejected(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Writes all rows that can be written and rejects the others; returns the number of attempts made. */
    public static <R> int writeIsolatingRejects(List<R> rows, Attempt<R> attempt, Rejecter<R> rejecter)
            throws Exception {
        if (rows.isEmpty()) {
            return 0;
        }
        try {
            attempt.write(rows);
            return 1;
        } catch (RowsRejected e) {
            if (rows.size() == 1) {
                rejecter.reject(rows.get(0), e.getMessage());
                return 1;
            }
            int mid = rows.size() / 2;
            return 1 + writeIsolatingRejects(rows.subList(0, mid), attempt, rejecter)
                    + writeIsolatingRejects(rows.subList(mid, rows.size()), attempt, rejecter);
        }
    }
}
