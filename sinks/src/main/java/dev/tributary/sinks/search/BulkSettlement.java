package dev.tributary.sinks.search;

import java.util.ArrayList;
import java.util.List;

/**
 * How one bulk response settles the documents of its request: which are done, which were stale (version
 * conflict), which to send again (only those: the written ones are never resent), which to dead-letter.
 */
record BulkSettlement(int done, int versionConflicts, List<SearchRequestEntry> retry, List<Rejected> rejected) {

    /** A refused document with the server's reason. */
    record Rejected(SearchRequestEntry entry, String reason) {}

    /**
     * @param items the response items, in request order (the bulk API answers in request order)
     * @param nowMillis stamps the first failure of each document to retry (its retry clock)
     */
    static BulkSettlement of(List<SearchRequestEntry> entries, List<BulkItemResult> items, long nowMillis) {
        if (items.size() != entries.size()) {
            throw new SearchSinkException("bulk response has " + items.size() + " items for " + entries.size() + " documents");
        }
        int done = 0;
        int conflicts = 0;
        List<SearchRequestEntry> retry = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            BulkItemResult item = items.get(i);
            SearchRequestEntry entry = entries.get(i);
            switch (item.outcome()) {
                case DONE -> done++;
                case VERSION_CONFLICT -> conflicts++;
                case RETRY -> {
                    entry.recordFailure(nowMillis);
                    retry.add(entry);
                }
                case REJECTED -> rejected.add(new Rejected(entry, "HTTP " + item.status() + ": " + item.reason()));
            }
        }
        return new BulkSettlement(done, conflicts, retry, rejected);
    }
}
