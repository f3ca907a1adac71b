package dev.tributary.query;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Assets by state ({@code /assets}): how many assets are in each state, and the most recently changed assets
 * (optionally of one state), from the warehouse's {@code asset_status}. An asset's state is its latest transition.
 */
final class AssetStatesEndpoint implements Endpoint {

    static final Set<String> STATES = Set.of("ANNOUNCED", "STORED", "FAILED", "BROADCAST", "REQUESTED", "DELIVERED",
            "EXPIRED");
    // one row per asset: its latest transition (ties at the same millisecond: the later id, as stored)
    private static final String LATEST = """
            WITH latest AS (
                SELECT asset_id, state, at, edge_id, reason, object_key, content_type, size_bytes,
                       row_number() OVER (PARTITION BY asset_id ORDER BY at DESC, status_id DESC) AS rn
                FROM asset_status)
            """;
    private static final String COUNTS = LATEST + """
            SELECT state, COUNT(*) AS assets FROM latest WHERE rn = 1 GROUP BY state ORDER BY assets DESC, state""";
    private static final String RECENT = LATEST + """
            SELECT asset_id AS "assetId", state, at, edge_id AS "edgeId", reason, object_key AS "objectKey",
                   content_type AS "contentType", size_bytes AS "sizeBytes"
            FROM latest WHERE rn = 1 AND (CAST(? AS varchar) IS NULL OR state = ?)
            ORDER BY at DESC, asset_id LIMIT ? OFFSET ?""";

    private final Warehouse warehouse;

    AssetStatesEndpoint(Warehouse warehouse) {
        this.warehouse = warehouse;
    }

    @Override
    public Object get(String rest, String rawQuery) {
        QueryParams params = QueryParams.parse(rawQuery, Set.of("state", "limit", "offset"));
        String state = params.optionalChoice("state", STATES);
        int limit = params.limit();
        int offset = params.offset();
        List<Map<String, Object>> rows = warehouse.query(RECENT, state, state, limit + 1, offset);
        Map<String, Object> answer = new LinkedHashMap<>();
        Map<String, Object> counts = new LinkedHashMap<>();
        warehouse.query(COUNTS).forEach(row -> counts.put((String) row.get("state"), row.get("assets")));
        answer.put("byState", counts);
        answer.put("state", state);
        return Page.of(answer, rows, limit, offset, "assets");
    }
}
