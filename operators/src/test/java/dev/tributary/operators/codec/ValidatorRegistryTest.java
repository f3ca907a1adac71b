package dev.tributary.operators.codec;

import dev.tributary.events.AssetAnnounced;
import dev.tributary.events.AssetRequest;
import dev.tributary.events.AssetStatus;
import dev.tributary.events.Customer;
import dev.tributary.events.CustomerChange;
import dev.tributary.events.HoverboardReading;
import dev.tributary.events.Observation;
import dev.tributary.events.Trip;
import dev.tributary.testing.Samples;

import org.apache.avro.generic.IndexedRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ValidatorRegistryTest {

    private final ValidatorRegistry registry = Samples.validators();

    private <T extends IndexedRecord> Violation violation(Class<T> type, T record) {
        Optional<Violation> v = registry.forType(type).validate(record);
        assertThat(v).as("violation of " + record).isPresent();
        return v.get();
    }

    @Test
    void everyKafkaEventTypeHasRules() {
        assertThat(registry.typesWithRules()).containsExactlyInAnyOrder(AssetAnnounced.class, AssetRequest.class,
                HoverboardReading.class, Customer.class, CustomerChange.class, Trip.class, Observation.class);
    }

    @Test
    void hoverboardReadingRules() {
        HoverboardReading ok = Samples.hoverboardReading("hb-1", 0);
        assertThat(registry.forType(HoverboardReading.class).validate(ok)).isEmpty();
        assertThat(violation(HoverboardReading.class, HoverboardReading.newBuilder(ok).setSeq(-1).build()).field()).isEqualTo("seq");
        Violation battery = violation(HoverboardReading.class, HoverboardReading.newBuilder(ok).setBatteryPct(100.5).build());
        assertThat(battery.reason()).isEqualTo("field 'batteryPct' = 100.5: must be within [0.0, 100.0]");
        assertThat(violation(HoverboardReading.class, HoverboardReading.newBuilder(ok).setBatteryPct(Double.NaN).build()).field())
                .isEqualTo("batteryPct");
        assertThat(violation(HoverboardReading.class, HoverboardReading.newBuilder(ok).setLatitude(91.0).build()).field())
                .isEqualTo("latitude");
        assertThat(violation(HoverboardReading.class, HoverboardReading.newBuilder(ok).setDeviceId(" ").build()).field())
                .isEqualTo("deviceId");
    }

    @Test
    void eventTimeBoundsAreConfigurable() {
        HoverboardReading ok = Samples.hoverboardReading("hb-1", 0);
        HoverboardReading twoHoursAhead = HoverboardReading.newBuilder(ok).setEventTime(Samples.SAMPLE_TIME.plus(Duration.ofHours(2))).build();
        HoverboardReading twoYearsOld = HoverboardReading.newBuilder(ok).setEventTime(Samples.SAMPLE_TIME.minus(Duration.ofDays(730))).build();
        assertThat(registry.forType(HoverboardReading.class).validate(twoHoursAhead)).isEmpty();
        assertThat(violation(HoverboardReading.class, twoYearsOld).rule()).contains("in the past");

        ValidatorRegistry strict = ValidatorRegistry.of(Samples.SAMPLE_CLOCK, Duration.ofMinutes(5), Duration.ofDays(7));
        assertThat(strict.forType(HoverboardReading.class).validate(twoHoursAhead)).get()
                .extracting(Violation::rule).asString().contains("ahead of the job's clock");
    }

    @Test
    void assetAnnouncedRules() {
        AssetAnnounced ok = Samples.record(AssetAnnounced.class);
        assertThat(registry.forType(AssetAnnounced.class).validate(ok)).isEmpty();
        for (String url : new String[] {"not a url", "file:///etc/passwd", "ftp://host/x", "http://", "/relative/path"}) {
            assertThat(violation(AssetAnnounced.class, AssetAnnounced.newBuilder(ok).setUrl(url).build()).field()).as(url).isEqualTo("url");
        }
        assertThat(violation(AssetAnnounced.class, AssetAnnounced.newBuilder(ok).setAssetId("").build()).field()).isEqualTo("assetId");
        assertThat(violation(AssetAnnounced.class, AssetAnnounced.newBuilder(ok).setMediaType("jpeg").build()).field()).isEqualTo("mediaType");
        assertThat(violation(AssetAnnounced.class, AssetAnnounced.newBuilder(ok).setVersion(-1).build()).field()).isEqualTo("version");
    }

    @Test
    void assetRequestEdgeIdMustBeSafeAsAStorageFolder() {
        AssetRequest ok = Samples.record(AssetRequest.class);
        assertThat(registry.forType(AssetRequest.class).validate(ok)).isEmpty();
        for (String edge : new String[] {"../other-edge", "a/b", "edge..x", "", ".hidden"}) {
            assertThat(violation(AssetRequest.class, AssetRequest.newBuilder(ok).setEdgeId(edge).build()).field()).as(edge).isEqualTo("edgeId");
        }
    }

    @Test
    void customerAndTripRules() {
        Customer customer = Samples.record(Customer.class);
        assertThat(violation(Customer.class, Customer.newBuilder(customer).setEmail("nobody").build()).field()).isEqualTo("email");
        assertThat(registry.forType(Customer.class).validate(Customer.newBuilder(customer).setEmail(null).build())).isEmpty();

        Trip trip = Samples.record(Trip.class);
        assertThat(violation(Trip.class, Trip.newBuilder(trip).setEndedAt(trip.getStartedAt().minusSeconds(1)).build()).field())
                .isEqualTo("endedAt");
        assertThat(violation(Trip.class, Trip.newBuilder(trip).setDistanceKm(-3.0).build()).field()).isEqualTo("distanceKm");
    }

    @Test
    void observationRules() {
        Observation ok = Samples.record(Observation.class);
        assertThat(violation(Observation.class, Observation.newBuilder(ok).setSource("inaturalist").build()).rule())
                .contains("gbif");
        assertThat(violation(Observation.class, Observation.newBuilder(ok).setOccurrenceId("  ").build()).field()).isEqualTo("occurrenceId");
        // museum specimens are centuries old: no past bound, only a sanity floor
        Observation old = Observation.newBuilder(ok).setEventTime(Instant.parse("1858-07-01T00:00:00Z")).build();
        assertThat(registry.forType(Observation.class).validate(old)).isEmpty();
        assertThat(violation(Observation.class, Observation.newBuilder(ok).setEventTime(Instant.parse("1200-01-01T00:00:00Z")).build()).field())
                .isEqualTo("eventTime");
        assertThat(violation(Observation.class, Observation.newBuilder(ok).setCountryCode("gbr").build()).field()).isEqualTo("countryCode");
    }

    @Test
    void textThatNoSinkCanStoreIsRejectedForEveryTypeEvenFromAvro() {
        Trip trip = Trip.newBuilder(Samples.record(Trip.class)).setCustomerName("Ada\u0000Lovelace").build();
        assertThat(violation(Trip.class, trip).field()).isEqualTo("customerName");
        AssetStatus status = AssetStatus.newBuilder().setAssetId("a\uDC00").setState(dev.tributary.events.AssetState.STORED)
                .setAt(Instant.EPOCH).build();
        assertThat(violation(AssetStatus.class, status).field()).isEqualTo("assetId");
        // a type without rules of its own gets only the text check
        assertThat(registry.forType(AssetStatus.class).validate(AssetStatus.newBuilder(status).setAssetId("a").build())).isEmpty();
    }

    @Test
    void hugeValuesAreCutInTheReason() {
        String longId = "x".repeat(10_000);
        Violation v = violation(HoverboardReading.class, HoverboardReading.newBuilder(Samples.hoverboardReading("hb", 0)).setDeviceId(longId).build());
        assertThat(v.reason()).hasSizeLessThan(400).contains("10000 bytes").contains("at most 128 bytes");
        assertThat(Set.of(v.field())).containsExactly("deviceId");
    }
}
