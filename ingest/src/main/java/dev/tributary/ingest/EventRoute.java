package dev.tributary.ingest;

import dev.tributary.events.Customer;
import dev.tributary.events.HoverboardReading;
import dev.tributary.events.Trip;

import org.apache.avro.specific.SpecificRecordBase;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * One event type that devices may POST: the record class that is its contract, the input topic it goes to, and
 * the record key. The key is the entity id, so Kafka's default partitioner puts each id on one partition and
 * keeps its records in order (the same keys the demo feeder uses: for a trip the {@code hoverboardId/customerId}
 * pair).
 */
public record EventRoute<T extends SpecificRecordBase>(String name, Class<T> type, String topic, Function<T, String> key) {

    public EventRoute {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(key, "key");
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("the topic of event type " + name + " is empty");
        }
    }

    /** The id a record is keyed by. */
    public String keyOf(T record) {
        return key.apply(record);
    }

    /** The telemetry types, to their default topics unless {@code topics} names another for a type. */
    public static Map<String, EventRoute<?>> telemetry(Map<String, String> topics) {
        Map<String, EventRoute<?>> routes = new LinkedHashMap<>();
        add(routes, new EventRoute<>("hoverboard", HoverboardReading.class,
                topics.getOrDefault("hoverboard", "telemetry.hoverboard"), r -> r.getDeviceId().toString()));
        add(routes, new EventRoute<>("customer", Customer.class,
                topics.getOrDefault("customer", "telemetry.customer"), c -> c.getCustomerId().toString()));
        add(routes, new EventRoute<>("trip", Trip.class,
                topics.getOrDefault("trip", "telemetry.trip"), t -> t.getHoverboardId() + "/" + t.getCustomerId()));
        for (String name : topics.keySet()) {
            if (!routes.containsKey(name)) {
                throw new IllegalArgumentException("no event type '" + name + "' to give a topic; known: " + routes.keySet());
            }
        }
        return Map.copyOf(routes);
    }

    private static void add(Map<String, EventRoute<?>> routes, EventRoute<?> route) {
        routes.put(route.name(), route);
    }
}
