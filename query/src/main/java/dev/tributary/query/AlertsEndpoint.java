package dev.tributary.query;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The most recent device alerts across all devices (warehouse {@code alerts}, newest event time first), optionally of
 * one severity or kind: what an operator on call looks at first, and the HQ console's alert list.
 */
final class AlertsEndpoint implements Endpoint {

    static final Set<String> SEVERITIES = Set.of("INFO", "WARNING", "CRITICAL");
    private static final String RECENT = """
            SELECT alert_id AS "alertId", device_id AS "deviceId", kind, severity, message, event_time AS "eventTime",
                   reading_seq AS "readingSeq"
            FROM alerts
            WHERE (CAST(? AS varchar) IS NULL OR severity = ?) AND (CAST(? AS varchar) IS NULL OR kind = ?)
            ORDER BY event_time DESC, alert_id LIMIT ? OFFSET ?""";

    private final Warehouse warehouse;

    AlertsEndpoint(Warehouse warehouse) {
        this.warehouse = warehouse;
    }

    @Override
    public Object get(String rest, String rawQuery) {
        if (!rest.isEmpty()) {
            throw ApiError.notFound("no such resource: /alerts/" + rest + " (alerts of one device: /devices/<id>)");
        }
        QueryParams params = QueryParams.parse(rawQuery, Set.of("severity", "kind", "limit", "offset"));
        String severity = params.optional("severity") == null ? null : params.choice("severity", SEVERITIES);
        String kind = params.optional("kind");
        if (kind != null && !kind.matches("[A-Z_]{1,64}")) {
            throw ApiError.badRequest("kind", "must be an alert kind such as LOW_BATTERY");
        }
        int limit = params.limit();
        int offset = params.offset();
        List<Map<String, Object>> alerts = warehouse.query(RECENT, severity, severity, kind, kind, limit, offset);
        return Map.of("alerts", alerts, "limit", limit, "offset", offset);
    }
}
