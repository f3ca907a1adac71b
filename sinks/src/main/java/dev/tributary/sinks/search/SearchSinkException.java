package dev.tributary.sinks.search;

/** A failure of the search sink that retrying cannot fix; it fails the job (which restarts from its checkpoint). */
public final class SearchSinkException extends RuntimeException {
    public SearchSinkException(String message) {
        super(message);
    }
}
