package dev.tributary.pipeline.flows;

import dev.tributary.events.Alert;
import dev.tributary.events.Customer;
import dev.tributary.events.CustomerChange;
import dev.tributary.events.DeadLetter;
import dev.tributary.events.HoverboardReading;
import dev.tributary.events.Trip;
import dev.tributary.operators.bundle.BundlingKeyedProcessOperator;
import dev.tributary.operators.cdc.ChangedCustomers;
import dev.tributary.operators.codec.AvroEventSerializer;
import dev.tributary.operators.codec.AvroTypes;
import dev.tributary.operators.telemetry.AlertRules;
import dev.tributary.operators.telemetry.AlertThresholds;
import dev.tributary.operators.telemetry.CustomerTripEnricher;
import dev.tributary.operators.telemetry.HoverboardTripEnricher;
import dev.tributary.operators.telemetry.OrderingConfig;
import dev.tributary.operators.telemetry.SequenceGapAlerts;
import dev.tributary.operators.telemetry.SequenceOrderer;
import dev.tributary.operators.telemetry.TelemetryTypes;
import dev.tributary.operators.telemetry.TripEnrichmentConfig;
import dev.tributary.pipeline.config.InvalidSettingsException;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.sinks.redshift.WarehouseTables;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * The telemetry flow: device readings ordered per device, stored, alerted on and indexed; trips enriched with
 * their customer and their hoverboard's latest reading.
 *
 * <pre>
 * telemetry.hoverboard → decode → keyBy(deviceId) → SequenceOrderer ─┬─ ordered ─┬→ warehouse readings
 *                                                                     │           ├→ AlertRules ─┐
 *                                                                     │           ├→ search devices (id = deviceId, version = event time)
 *                                                                     │           └→ HoverboardTripEnricher (input 2)
 *                                                                     ├─ GAPS → SequenceGapAlerts ──┤
 *                                                                     └─ LATE_READINGS → warehouse readings
 *                                                             alerts ← ─────────────────────────────┘
 *                                                             → Kafka telemetry.alerts (exactly-once) + warehouse alerts
 * telemetry.trip → decode → keyBy(customerId) ⋈ customers → CustomerTripEnricher
 *                → keyBy(hoverboardId) ⋈ ordered readings → HoverboardTripEnricher → keyBy(tripId) → warehouse trips
 * telemetry.customer → decode → keyBy(customerId) → warehouse customers (and the customer enricher)
 * topics.customer-changes (Debezium, optional) → decode → keyBy(customerId) → warehouse customers (upsert or delete)
 *                                                       → upserts as profiles → the customer enricher
 * </pre>
 *
 * <p><b>Late readings are stored, not dropped.</b> A reading whose seq the orderer already skipped as a gap (or
 * one it cannot prove to be a duplicate) comes out of {@link SequenceOrderer#LATE_READINGS}. It is a valid
 * reading that merely missed its place in the order, so it goes to the warehouse {@code readings} table like the
 * ordered ones: the table is keyed by {@code (device_id, seq)} and immutable, so the write is idempotent and
 * order does not matter there. It does not feed the alert rules, the device index or the trip enricher, which
 * all assume seq order (edge detection, "latest" state). The orderer counts them in its {@code lateReadings}
 * metric; exact duplicates are dropped and counted in {@code duplicatesDropped}. So every decoded reading is
 * accounted for: {@code readingsIn = readingsInOrder + readingsOutOfOrder + duplicatesDropped + lateReadings}.
 *
 * <p><b>Delivery.</b> Alerts go to Kafka exactly-once (transactions committed with checkpoints); their ids are
 * deterministic ({@code deviceId/kind/seq/eventTimeMillis}), so the warehouse {@code alerts} table (immutable, keyed by alert id)
 * and a consumer that deduplicates by id see each alert once. The warehouse and the search index are written
 * at-least-once and made idempotent by their keys and versions. Every warehouse sink is preceded by a keyBy on
 * (a prefix of) the table key, so one writer owns each row.
 */
public final class TelemetryFlow implements FlowGraph {

    public static final String FLOW = "telemetry";

    @Override
    public List<DataStream<DeadLetter>> build(FlowContext context) {
        JobSettings settings = context.settings();
        DataStream<HoverboardReading> readings = context.inputs().records(EventType.HOVERBOARD_READING);
        DataStream<Customer> customerRecords = context.inputs().records(EventType.CUSTOMER);
        DataStream<Trip> trips = context.inputs().records(EventType.TRIP);

        SingleOutputStreamOperator<HoverboardReading> ordered = order(readings, settings);
        DataStream<HoverboardReading> late = ordered.getSideOutput(SequenceOrderer.LATE_READINGS);

        context.toWarehouse(ordered.union(late).keyBy(HoverboardReading::getDeviceId),
                FLOW, FLOW + "-readings-warehouse", "readings → warehouse", List.of(WarehouseTables.READINGS));

        DataStream<Alert> gapAlerts = ordered.getSideOutput(SequenceOrderer.GAPS)
                .map(new SequenceGapAlerts(), TelemetryTypes.ALERT)
                .uid(FLOW + "-gap-alerts").name("Sequence gaps to alerts");
        DataStream<Alert> alerts = ordered
                .keyBy(HoverboardReading::getDeviceId)
                .process(new AlertRules(alertThresholds(settings)), TelemetryTypes.ALERT)
                .uid(FLOW + "-alert-rules").name("Alert rules")
                .union(gapAlerts);
        String alertTopic = settings.get(JobSettings.TOPIC_ALERTS);
        alerts.sinkTo(context.sinks().kafka("alerts", alertTopic,
                        a -> a.getDeviceId().getBytes(StandardCharsets.UTF_8), new AvroEventSerializer<>(Alert.class)))
                .uid(FLOW + "-alerts-kafka").name("Kafka " + alertTopic);
        context.toWarehouse(alerts.keyBy(Alert::getDeviceId),
                FLOW, FLOW + "-alerts-warehouse", "alerts → warehouse", List.of(WarehouseTables.ALERTS));

        String devicesIndex = settings.get(JobSettings.TELEMETRY_DEVICES_INDEX);
        context.toSearch(ordered, FLOW, FLOW + "-devices-search", "latest device state → search " + devicesIndex,
                new DeviceStateDocuments(devicesIndex), "devices");

        context.toWarehouse(customerRecords.keyBy(Customer::getCustomerId),
                FLOW, FLOW + "-customers-warehouse", "customers → warehouse", List.of(WarehouseTables.CUSTOMERS));

        TripEnrichmentConfig enrichment = enrichmentConfig(settings);
        DataStream<Trip> enriched = trips
                .keyBy(Trip::getCustomerId)
                .connect(withChangedCustomers(context, customerRecords).keyBy(Customer::getCustomerId))
                .process(new CustomerTripEnricher(enrichment), TelemetryTypes.TRIP)
                .uid(FLOW + "-trip-customer").name("Enrich trips with customers")
                .keyBy(Trip::getHoverboardId)
                .connect(ordered.keyBy(HoverboardReading::getDeviceId))
                .process(new HoverboardTripEnricher(enrichment), TelemetryTypes.TRIP)
                .uid(FLOW + "-trip-hoverboard").name("Enrich trips with hoverboard readings");
        context.toWarehouse(enriched.keyBy(Trip::getTripId),
                FLOW, FLOW + "-trips-warehouse", "trips → warehouse", List.of(WarehouseTables.TRIPS));

        return List.of();
    }

    /**
     * With {@code topics.customer-changes} set, an operational database's customers arrive as change events too:
     * they upsert and delete the warehouse's rows (through a sink of their own: the profiles' sink must not write
     * them again, or it could re-insert a row the changes deleted), and their latest profiles join the trip
     * enricher's customers.
     */
    private static DataStream<Customer> withChangedCustomers(FlowContext context, DataStream<Customer> customers) {
        if (context.settings().get(JobSettings.TOPICS_CUSTOMER_CHANGES).isEmpty()) {
            return customers;
        }
        DataStream<CustomerChange> changes = context.inputs().records(EventType.CUSTOMER_CHANGE);
        context.toWarehouse(changes.keyBy(CustomerChange::getCustomerId), FLOW, FLOW + "-customer-changes-warehouse",
                "customer changes → warehouse", List.of(WarehouseTables.CUSTOMER_CHANGES));
        return customers.union(changes.flatMap(new ChangedCustomers(), AvroTypes.of(Customer.class))
                .uid(FLOW + "-changed-customers").name("Customer changes to profiles"));
    }

    /**
     * The ordering stage: readings keyed by device, reordered and deduplicated. Public so the ordering benchmark
     * measures this very stage rather than a copy of it.
     */
    public static SingleOutputStreamOperator<HoverboardReading> order(
            DataStream<HoverboardReading> readings, JobSettings settings) {
        // bundled: the cursor is read and written once per device per bundle, not per reading (see
        // BundlingKeyedProcessOperator); state, timers and uid are those of the plain KeyedProcessOperator of 0.1.0
        String name = "Order readings per device";
        return readings
                .keyBy(HoverboardReading::getDeviceId)
                .transform(name, TelemetryTypes.READING, new BundlingKeyedProcessOperator<>(
                        new SequenceOrderer(orderingConfig(settings)),
                        settings.get(JobSettings.TELEMETRY_ORDER_BUNDLE_SIZE),
                        settings.get(JobSettings.TELEMETRY_ORDER_BUNDLE_MAX_DELAY).toMillis()))
                .uid(FLOW + "-order").name(name);
    }

    static OrderingConfig orderingConfig(JobSettings settings) {
        return checked("telemetry.order.*", () -> OrderingConfig.defaults()
                .withMaxHold(settings.get(JobSettings.TELEMETRY_ORDER_MAX_HOLD))
                .withMaxBuffered(settings.get(JobSettings.TELEMETRY_ORDER_MAX_BUFFERED))
                .withStateTtl(settings.get(JobSettings.TELEMETRY_ORDER_STATE_TTL))
                .withMaxSeqJump(settings.get(JobSettings.TELEMETRY_ORDER_MAX_SEQ_JUMP)));
    }

    static TripEnrichmentConfig enrichmentConfig(JobSettings settings) {
        return checked("telemetry.enrich.*", () -> new TripEnrichmentConfig(
                settings.get(JobSettings.TELEMETRY_ENRICH_MAX_WAIT), settings.get(JobSettings.TELEMETRY_ENRICH_STATE_TTL)));
    }

    static AlertThresholds alertThresholds(JobSettings settings) {
        AlertThresholds d = AlertThresholds.defaults();
        return checked("telemetry.alerts.*", () -> new AlertThresholds(
                settings.get(JobSettings.TELEMETRY_ALERT_LOW_BATTERY), d.batteryHysteresisPct(),
                settings.get(JobSettings.TELEMETRY_ALERT_MAX_TEMPERATURE), d.temperatureHysteresisC(),
                settings.get(JobSettings.TELEMETRY_ALERT_FAILURE_REPEAT),
                settings.get(JobSettings.TELEMETRY_ALERT_SILENT_AFTER),
                settings.get(JobSettings.TELEMETRY_ALERT_STATE_TTL)));
    }

    /** Bounds that contradict each other (a TTL shorter than a wait) stop the submission naming the settings. */
    private static <T> T checked(String settings, Supplier<T> config) {
        try {
            return config.get();
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingsException(List.of("settings '" + settings + "': " + e.getMessage()));
        }
    }
}
