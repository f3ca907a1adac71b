package dev.tributary.operators.codec;

import dev.tributary.events.AssetAnnounced;
import dev.tributary.events.AssetRequest;
import dev.tributary.events.ChangeOp;
import dev.tributary.events.Customer;
import dev.tributary.events.CustomerChange;
import dev.tributary.events.HoverboardReading;
import dev.tributary.events.Observation;
import dev.tributary.events.Trip;

import org.apache.avro.generic.IndexedRecord;

import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.tributary.operators.codec.Checks.allOf;
import static dev.tributary.operators.codec.Checks.atLeast;
import static dev.tributary.operators.codec.Checks.firstPresent;
import static dev.tributary.operators.codec.Checks.httpUrl;
import static dev.tributary.operators.codec.Checks.id;
import static dev.tributary.operators.codec.Checks.mediaType;
import static dev.tributary.operators.codec.Checks.notBlank;
import static dev.tributary.operators.codec.Checks.oneOf;
import static dev.tributary.operators.codec.Checks.pathSafeId;
import static dev.tributary.operators.codec.Checks.plausibleTime;
import static dev.tributary.operators.codec.Checks.within;

/**
 * The semantic rules of every event type that arrives from Kafka, by record class. Every validator first
 * rejects text no sink can store ({@link TextFieldsCheck}), then applies its type's rules; types without
 * rules of their own get only that text check.
 */
public final class ValidatorRegistry implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Observation sources, as in the topic names observations.&lt;source&gt;. */
    /**
     * The largest device seq accepted: 2^53 - 1, the largest integer a JSON number keeps exactly in every reader
     * (JavaScript dashboards included). It also leaves the orderer room for {@code seq + 1} and
     * {@code seq + max-seq-jump} without overflow.
     */
    public static final long MAX_SEQ = (1L << 53) - 1;

    public static final Set<String> OBSERVATION_SOURCES = Set.of("gbif", "obis", "idigbio");
    /** Biodiversity records can be centuries old (museum specimens); earlier than this is a data error. */
    static final Instant EARLIEST_OBSERVATION = Instant.parse("1600-01-01T00:00:00Z");

    public static final Duration DEFAULT_MAX_FUTURE = Duration.ofDays(1);
    public static final Duration DEFAULT_MAX_PAST = Duration.ofDays(365);

    private final Clock clock;
    private final Duration maxFuture;
    private final Duration maxPast;

    private ValidatorRegistry(Clock clock, Duration maxFuture, Duration maxPast) {
        if (maxFuture.isNegative() || maxPast.isNegative()) {
            throw new IllegalArgumentException("time bounds must not be negative");
        }
        this.clock = clock;
        this.maxFuture = maxFuture;
        this.maxPast = maxPast;
    }

    /** System UTC clock; event times at most 1 day ahead and 365 days behind. */
    public static ValidatorRegistry defaults() {
        return of(Clock.systemUTC(), DEFAULT_MAX_FUTURE, DEFAULT_MAX_PAST);
    }

    /**
     * @param clock     what "now" is (a serializable clock, e.g. {@link Clock#systemUTC()} or {@link Clock#fixed})
     * @param maxFuture how far ahead of now an event time may be (device clock skew)
     * @param maxPast   how far behind now an event time may be (buffered edge devices); not applied to observations
     */
    public static ValidatorRegistry of(Clock clock, Duration maxFuture, Duration maxPast) {
        return new ValidatorRegistry(clock, maxFuture, maxPast);
    }

    /** The validator of this record class (text check plus the type's rules). */
    @SuppressWarnings("unchecked")
    public <T extends IndexedRecord> RecordValidator<T> forType(Class<T> type) {
        RecordValidator<T> rules = (RecordValidator<T>) rules().getOrDefault(type, RecordValidator.acceptAll());
        TextFieldsCheck text = new TextFieldsCheck();
        return record -> {
            Optional<Violation> violation = text.validate(record);
            return violation.isPresent() ? violation : rules.validate(record);
        };
    }

    /** Record classes with rules of their own. */
    public Set<Class<?>> typesWithRules() {
        return rules().keySet();
    }

    private Map<Class<?>, RecordValidator<?>> rules() {
        return Map.of(
                AssetAnnounced.class, assetAnnounced(),
                AssetRequest.class, assetRequest(),
                HoverboardReading.class, hoverboardReading(),
                Customer.class, customer(),
                CustomerChange.class, customerChange(),
                Trip.class, trip(),
                Observation.class, observation());
    }

    private RecordValidator<AssetAnnounced> assetAnnounced() {
        return allOf(
                a -> id("assetId", a.getAssetId()),
                a -> notBlank("source", a.getSource()),
                a -> notBlank("title", a.getTitle()),
                a -> mediaType("mediaType", a.getMediaType()),
                a -> httpUrl("url", a.getUrl()),
                a -> plausibleTime("publishedAt", a.getPublishedAt(), clock, maxFuture, maxPast),
                a -> atLeast("version", a.getVersion(), 0));
    }

    private RecordValidator<AssetRequest> assetRequest() {
        return allOf(
                r -> id("requestId", r.getRequestId()),
                r -> pathSafeId("edgeId", r.getEdgeId()),
                r -> id("assetId", r.getAssetId()),
                r -> plausibleTime("requestedAt", r.getRequestedAt(), clock, maxFuture, maxPast));
    }

    private RecordValidator<HoverboardReading> hoverboardReading() {
        // The busiest topic: every rule in one method (each is cheap and null-safe), not one call per rule.
        return h -> firstPresent(
                id("deviceId", h.getDeviceId()),
                within("seq", h.getSeq(), 0, MAX_SEQ),
                plausibleTime("eventTime", h.getEventTime(), clock, maxFuture, maxPast),
                within("batteryPct", h.getBatteryPct(), 0, 100),
                // wider than any battery survives: outside it the sensor is broken, not the device hot
                within("temperatureC", h.getTemperatureC(), -100, 200),
                within("speedKmh", h.getSpeedKmh(), 0, 200),
                within("latitude", h.getLatitude(), -90, 90),
                within("longitude", h.getLongitude(), -180, 180));
    }

    private RecordValidator<Customer> customer() {
        return allOf(
                c -> id("customerId", c.getCustomerId()),
                c -> notBlank("name", c.getName()),
                c -> c.getEmail() == null || c.getEmail().indexOf('@') > 0 ? Optional.empty()
                        : Optional.of(Violation.of("email", c.getEmail(), "must be an e-mail address")),
                c -> atLeast("version", c.getVersion(), 0),
                c -> plausibleTime("updatedAt", c.getUpdatedAt(), clock, maxFuture, maxPast));
    }

    /**
     * A shop row's change: the same rules as a customer profile for what the row holds (a DELETE holds only its key);
     * {@code updatedAt} may be old (a row untouched for years) but not ahead of the clock.
     */
    private RecordValidator<CustomerChange> customerChange() {
        return allOf(
                c -> id("customerId", c.getCustomerId()),
                c -> c.getOp() == ChangeOp.DELETE ? Optional.empty() : notBlank("name", c.getName()),
                c -> c.getEmail() == null || c.getEmail().indexOf('@') > 0 ? Optional.empty()
                        : Optional.of(Violation.of("email", c.getEmail(), "must be an e-mail address")),
                c -> atLeast("position", c.getPosition(), 0),
                c -> plausibleTime("updatedAt", c.getUpdatedAt(), clock, maxFuture, null));
    }

    private RecordValidator<Trip> trip() {
        return allOf(
                t -> id("tripId", t.getTripId()),
                t -> id("hoverboardId", t.getHoverboardId()),
                t -> id("customerId", t.getCustomerId()),
                t -> plausibleTime("startedAt", t.getStartedAt(), clock, maxFuture, maxPast),
                t -> t.getEndedAt() == null || !t.getEndedAt().isBefore(t.getStartedAt()) ? Optional.empty()
                        : Optional.of(Violation.of("endedAt", t.getEndedAt(), "must not be before startedAt " + t.getStartedAt())),
                t -> within("distanceKm", t.getDistanceKm(), 0, 10_000),
                t -> atLeast("version", t.getVersion(), 0));
    }

    private RecordValidator<Observation> observation() {
        return allOf(
                o -> id("occurrenceId", o.getOccurrenceId()),
                o -> oneOf("source", o.getSource(), OBSERVATION_SOURCES),
                o -> notBlank("kingdom", o.getKingdom()),
                o -> notBlank("scientificName", o.getScientificName()),
                o -> plausibleTime("eventTime", o.getEventTime(), clock, maxFuture, null),
                o -> o.getEventTime().isBefore(EARLIEST_OBSERVATION)
                        ? Optional.of(Violation.of("eventTime", o.getEventTime(), "must not be before " + EARLIEST_OBSERVATION))
                        : Optional.empty(),
                o -> within("latitude", o.getLatitude(), -90, 90),
                o -> within("longitude", o.getLongitude(), -180, 180),
                o -> o.getCountryCode() == null || o.getCountryCode().matches("[A-Z]{2}") ? Optional.empty()
                        : Optional.of(Violation.of("countryCode", o.getCountryCode(), "must be an ISO 3166-1 alpha-2 code")));
    }
}
