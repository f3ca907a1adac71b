package dev.tributary.operators.assets;

import dev.tributary.events.AssetBroadcast;
import dev.tributary.events.AssetDelivery;
import dev.tributary.events.AssetState;
import dev.tributary.events.CatalogEntry;
import dev.tributary.events.CatalogOperation;
import dev.tributary.events.EdgeCopyResult;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Catalog entries (the lake's metadata zone) for the objects the assets flow writes: one per stored blob
 * (operation STORE) and one per edge copy (COPY_TO_EDGE, succeeded or not). Each entry records one operation, so
 * its version is 1 and a replay rewrites the same entry; accumulating operations per object is the lake flow's job.
 */
public final class CatalogEntries {

    public static final String JOB = "tributary";
    public static final String OWNER_FLOW = "assets";

    private CatalogEntries() {}

    public static CatalogEntry stored(AssetBroadcast b, String container, String operatorUid) {
        Instant at = b.getStoredAt();
        return CatalogEntry.newBuilder().setObjectKey(b.getObjectKey()).setContainer(container)
                .setContentType(b.getContentType()).setOwner(b.getSource()).setOriginalName(b.getTitle())
                .setSizeBytes(b.getSizeBytes()).setSha256(b.getSha256()).setCreatedAt(at).setModifiedAt(at).setVersion(1)
                .setOperations(List.of(operation("STORE", at, operatorUid, true, null)))
                .setAttributes(Map.of("flow", OWNER_FLOW, "assetId", b.getAssetId(), "assetVersion", Long.toString(b.getVersion()),
                        "mediaType", b.getMediaType()))
                .build();
    }

    /** The entry of an edge copy's target object, succeeded or failed. */
    public static CatalogEntry copied(EdgeCopyResult r, String container, String operatorUid) {
        AssetDelivery d = r.getDelivery();
        String targetKey = r.getCopy().getTargetKey();
        String contentType = r.getCopy().getContentType();
        String owner = r.getCopy().getAssetSource();
        boolean ok = d.getState() == AssetState.DELIVERED;
        return CatalogEntry.newBuilder().setObjectKey(targetKey).setContainer(container).setContentType(contentType)
                .setOwner(owner).setOriginalName(targetKey.substring(targetKey.lastIndexOf('/') + 1))
                .setSizeBytes(ok ? d.getSizeBytes() : null).setSha256(ok ? d.getSha256() : null)
                .setCreatedAt(d.getAt()).setModifiedAt(d.getAt()).setVersion(1)
                .setOperations(List.of(operation("COPY_TO_EDGE", d.getAt(), operatorUid, ok, d.getReason())))
                .setAttributes(Map.of("flow", OWNER_FLOW, "assetId", d.getAssetId(), "edgeId", d.getEdgeId(),
                        "requestId", d.getRequestId()))
                .build();
    }

    private static CatalogOperation operation(String name, Instant at, String operatorUid, boolean ok, String reason) {
        return CatalogOperation.newBuilder().setName(name).setAt(at).setJob(JOB).setOperator(operatorUid)
                .setSucceeded(ok).setReason(reason).build();
    }
}
