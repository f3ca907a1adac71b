package dev.tributary.operators.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/** The cluster runs with pipeline.generic-types: false: no state, stream or side output of this flow may need Kryo. */
class NoKryoTest {

    private static ExecutionConfig withoutGenericTypes() {
        ExecutionConfig config = new ExecutionConfig();
        ((SerializerConfigImpl) config.getSerializerConfig()).setGenericTypes(false);
        return config;
    }

    private static List<StateDescriptor<?, ?>> allStateDescriptors() {
        List<StateDescriptor<?, ?>> all = new ArrayList<>();
        all.addAll(new SequenceOrderer(OrderingConfig.defaults()).stateDescriptors());
        all.addAll(new CustomerTripEnricher(TripEnrichmentConfig.defaults()).stateDescriptors());
        all.addAll(new HoverboardTripEnricher(TripEnrichmentConfig.defaults()).stateDescriptors());
        all.addAll(new AlertRules(AlertThresholds.defaults()).stateDescriptors());
        return all;
    }

    @Test
    void everyStateDescriptorGetsASerializerWithGenericTypesDisabled() {
        List<StateDescriptor<?, ?>> descriptors = allStateDescriptors();
        assertThat(descriptors).extracting(StateDescriptor::getName).containsExactlyInAnyOrder(
                "sequence-cursor", "sequence-held",
                "trip-customer-latest", "trip-customer-waiting-trips",
                "trip-hoverboard-latest", "trip-hoverboard-waiting-trips",
                "alert-rules");
        for (StateDescriptor<?, ?> descriptor : descriptors) {
            descriptor.initializeSerializerUnlessSet(withoutGenericTypes());
            assertThat(descriptor.getSerializer().getClass().getName())
                    .as(descriptor.getName()).doesNotContain("Kryo");
        }
    }

    @Test
    void theCheckCatchesATypeThatWouldFallBackToKryo() {
        ValueStateDescriptor<Object> generic = new ValueStateDescriptor<>("generic", new GenericTypeInfo<>(Object.class));

        assertThatThrownBy(() -> generic.initializeSerializerUnlessSet(withoutGenericTypes()))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void eventsStateRecordsAndSideOutputsUseExplicitTypeInformation() {
        List<TypeInformation<?>> types = List.of(
                TelemetryTypes.CUSTOMER, TelemetryTypes.TRIP, TelemetryTypes.ALERT,
                TelemetryTypes.SEQUENCE_GAP, SequenceOrderer.GAPS.getTypeInfo(),
                SequenceOrderer.CURSOR_TYPE, SequenceOrderer.HELD_TYPE, AlertRules.STATE_TYPE);
        for (TypeInformation<?> type : types) {
            assertThat(type).as(type.toString()).isInstanceOf(AvroTypeInfo.class).isNotInstanceOf(GenericTypeInfo.class);
            assertThat(type.createSerializer(withoutGenericTypes().getSerializerConfig())).isInstanceOf(AvroSerializer.class);
        }
        // reading streams: the hand-written stream serializer, not Kryo (and never in state: see its class comment)
        for (TypeInformation<?> type : List.of(TelemetryTypes.READING, SequenceOrderer.LATE_READINGS.getTypeInfo())) {
            assertThat(type.createSerializer(withoutGenericTypes().getSerializerConfig()))
                    .isInstanceOf(HoverboardReadingSerializer.class);
        }
        assertThat(TripEnricher.WAITING_TRIPS_TYPE).isInstanceOf(ListTypeInfo.class);
        assertThat(((ListTypeInfo<?>) TripEnricher.WAITING_TRIPS_TYPE).getElementTypeInfo()).isInstanceOf(AvroTypeInfo.class);
    }
}
