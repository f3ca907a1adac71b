package dev.tributary.sinks.search;

/** What the writer does with one document after the server answered for it. */
public enum ItemOutcome {
    /** Written (or, for a delete, already absent). */
    DONE,
    /** The stored document has a newer (or, with {@code external}, the same) version: a stale write, counted and dropped. */
    VERSION_CONFLICT,
    /** The server was overloaded or unavailable for this item (429, 5xx, rejected execution): send it again. */
    RETRY,
    /** The server refused the document itself (mapping or parse error): it goes to the dead letters. */
    REJECTED;

    /** Classifies one item of a bulk response by its status and error type. */
    public static ItemOutcome classify(String op, int status, String errorType) {
        if (status >= 200 && status < 300) {
            return DONE;
        }
        if (status == 404 && "delete".equals(op) && errorType == null) {
            return DONE;
        }
        if (status == 409 || "version_conflict_engine_exception".equals(errorType)) {
            return VERSION_CONFLICT;
        }
        if (status == 429 || status >= 500 || isRejectedExecution(errorType)) {
            return RETRY;
        }
        return REJECTED;
    }

    private static boolean isRejectedExecution(String errorType) {
        return "es_rejected_execution_exception".equals(errorType)
                || "rejected_execution_exception".equals(errorType)
                || "opensearch_rejected_execution_exception".equals(errorType)
                || "circuit_breaking_exception".equals(errorType);
    }
}
