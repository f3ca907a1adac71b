package dev.tributary.operators.observations;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

import java.time.Duration;

/** The cluster runs with pipeline.generic-types: false: the flow's records and state must not need Kryo. */
class ObservationTypesTest {

    private static ExecutionConfig withoutGenericTypes() {
        ExecutionConfig config = new ExecutionConfig();
        ((SerializerConfigImpl) config.getSerializerConfig()).setGenericTypes(false);
        return config;
    }

    @Test
    void theFlowsRecordTypesArePojosWithAvroFields() {
        for (Class<?> type : new Class<?>[] {ObservationArrival.class, DimensionValue.class, DimensionCount.class}) {
            TypeInformation<?> info = TypeInformation.of(type);
            assertThat(info).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
            String serializer = info.createSerializer(withoutGenericTypes().getSerializerConfig()).toString();
            assertThat(serializer).as(type.getSimpleName()).doesNotContain("Kryo");
        }
    }

    @Test
    void theDedupeStateNeedsNoKryo() {
        var descriptor = new ObservationDedupe(Duration.ofDays(1)).seenDescriptor();
        descriptor.initializeSerializerUnlessSet(withoutGenericTypes());
        assertThat(descriptor.getSerializer().getClass().getName()).doesNotContain("Kryo");
        assertThat(descriptor.getTtlConfig().isEnabled()).isTrue();
    }
}
