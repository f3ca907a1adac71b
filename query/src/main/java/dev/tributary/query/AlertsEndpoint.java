package dev.tributary.query;

import java.util.LinkedHashMap;
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
        Endpoint.requireNoSubresource(rest, "/alerts"); // one device's alerts: /devices/<id>
        QueryParams params = QueryParams.parse(rawQuery, Set.of("severity", "kind", "limit", "offset"));
        String severity = params.optionalChoice("severity", SEVERITIES);
        String kind = params.optionalCode("kind", "LOW_BATTERY");
        int limit = params.limit();
        int offset = params.offset();
        List<Map<String, Object>> alerts = warehouse.query(RECENT, severity, severity, kind, kind, limit + 1, offset);
        return Page.of(new LinkedHashMap<>(), alerts, limit, offset, "alerts");
    }
}
