package dev.tributary.sinks.search;

/**
 * How the server compares a document's external version with the stored one.
 *
 * <p>{@link #EXTERNAL_GTE} accepts a version equal to the stored one, so a replay of the same record is a
 * harmless rewrite; {@link #EXTERNAL} answers it with a version conflict (counted, not retried).
 */
public enum VersionType {
    EXTERNAL("external"),
    EXTERNAL_GTE("external_gte");

    private final String wireName;

    VersionType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
