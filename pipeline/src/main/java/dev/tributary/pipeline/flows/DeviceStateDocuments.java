package dev.tributary.pipeline.flows;

import dev.tributary.events.HoverboardReading;
import dev.tributary.sinks.search.DocumentMapper;
import dev.tributary.sinks.search.SearchAction;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * A reading as the latest-state document of its device (template {@code devices}): the document id is the
 * device id and the external version is the reading's seq, so the index keeps the reading with the highest seq
 * whatever order replays or parallel writers deliver them in.
 */
public final class DeviceStateDocuments implements DocumentMapper<HoverboardReading> {

    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String index;

    public DeviceStateDocuments(String index) {
        this.index = index;
    }

    @Override
    public SearchAction toAction(HoverboardReading reading) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("deviceId", reading.getDeviceId());
        doc.put("deviceType", "hoverboard");
        doc.put("sequence", reading.getSeq());
        doc.put("status", reading.getErrorCode() == null ? "OK" : "ERROR");
        doc.put("batteryPercent", reading.getBatteryPct());
        doc.put("temperatureCelsius", reading.getTemperatureC());
        doc.put("speedKmh", reading.getSpeedKmh());
        if (reading.getLatitude() != null && reading.getLongitude() != null) {
            doc.putObject("location").put("lat", reading.getLatitude()).put("lon", reading.getLongitude());
        }
        if (reading.getErrorCode() != null) {
            doc.putArray("alerts").add(reading.getErrorCode());
        }
        doc.put("lastSeen", reading.getEventTime().toString());
        // when the job wrote it: tells a stale dashboard (job stopped) from a silent device
        doc.put("updatedAt", Instant.now().toString());
        try {
            return SearchAction.index(index, reading.getDeviceId(), reading.getSeq(), JSON.writeValueAsBytes(doc));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot render the device document of " + reading.getDeviceId(), e);
        }
    }
}
