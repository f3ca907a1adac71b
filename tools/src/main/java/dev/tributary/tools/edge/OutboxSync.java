package dev.tributary.tools.edge;

import dev.tributary.sinks.objectstore.ObjectStore;
import dev.tributary.sinks.redshift.EdgeAssetStatus;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * {@code bin/edge sync}: for each REQUESTED asset, looks in HQ's object store under the edge's prefix
 * ({@code edges/<edgeId>/assets/<assetId>/}) where HQ's assets flow copies a delivered file; copies what is there
 * and not yet local (verified by the sha256 the broadcast announced: HQ copies the same content-addressed blob)
 * and marks the row DELIVERED. Assets HQ has not delivered yet are left for the next run.
 */
public final class OutboxSync {

    /** Counts of one run. */
    public record Result(int copied, int alreadyLocal, int notDeliveredYet) {}

    private final ObjectStore store;
    private final OutboxCopy copy;
    private final String edgeId;

    public OutboxSync(ObjectStore store, Path outbox, String edgeId) {
        this.store = store;
        this.copy = new OutboxCopy(store, outbox);
        this.edgeId = edgeId;
    }

    public Result run(Connection c) throws Exception {
        int copied = 0;
        int local = 0;
        int waiting = 0;
        for (EdgeCatalog.Row row : EdgeCatalog.requested(c)) {
            List<String> keys = list("edges/" + edgeId + "/assets/" + row.assetId() + "/");
            if (keys.isEmpty()) {
                waiting++;
                continue;
            }
            OutboxCopy.Outcome outcome = copy.copy(row.assetId(), keys.get(0), row.sha256());
            if (outcome == OutboxCopy.Outcome.COPIED) {
                copied++;
            } else {
                local++;
            }
            EdgeCatalog.advance(c, row.assetId(), EdgeAssetStatus.DELIVERED,
                    row.statusRank() / EdgeAssetStatus.ATTEMPT_STRIDE);
        }
        return new Result(copied, local, waiting);
    }

    private List<String> list(String prefix) throws Exception {
        try {
            return store.list(prefix).get();
        } catch (ExecutionException e) {
            throw new Exception("listing " + prefix + " failed", e.getCause());
        }
    }
}
