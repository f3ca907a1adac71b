package dev.tributary.sinks.search;

import dev.tributary.events.CatalogEntry;
import dev.tributary.events.CatalogOperation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Catalog entries as documents of the {@code catalog} index (template {@code search/templates/catalog.json}):
 * {@code _id} = container/objectKey and the entry's version as external version, so a replay overwrites.
 */
public final class CatalogDocuments {

    public static final String INDEX = "catalog";
    private static final ObjectMapper JSON = new ObjectMapper();

    private CatalogDocuments() {}

    public static SearchAction toAction(CatalogEntry e) {
        return toAction(INDEX, e);
    }

    /** The same document in another index of the template's pattern ({@code catalog*}), e.g. one per test run. */
    public static SearchAction toAction(String index, CatalogEntry e) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("objectId", e.getContainer() + "/" + e.getObjectKey());
        doc.put("container", e.getContainer());
        doc.put("key", e.getObjectKey());
        doc.put("zone", e.getObjectKey().startsWith("edges/") ? "edge-outbox" : "raw");
        doc.put("flow", e.getAttributes().getOrDefault("flow", ""));
        doc.put("contentType", e.getContentType());
        doc.put("owner", e.getOwner());
        doc.put("originalName", e.getOriginalName());
        if (e.getSizeBytes() != null) {
            doc.put("sizeBytes", e.getSizeBytes());
        }
        doc.put("sha256", e.getSha256());
        doc.put("createdAt", e.getCreatedAt().toEpochMilli());
        doc.put("modifiedAt", e.getModifiedAt().toEpochMilli());
        ArrayNode ops = doc.putArray("operations");
        for (CatalogOperation op : e.getOperations()) {
            ObjectNode o = ops.addObject();
            o.put("operation", op.getName());
            o.put("succeeded", op.getSucceeded());
            o.put("at", op.getAt().toEpochMilli());
            o.put("detail", op.getReason() == null ? op.getJob() + "/" + op.getOperator() : op.getReason());
        }
        // what the lake door's uploader said about the file, searchable (the attributes are kept, not indexed)
        String uploadId = e.getAttributes().get("uploadId");
        if (uploadId != null) {
            doc.put("uploadId", uploadId);
        }
        String tags = e.getAttributes().get("tags");
        if (tags != null && !tags.isEmpty()) {
            ArrayNode tagArray = doc.putArray("tags");
            for (String tag : tags.split(",")) {
                tagArray.add(tag);
            }
        }
        String description = e.getAttributes().get("description");
        if (description != null) {
            doc.put("description", description);
        }
        ObjectNode attributes = doc.putObject("attributes");
        e.getAttributes().forEach(attributes::put);
        doc.put("version", e.getVersion());
        return SearchAction.index(index, e.getContainer() + "/" + e.getObjectKey(), e.getVersion(), doc.toString());
    }
}
