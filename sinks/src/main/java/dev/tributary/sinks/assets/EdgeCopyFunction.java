package dev.tributary.sinks.assets;

import dev.tributary.events.AssetDelivery;
import dev.tributary.events.AssetState;
import dev.tributary.events.EdgeCopy;
import dev.tributary.events.EdgeCopyResult;
import dev.tributary.sinks.objectstore.ObjectStore;
import dev.tributary.sinks.objectstore.ObjectStoreConfig;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * Answers a request for a stored asset: a server-side copy of the blob into the edge's outbox, then an
 * {@link AssetDelivery} (DELIVERED, or FAILED with the store's reason), paired with its copy for the catalog. The copy overwrites the same target with
 * the same bytes, so a replay after a restore is harmless.
 */
public final class EdgeCopyFunction extends RichAsyncFunction<EdgeCopy, EdgeCopyResult> {

    private static final long serialVersionUID = 1L;

    private final ObjectStoreConfig store;
    private transient ObjectStore objectStore;
    private transient Counter copied;
    private transient Counter failed;

    public EdgeCopyFunction(ObjectStoreConfig store) {
        this.store = store;
    }

    @Override
    public void open(OpenContext openContext) {
        objectStore = store.open();
        copied = getRuntimeContext().getMetricGroup().counter("edgeCopies");
        failed = getRuntimeContext().getMetricGroup().counter("edgeCopiesFailed");
    }

    @Override
    public void asyncInvoke(EdgeCopy copy, ResultFuture<EdgeCopyResult> result) {
        objectStore.copy(copy.getSourceKey(), copy.getTargetKey()).whenComplete((info, e) -> {
            if (e == null) {
                copied.inc();
                result.complete(List.of(result(copy, AssetState.DELIVERED, null)));
            } else {
                failed.inc();
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                result.complete(List.of(result(copy, AssetState.FAILED, "COPY_FAILED: " + cause.getMessage())));
            }
        });
    }

    @Override
    public void timeout(EdgeCopy copy, ResultFuture<EdgeCopyResult> result) {
        failed.inc();
        result.complete(List.of(result(copy, AssetState.FAILED, "COPY_FAILED: no answer from the object store in time")));
    }

    static EdgeCopyResult result(EdgeCopy copy, AssetState state, String reason) {
        return EdgeCopyResult.newBuilder().setCopy(copy).setDelivery(delivery(copy, state, reason)).build();
    }

    static AssetDelivery delivery(EdgeCopy copy, AssetState state, String reason) {
        AssetDelivery.Builder d = AssetDelivery.newBuilder().setRequestId(copy.getRequest().getRequestId())
                .setEdgeId(copy.getRequest().getEdgeId()).setAssetId(copy.getRequest().getAssetId())
                .setState(state).setReason(reason).setAt(Instant.now());
        if (state == AssetState.DELIVERED) {
            d.setObjectKey(copy.getTargetKey()).setSha256(copy.getSha256()).setSizeBytes(copy.getSizeBytes());
        }
        return d.build();
    }

    @Override
    public void close() {
        if (objectStore != null) {
            objectStore.close();
        }
    }
}
