package dev.tributary.query;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The latest state of a device: its document in the devices index (the telemetry flow keeps one per device, the
 * reading with the latest event time wins), its newest reading in the warehouse and its most recent alerts.
 * "Newest" is by event time, not seq: a device that rebooted counts from 0 again, and a reading with an absurd seq
 * is stored in the warehouse too.
 */
final class DevicesEndpoint implements Endpoint {

    private static final int RECENT_ALERTS = 10;
    private static final String LATEST_READING = """
            SELECT seq, event_time AS "eventTime", battery_pct AS "batteryPercent", temperature_c AS "temperatureCelsius",
                   speed_kmh AS "speedKmh", latitude, longitude, error_code AS "errorCode"
            FROM readings WHERE device_id = ? ORDER BY event_time DESC, seq DESC LIMIT 1""";
    private static final String RECENT_ALERTS_SQL = """
            SELECT alert_id AS "alertId", kind, severity, message, event_time AS "eventTime", reading_seq AS "readingSeq"
            FROM alerts WHERE device_id = ? ORDER BY event_time DESC, alert_id LIMIT ?""";

    private final Warehouse warehouse;
    private final SearchIndex search;
    private final String devicesIndex;

    DevicesEndpoint(Warehouse warehouse, SearchIndex search, String devicesIndex) {
        this.warehouse = warehouse;
        this.search = search;
        this.devicesIndex = devicesIndex;
    }

    @Override
    public Object get(String rest, String rawQuery) {
        QueryParams.parse(rawQuery, Set.of());
        String deviceId = QueryParams.entityId("deviceId", rest);
        Object state = search.source(devicesIndex, deviceId).orElse(null);
        List<Map<String, Object>> reading = warehouse.query(LATEST_READING, deviceId);
        if (state == null && reading.isEmpty()) {
            throw ApiError.notFound("no device '" + deviceId + "'");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("deviceId", deviceId);
        answer.put("state", state);
        answer.put("latestReading", reading.isEmpty() ? null : reading.get(0));
        answer.put("recentAlerts", warehouse.query(RECENT_ALERTS_SQL, deviceId, RECENT_ALERTS));
        return answer;
    }
}
