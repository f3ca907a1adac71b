package dev.tributary.pipeline.flows;

import dev.tributary.events.AssetAnnounced;
import dev.tributary.events.AssetBroadcast;
import dev.tributary.events.AssetDelivery;
import dev.tributary.events.AssetRequest;
import dev.tributary.events.Customer;
import dev.tributary.events.CustomerChange;
import dev.tributary.events.HoverboardReading;
import dev.tributary.events.Observation;
import dev.tributary.events.Trip;
import dev.tributary.operators.codec.AvroTypes;
import dev.tributary.operators.eventtime.DecodedEventTime;
import dev.tributary.operators.telemetry.TelemetryTypes;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.config.Setting;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An event type that arrives from Kafka: its record class, the id it is keyed and ordered by, the setting
 * that names its topics, and the type information of its decoded stream.
 *
 * @param name short stable name, used in operator uids (never change it once released)
 * @param streamType how the decoded records cross shuffles (Avro unless the type has a faster serializer)
 * @param eventTime  the event time a flow windows by, or null when no flow uses the type's event time (its source
 *                   then emits no watermarks, and is not held back by watermark alignment)
 */
public record EventType<T extends SpecificRecordBase>(String name, Class<T> type, Id<T> id,
        Setting<List<String>> topicsSetting, TypeInformation<T> streamType, DecodedEventTime.EventTimeOf<T> eventTime) {

    EventType(String name, Class<T> type, Id<T> id, Setting<List<String>> topicsSetting) {
        this(name, type, id, topicsSetting, AvroTypes.of(type), null);
    }

    EventType(String name, Class<T> type, Id<T> id, Setting<List<String>> topicsSetting, TypeInformation<T> streamType) {
        this(name, type, id, topicsSetting, streamType, null);
    }

    /** Serializable id extractor. */
    @FunctionalInterface
    public interface Id<T> extends Function<T, String>, java.io.Serializable {}

    public static final EventType<AssetAnnounced> ASSET_ANNOUNCED = new EventType<>("asset-announced",
            AssetAnnounced.class, AssetAnnounced::getAssetId, JobSettings.TOPICS_ASSETS_ANNOUNCED);
    public static final EventType<AssetRequest> ASSET_REQUEST = new EventType<>("asset-request",
            AssetRequest.class, AssetRequest::getAssetId, JobSettings.TOPICS_ASSETS_REQUESTED);
    public static final EventType<HoverboardReading> HOVERBOARD_READING = new EventType<>("hoverboard-reading",
            HoverboardReading.class, HoverboardReading::getDeviceId, JobSettings.TOPICS_HOVERBOARD,
            TelemetryTypes.READING);
    public static final EventType<Customer> CUSTOMER = new EventType<>("customer",
            Customer.class, Customer::getCustomerId, JobSettings.TOPICS_CUSTOMER);
    /**
     * A customers table's changes from change data capture (Debezium JSON, not Tributary's own encoding: decoded by
     * {@code DebeziumCustomerDecoder}). Read only when {@code topics.customer-changes} names topics; not in
     * {@link #ALL}, the integration flow's types: it republishes Tributary's own events, not another system's log.
     */
    public static final EventType<CustomerChange> CUSTOMER_CHANGE = new EventType<>("customer-change",
            CustomerChange.class, CustomerChange::getCustomerId, JobSettings.TOPICS_CUSTOMER_CHANGES);
    /** Trips are ordered per (hoverboard, customer) pair: the producers' partitioning contract. */
    public static final EventType<Trip> TRIP = new EventType<>("trip",
            Trip.class, t -> t.getHoverboardId() + "/" + t.getCustomerId(), JobSettings.TOPICS_TRIP);
    /** Counted in event-time windows: its source assigns event time per partition. */
    public static final EventType<Observation> OBSERVATION = new EventType<>("observation",
            Observation.class, Observation::getOccurrenceId, JobSettings.TOPICS_OBSERVATIONS,
            AvroTypes.of(Observation.class), o -> o.getEventTime().toEpochMilli());

    /** Read only by the edge flow (from the edge's replica of assets.broadcast); not an input of HQ's flows. */
    public static final EventType<AssetBroadcast> ASSET_BROADCAST = new EventType<>("asset-broadcast",
            AssetBroadcast.class, AssetBroadcast::getAssetId, JobSettings.TOPICS_EDGE_BROADCAST);
    /** Read only by the edge flow (from the edge's replica of assets.delivered): HQ's answers to requests. */
    public static final EventType<AssetDelivery> ASSET_DELIVERY = new EventType<>("asset-delivery",
            AssetDelivery.class, AssetDelivery::getAssetId, JobSettings.TOPICS_EDGE_DELIVERED);

    public static final List<EventType<?>> ALL =
            List.of(ASSET_ANNOUNCED, ASSET_REQUEST, HOVERBOARD_READING, CUSTOMER, TRIP, OBSERVATION);

    /**
     * The flow each event type belongs to: the raw zone's top-level directories, the {@code flow} of the type's
     * decode dead letters, and the watermark alignment group of types with event time.
     */
    static final Map<String, String> OWNERS = Map.of(
            "asset-announced", "assets",
            "asset-request", "assets",
            "hoverboard-reading", "telemetry",
            "customer", "telemetry",
            "customer-change", "telemetry",
            "trip", "telemetry",
            "observation", "observations",
            "asset-broadcast", "edge",
            "asset-delivery", "edge");

    /** The owning flow of the type named so; a type added without an owner here is "unassigned". */
    static String ownerOf(String typeName) {
        return OWNERS.getOrDefault(typeName, "unassigned");
    }

    public String owner() {
        return ownerOf(name);
    }

    public List<String> topics(JobSettings settings) {
        return settings.get(topicsSetting);
    }
}
