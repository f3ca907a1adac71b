package dev.tributary.testing;

import dev.tributary.events.AssetAnnounced;
import dev.tributary.events.AssetRequest;
import dev.tributary.events.Customer;
import dev.tributary.events.HoverboardReading;
import dev.tributary.events.Observation;
import dev.tributary.events.Trip;
import dev.tributary.operators.codec.AvroEventSerializer;
import dev.tributary.operators.codec.Decoded;
import dev.tributary.operators.codec.EventCodec;
import dev.tributary.operators.codec.RawRecord;
import dev.tributary.operators.codec.ValidatorRegistry;

import org.apache.avro.specific.SpecificRecordBase;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Valid sample events for tests, from the JSON fixtures in {@code samples/<RecordName>.json} (operators
 * test resources). All sample times are shortly before {@link #SAMPLE_TIME}; validate them with
 * {@link #validators()} (a clock fixed at that time), so tests keep passing as the years go by.
 *
 * <pre>{@code
 * HoverboardReading r = Samples.hoverboardReading("hb-1", 5);          // a valid reading, seq 5
 * byte[] json = Samples.json(HoverboardReading.class);                  // the fixture's bytes
 * byte[] avro = Samples.avro(r);                                        // single-object encoding
 * RawRecord raw = Samples.raw("telemetry.hoverboard", 12, avro);       // as a Kafka source emits it
 * }</pre>
 */
public final class Samples {

    /** "Now" for the samples; every sample event time is at or before this instant. */
    public static final Instant SAMPLE_TIME = Instant.parse("2026-11-21T12:00:00Z");
    public static final Clock SAMPLE_CLOCK = Clock.fixed(SAMPLE_TIME, ZoneOffset.UTC);

    private Samples() {}

    /** Validators whose clock is fixed at {@link #SAMPLE_TIME}, default bounds. */
    public static ValidatorRegistry validators() {
        return ValidatorRegistry.of(SAMPLE_CLOCK, ValidatorRegistry.DEFAULT_MAX_FUTURE, ValidatorRegistry.DEFAULT_MAX_PAST);
    }

    /** The fixture text of this record type. */
    public static String jsonText(Class<? extends SpecificRecordBase> type) {
        String resource = "/samples/" + type.getSimpleName() + ".json";
        try (InputStream in = Samples.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample fixture " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] json(Class<? extends SpecificRecordBase> type) {
        return jsonText(type).getBytes(StandardCharsets.UTF_8);
    }

    /** The fixture decoded into its record (a fresh instance each call: change it freely). */
    public static <T extends SpecificRecordBase> T record(Class<T> type) {
        Decoded<T> decoded = EventCodec.forType(type).decode(json(type));
        if (decoded instanceof Decoded.Ok<T> ok) {
            return ok.value();
        }
        throw new IllegalStateException("sample fixture of " + type.getSimpleName() + " does not decode: " + decoded);
    }

    /** Avro single-object encoding of any event. */
    public static byte[] avro(SpecificRecordBase record) {
        return AvroEventSerializer.encode(record);
    }

    /** A record as the Kafka source hands it to the decode operator (partition 0, timestamp SAMPLE_TIME, no key). */
    public static RawRecord raw(String topic, long offset, byte[] value) {
        return RawRecord.of(topic, 0, offset, SAMPLE_TIME.toEpochMilli(), null, value);
    }

    /** A valid reading of this device; event time advances one second per seq, ending near SAMPLE_TIME. */
    public static HoverboardReading hoverboardReading(String deviceId, long seq) {
        return HoverboardReading.newBuilder(record(HoverboardReading.class))
                .setDeviceId(deviceId)
                .setSeq(seq)
                .setEventTime(SAMPLE_TIME.minus(Duration.ofHours(1)).plusSeconds(seq % 3600))
                .build();
    }

    public static AssetAnnounced assetAnnounced(String assetId, String url) {
        return AssetAnnounced.newBuilder(record(AssetAnnounced.class)).setAssetId(assetId).setUrl(url).build();
    }

    public static AssetRequest assetRequest(String requestId, String edgeId, String assetId) {
        return AssetRequest.newBuilder(record(AssetRequest.class))
                .setRequestId(requestId).setEdgeId(edgeId).setAssetId(assetId).build();
    }

    public static Customer customer(String customerId, String name) {
        return Customer.newBuilder(record(Customer.class)).setCustomerId(customerId).setName(name).build();
    }

    public static Trip trip(String tripId, String hoverboardId, String customerId) {
        return Trip.newBuilder(record(Trip.class))
                .setTripId(tripId).setHoverboardId(hoverboardId).setCustomerId(customerId).build();
    }

    public static Observation observation(String occurrenceId, String source, String kingdom, String species, Instant eventTime) {
        return Observation.newBuilder(record(Observation.class))
                .setOccurrenceId(occurrenceId).setSource(source).setKingdom(kingdom)
                .setSpecies(species).setScientificName(species).setEventTime(eventTime).build();
    }
}
