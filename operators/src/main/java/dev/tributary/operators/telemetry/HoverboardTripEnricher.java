package dev.tributary.operators.telemetry;

import dev.tributary.events.HoverboardReading;
import dev.tributary.events.LastReading;
import dev.tributary.events.Trip;

import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * Fills {@code lastBatteryPct} and {@code lastReadingSeq} of trips keyed by {@code hoverboardId}, from the
 * device's readings keyed by {@code deviceId} (the ordered output of {@link SequenceOrderer}). Keeps only what the
 * trip needs of the reading with the highest seq, the same notion of "latest" the orderer uses.
 */
public class HoverboardTripEnricher extends TripEnricher<HoverboardReading, LastReading> {

    private static final long serialVersionUID = 1L;

    public HoverboardTripEnricher(TripEnrichmentConfig config) {
        super(config, "trip-hoverboard", new AvroTypeInfo<>(LastReading.class));
    }

    @Override
    protected LastReading merge(LastReading current, HoverboardReading update) {
        if (current != null && update.getSeq() <= current.getSeq()) {
            return null;
        }
        return new LastReading(update.getSeq(), update.getBatteryPct(), update.getEventTime());
    }

    @Override
    protected Trip enrich(Trip trip, LastReading reading) {
        return Trip.newBuilder(trip)
                .setLastBatteryPct(reading.getBatteryPct())
                .setLastReadingSeq(reading.getSeq())
                .build();
    }
}
