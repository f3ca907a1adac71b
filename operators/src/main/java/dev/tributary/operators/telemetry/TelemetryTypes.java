package dev.tributary.operators.telemetry;

import dev.tributary.events.Alert;
import dev.tributary.events.Customer;
import dev.tributary.events.HoverboardReading;
import dev.tributary.events.SequenceGap;
import dev.tributary.events.Trip;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * Type information of the telemetry events. Streams, side outputs and state of this flow use these so Flink
 * never falls back to Kryo: the cluster runs with {@code pipeline.generic-types: false}, and an extracted type
 * could silently become a Kryo-serialized generic type otherwise. All are Avro but {@link #READING}.
 */
public final class TelemetryTypes {

    /** Streams of readings (the flow's volume): {@link HoverboardReadingSerializer}, never used for state. */
    public static final TypeInformation<HoverboardReading> READING = new HoverboardReadingTypeInfo();
    public static final TypeInformation<Customer> CUSTOMER = new AvroTypeInfo<>(Customer.class);
    public static final TypeInformation<Trip> TRIP = new AvroTypeInfo<>(Trip.class);
    public static final TypeInformation<Alert> ALERT = new AvroTypeInfo<>(Alert.class);
    public static final TypeInformation<SequenceGap> SEQUENCE_GAP = new AvroTypeInfo<>(SequenceGap.class);

    private TelemetryTypes() {}
}
