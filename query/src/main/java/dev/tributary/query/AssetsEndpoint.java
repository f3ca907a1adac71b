package dev.tributary.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An asset's catalog entries and the lifecycle they record, from the warehouse table {@code catalog_entries}: the
 * assets flow writes one entry when the asset is stored (operation STORE) and one per edge copy (COPY_TO_EDGE,
 * succeeded or failed), each carrying the asset id in its attributes; and every transition of its lifecycle,
 * those that create no object too (ANNOUNCED, FAILED downloads, REQUESTED), from {@code asset_status}. The collection
 * itself ({@code /assets}) is {@link AssetStatesEndpoint}.
 */
final class AssetsEndpoint implements Endpoint {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final char LIKE_ESCAPE = '!';
    // LIKE narrows the scan portably (Redshift and PostgreSQL); the parsed attributes decide exactly below
    private static final String ENTRIES = """
            SELECT object_key, container, content_type, owner, original_name, size_bytes, sha256,
                   created_at, modified_at, version, operations_json, attributes_json
            FROM catalog_entries
            WHERE attributes_json LIKE ? ESCAPE '!'
            ORDER BY created_at, object_key""";
    private static final String TRANSITIONS = """
            SELECT state, at, request_id AS "requestId", edge_id AS "edgeId", reason, object_key AS "objectKey"
            FROM asset_status WHERE asset_id = ? ORDER BY at, status_id""";

    private final Warehouse warehouse;
    private final AssetStatesEndpoint states;

    AssetsEndpoint(Warehouse warehouse) {
        this.warehouse = warehouse;
        this.states = new AssetStatesEndpoint(warehouse);
    }

    @Override
    public Object get(String rest, String rawQuery) {
        if (rest.isEmpty()) {
            return states.get(rest, rawQuery);
        }
        QueryParams.parse(rawQuery, Set.of());
        String assetId = QueryParams.entityId("assetId", rest);
        List<Map<String, Object>> entries = new ArrayList<>();
        List<Map<String, Object>> lifecycle = new ArrayList<>();
        for (Map<String, Object> row : warehouse.query(ENTRIES, likePattern(assetId))) {
            JsonNode attributes = parse((String) row.get("attributes_json"));
            if (!assetId.equals(attributes.path("assetId").asText(null))) {
                continue;
            }
            JsonNode operations = parse((String) row.get("operations_json"));
            entries.add(entry(row, attributes, operations));
            for (JsonNode op : operations) {
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("at", op.path("at").asText());
                event.put("operation", op.path("name").asText());
                event.put("succeeded", op.path("succeeded").asBoolean());
                event.put("objectKey", row.get("object_key"));
                event.put("edgeId", attributes.path("edgeId").asText(null));
                event.put("reason", op.path("reason").isNull() ? null : op.path("reason").asText(null));
                lifecycle.add(event);
            }
        }
        List<Map<String, Object>> transitions = warehouse.query(TRANSITIONS, assetId);
        if (entries.isEmpty() && transitions.isEmpty()) {
            throw ApiError.notFound("no asset '" + assetId + "'");
        }
        lifecycle.sort(Comparator.comparing(e -> (String) e.get("at")));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("assetId", assetId);
        answer.put("state", transitions.isEmpty() ? null : transitions.get(transitions.size() - 1).get("state"));
        answer.put("transitions", transitions);
        answer.put("lifecycle", lifecycle);
        answer.put("catalogEntries", entries);
        return answer;
    }

    private static Map<String, Object> entry(Map<String, Object> row, JsonNode attributes, JsonNode operations) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("objectKey", row.get("object_key"));
        e.put("container", row.get("container"));
        e.put("contentType", row.get("content_type"));
        e.put("owner", row.get("owner"));
        e.put("originalName", row.get("original_name"));
        e.put("sizeBytes", row.get("size_bytes"));
        e.put("sha256", row.get("sha256"));
        e.put("createdAt", row.get("created_at"));
        e.put("modifiedAt", row.get("modified_at"));
        e.put("version", row.get("version"));
        e.put("attributes", attributes);
        e.put("operations", operations);
        return e;
    }

    /** {@code %"assetId":"<id as JSON>"%}, with LIKE's wildcards in the id escaped (the sink renders compact JSON). */
    static String likePattern(String assetId) {
        String json;
        try {
            json = JSON.writeValueAsString(assetId);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder p = new StringBuilder("%\"assetId\":");
        for (char c : json.toCharArray()) {
            if (c == '%' || c == '_' || c == LIKE_ESCAPE) {
                p.append(LIKE_ESCAPE);
            }
            p.append(c);
        }
        return p.append('%').toString();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json == null ? "null" : json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("catalog_entries holds invalid JSON", e);
        }
    }
}
