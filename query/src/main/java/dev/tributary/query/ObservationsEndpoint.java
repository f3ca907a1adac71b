package dev.tributary.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Observation counts from the warehouse table {@code observation_counts} (one row per window, dimension and value):
 * totals per kingdom, species or source over a time range, the latest windows, and one window by id.
 */
final class ObservationsEndpoint implements Endpoint {

    static final String COUNTS = "counts";
    static final String WINDOWS = "windows";
    private static final Set<String> DIMENSIONS = new LinkedHashSet<>(List.of("kingdom", "species", "source"));
    private static final Instant EARLIEST = Instant.EPOCH;
    private static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

    private static final String TOTALS = """
            SELECT dimension_value AS value, SUM(observation_count) AS observations, COUNT(*) AS windows
            FROM observation_counts
            WHERE dimension = ? AND window_start >= ? AND window_end <= ?
            GROUP BY dimension_value
            ORDER BY observations DESC, value
            LIMIT ? OFFSET ?""";
    // every observation is counted once per dimension, so the 'source' rows sum to the window's total
    private static final String LATEST_WINDOWS = """
            SELECT window_id AS "windowId", MIN(window_start) AS "windowStart", MIN(window_end) AS "windowEnd",
                   SUM(CASE WHEN dimension = 'source' THEN observation_count ELSE 0 END) AS observations
            FROM observation_counts
            WHERE window_start >= ? AND window_end <= ?
            GROUP BY window_id
            ORDER BY "windowStart" DESC, "windowId"
            LIMIT ? OFFSET ?""";
    private static final String ONE_WINDOW = """
            SELECT window_start, window_end, dimension, dimension_value, observation_count
            FROM observation_counts
            WHERE window_id = ?
            ORDER BY dimension, observation_count DESC, dimension_value""";

    private final Warehouse warehouse;

    ObservationsEndpoint(Warehouse warehouse) {
        this.warehouse = warehouse;
    }

    @Override
    public Object get(String rest, String rawQuery) {
        if (rest.equals(COUNTS)) {
            return totals(QueryParams.parse(rawQuery, Set.of("by", "from", "to", "limit", "offset")));
        }
        if (rest.equals(WINDOWS)) {
            QueryParams params = QueryParams.parse(rawQuery, Set.of("id", "from", "to", "limit", "offset"));
            String id = params.optional("id");
            return id == null ? latestWindows(params) : window(QueryParams.windowId("id", id));
        }
        if (rest.startsWith(WINDOWS + "/")) {
            QueryParams.parse(rawQuery, Set.of());
            return window(QueryParams.windowId("windowId", rest.substring(WINDOWS.length() + 1)));
        }
        throw ApiError.notFound("no such resource: /observations/" + rest
                + " (try /observations/counts?by=kingdom or /observations/windows)");
    }

    private Map<String, Object> totals(QueryParams params) {
        String by = params.choice("by", DIMENSIONS);
        Range range = Range.of(params);
        int limit = params.limit();
        int offset = params.offset();
        List<Map<String, Object>> rows = warehouse.query(TOTALS, by, range.from, range.to, limit + 1, offset);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("by", by);
        range.describe(answer);
        return Page.of(answer, rows, limit, offset, "counts");
    }

    private Map<String, Object> latestWindows(QueryParams params) {
        Range range = Range.of(params);
        int limit = params.limit();
        int offset = params.offset();
        List<Map<String, Object>> rows = warehouse.query(LATEST_WINDOWS, range.from, range.to, limit + 1, offset);
        Map<String, Object> answer = new LinkedHashMap<>();
        range.describe(answer);
        return Page.of(answer, rows, limit, offset, "windows");
    }

    private Map<String, Object> window(String windowId) {
        List<Map<String, Object>> rows = warehouse.query(ONE_WINDOW, windowId);
        if (rows.isEmpty()) {
            throw ApiError.notFound("no counts for window '" + windowId + "'");
        }
        Map<String, Object> counts = new LinkedHashMap<>();
        for (String d : DIMENSIONS) {
            counts.put(d, new ArrayList<Map<String, Object>>());
        }
        for (Map<String, Object> row : rows) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> list = (List<Map<String, Object>>) counts.computeIfAbsent(
                    (String) row.get("dimension"), d -> new ArrayList<Map<String, Object>>());
            list.add(Map.of("value", row.get("dimension_value"), "count", row.get("observation_count")));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("windowId", windowId);
        answer.put("windowStart", rows.get(0).get("window_start"));
        answer.put("windowEnd", rows.get(0).get("window_end"));
        answer.put("counts", counts);
        return answer;
    }

    /** {@code from}/{@code to}: windows that start at or after {@code from} and end at or before {@code to}. */
    private record Range(Instant from, Instant to, boolean fromGiven, boolean toGiven) {
        static Range of(QueryParams params) {
            Instant from = params.instant("from", null);
            Instant to = params.instant("to", null);
            if (from != null && to != null && !from.isBefore(to)) {
                throw ApiError.badRequest("to", "must be after 'from'");
            }
            return new Range(from == null ? EARLIEST : from, to == null ? LATEST : to, from != null, to != null);
        }

        void describe(Map<String, Object> answer) {
            answer.put("from", fromGiven ? from.toString() : null);
            answer.put("to", toGiven ? to.toString() : null);
        }
    }
}
