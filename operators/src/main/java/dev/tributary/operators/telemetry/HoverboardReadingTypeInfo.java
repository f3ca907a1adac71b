package dev.tributary.operators.telemetry;

import dev.tributary.events.HoverboardReading;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Type information of reading streams: {@link HoverboardReadingSerializer} (streams only; state keeps Avro). */
public final class HoverboardReadingTypeInfo extends TypeInformation<HoverboardReading> {

    private static final long serialVersionUID = 1L;

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<HoverboardReading> getTypeClass() {
        return HoverboardReading.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<HoverboardReading> createSerializer(SerializerConfig config) {
        return new HoverboardReadingSerializer(); // one per caller: its interner is not thread-safe
    }

    @Override
    public String toString() {
        return "HoverboardReading (field-by-field stream serializer)";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof HoverboardReadingTypeInfo;
    }

    @Override
    public int hashCode() {
        return HoverboardReadingTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof HoverboardReadingTypeInfo;
    }
}
