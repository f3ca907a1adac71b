package dev.tributary.pipeline.flows;

import dev.tributary.events.HoverboardReading;
import dev.tributary.sinks.search.DocumentMapper;
import dev.tributary.sinks.search.SearchAction;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * A reading as the latest-state document of its device (template {@code devices}): the document id is the
 * device id and the external version is the reading's event time (epoch ms), so the index keeps the latest
 * reading whatever order replays or parallel writers deliver them in.
 *
 * <p>Not the seq: a device that reboots counts from 0 again, and its new readings would lose to the old ones
 * until the seq passed its old value. The orderer releases only readings that belong in the device's sequence
 * (an absurd seq is held back, see SequenceOrderer), and decoding caps event time at the job's clock plus
 * {@code decode.max-clock-ahead}, so no reading can hold the document longer than that. Within a sequence, a
 * reading whose clock went back is stored but does not replace a later one.
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
            return SearchAction.index(index, reading.getDeviceId(), reading.getEventTime().toEpochMilli(),
                    JSON.writeValueAsBytes(doc));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot render the device document of " + reading.getDeviceId(), e);
        }
    }
}
