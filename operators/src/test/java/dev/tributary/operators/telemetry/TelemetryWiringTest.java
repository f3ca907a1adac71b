package dev.tributary.operators.telemetry;

import static dev.tributary.operators.telemetry.Fixtures.customer;
import static dev.tributary.operators.telemetry.Fixtures.reading;
import static dev.tributary.operators.telemetry.Fixtures.trip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.events.Alert;
import dev.tributary.events.Customer;
import dev.tributary.events.HoverboardReading;
import dev.tributary.events.Trip;

import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * The operators wired the way the telemetry flow uses them, with generic types disabled as on the cluster:
 * building the stream graph creates every stream's serializer, so a type that would need Kryo fails here.
 */
class TelemetryWiringTest {

    private static StreamExecutionEnvironment environment() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        return StreamExecutionEnvironment.getExecutionEnvironment(conf);
    }

    @Test
    void theTelemetryOperatorsFormAGraphWithoutGenericTypes() {
        StreamExecutionEnvironment env = environment();
        DataStream<HoverboardReading> readings = env.fromData(List.of(reading("hb-1", 0)), TelemetryTypes.READING);
        DataStream<Customer> customers = env.fromData(List.of(customer("c-1", "Ada", "GOLD", 1)), TelemetryTypes.CUSTOMER);
        DataStream<Trip> trips = env.fromData(List.of(trip("t-1", "hb-1", "c-1")), TelemetryTypes.TRIP);

        SingleOutputStreamOperator<HoverboardReading> ordered = readings
                .keyBy(HoverboardReading::getDeviceId)
                .process(new SequenceOrderer(OrderingConfig.defaults()), TelemetryTypes.READING)
                .uid("telemetry-order").name("Order readings per device");
        DataStream<Alert> gapAlerts = ordered.getSideOutput(SequenceOrderer.GAPS)
                .map(new SequenceGapAlerts(), TelemetryTypes.ALERT)
                .uid("telemetry-gap-alerts").name("Sequence gaps to alerts");
        DataStream<HoverboardReading> late = ordered.getSideOutput(SequenceOrderer.LATE_READINGS);

        DataStream<Alert> alerts = ordered
                .keyBy(HoverboardReading::getDeviceId)
                .process(new AlertRules(AlertThresholds.defaults()), TelemetryTypes.ALERT)
                .uid("telemetry-alerts").name("Alert rules")
                .union(gapAlerts);

        DataStream<Trip> enriched = trips
                .keyBy(Trip::getCustomerId)
                .connect(customers.keyBy(Customer::getCustomerId))
                .process(new CustomerTripEnricher(TripEnrichmentConfig.defaults()), TelemetryTypes.TRIP)
                .uid("telemetry-trip-customer").name("Enrich trips with customers")
                .keyBy(Trip::getHoverboardId)
                .connect(ordered.keyBy(HoverboardReading::getDeviceId))
                .process(new HoverboardTripEnricher(TripEnrichmentConfig.defaults()), TelemetryTypes.TRIP)
                .uid("telemetry-trip-hoverboard").name("Enrich trips with hoverboard readings");

        alerts.print();
        late.print();
        enriched.print();
        StreamGraph graph = env.getStreamGraph();

        assertThat(graph.getStreamNodes()).extracting(StreamNode::getTransformationUID)
                .contains("telemetry-order", "telemetry-gap-alerts", "telemetry-alerts",
                        "telemetry-trip-customer", "telemetry-trip-hoverboard");
    }

    @Test
    void aStreamThatNeedsKryoFailsTheSameGraph() {
        StreamExecutionEnvironment env = environment();
        env.fromData(List.of(reading("hb-1", 0)), TelemetryTypes.READING)
                .map(r -> (Object) r, new GenericTypeInfo<>(Object.class))
                .print();

        assertThatThrownBy(env::getStreamGraph).isInstanceOf(UnsupportedOperationException.class);
    }
}
