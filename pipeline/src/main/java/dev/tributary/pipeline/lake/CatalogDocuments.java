package dev.tributary.pipeline.lake;

import dev.tributary.events.CatalogEntry;
import dev.tributary.events.CatalogOperation;
import dev.tributary.sinks.search.DocumentMapper;
import dev.tributary.sinks.search.SearchAction;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A catalog entry as a search document (fields of the {@code catalog} index template): id = object key, external
 * version = number of operations, so a replayed or older entry never overwrites a newer one.
 */
public final class CatalogDocuments implements DocumentMapper<CatalogEntry> {

    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String index;

    public CatalogDocuments(String index) {
        this.index = index;
    }

    @Override
    public SearchAction toAction(CatalogEntry e) {
        return SearchAction.index(index, e.getObjectKey(), e.getVersion(), json(e));
    }

    static byte[] json(CatalogEntry e) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("objectId", e.getObjectKey());
        doc.put("key", e.getObjectKey());
        doc.put("container", e.getContainer());
        doc.put("zone", e.getAttributes().getOrDefault("zone", null));
        doc.put("flow", e.getOwner());
        doc.put("owner", e.getOwner());
        doc.put("contentType", e.getContentType());
        doc.put("originalName", e.getOriginalName());
        doc.put("sizeBytes", e.getSizeBytes());
        doc.put("sha256", e.getSha256());
        doc.put("createdAt", e.getCreatedAt().toEpochMilli());
        doc.put("modifiedAt", e.getModifiedAt().toEpochMilli());
        List<Map<String, Object>> operations = new ArrayList<>();
        for (CatalogOperation op : e.getOperations()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("operation", op.getName());
            o.put("succeeded", op.getSucceeded());
            o.put("at", op.getAt().toEpochMilli());
            o.put("detail", op.getReason() == null ? op.getJob() + "/" + op.getOperator()
                    : op.getJob() + "/" + op.getOperator() + ": " + op.getReason());
            operations.add(o);
        }
        doc.put("operations", operations);
        doc.put("attributes", e.getAttributes());
        doc.put("version", e.getVersion());
        try {
            return JSON.writeValueAsBytes(doc);
        } catch (JsonProcessingException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
