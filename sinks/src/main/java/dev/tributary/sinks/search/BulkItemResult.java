package dev.tributary.sinks.search;

/**
 * The server's answer for one document of a bulk request, in request order.
 *
 * @param reason the server's error type and reason (with its first cause), or null when the item succeeded
 */
public record BulkItemResult(String op, String id, int status, String errorType, String reason, ItemOutcome outcome) {

    public static BulkItemResult of(String op, String id, int status, String errorType, String reason) {
        return new BulkItemResult(op, id, status, errorType, reason, ItemOutcome.classify(op, status, errorType));
    }
}
