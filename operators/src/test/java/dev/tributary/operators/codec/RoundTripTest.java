package dev.tributary.operators.codec;

import dev.tributary.events.AssetAnnounced;
import dev.tributary.events.AssetRequest;
import dev.tributary.events.CatalogEntry;
import dev.tributary.events.Customer;
import dev.tributary.events.HoverboardReading;
import dev.tributary.events.Observation;
import dev.tributary.events.Trip;
import dev.tributary.testing.Samples;

import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.tributary.operators.codec.CodecAssertions.ok;
import static org.assertj.core.api.Assertions.assertThat;

/** JSON fixture → record → Avro single-object bytes → record gives the same record, for every Kafka event type. */
class RoundTripTest {

    @ParameterizedTest
    @ValueSource(classes = {AssetAnnounced.class, AssetRequest.class, HoverboardReading.class, Customer.class,
            Trip.class, Observation.class, CatalogEntry.class})
    <T extends SpecificRecordBase> void jsonToRecordToAvroToRecord(Class<T> type) {
        EventCodec<T> codec = EventCodec.forType(type);
        T fromJson = ok(codec.decode(Samples.json(type)));
        byte[] avro = new AvroEventSerializer<>(type).serialize(fromJson);
        assertThat(PayloadFormat.detect(avro)).isEqualTo(PayloadFormat.AVRO);
        T fromAvro = ok(codec.decode(avro));
        assertThat(fromAvro).isEqualTo(fromJson);
        // the one-off encoder agrees (bytes may differ only in map entry order)
        assertThat(ok(codec.decode(AvroEventSerializer.encode(fromAvro)))).isEqualTo(fromJson);
    }

    @ParameterizedTest
    @ValueSource(classes = {AssetAnnounced.class, AssetRequest.class, HoverboardReading.class, Customer.class,
            Trip.class, Observation.class})
    <T extends SpecificRecordBase> void everyFixtureIsValidForItsType(Class<T> type) {
        T record = Samples.record(type);
        assertThat(Samples.validators().forType(type).validate(record)).isEmpty();
    }
}
