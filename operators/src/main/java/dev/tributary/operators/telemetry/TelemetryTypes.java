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
 * serializes them with Avro: the cluster runs with {@code pipeline.generic-types: false}, and an extracted type
 * could silently become a Kryo-serialized generic type otherwise.
 */
public final class TelemetryTypes {

    public static final TypeInformation<HoverboardReading> READING = new AvroTypeInfo<>(HoverboardReading.class);
    public static final TypeInformation<Customer> CUSTOMER = new AvroTypeInfo<>(Customer.class);
    public static final TypeInformation<Trip> TRIP = new AvroTypeInfo<>(Trip.class);
    public static final TypeInformation<Alert> ALERT = new AvroTypeInfo<>(Alert.class);
    public static final TypeInformation<SequenceGap> SEQUENCE_GAP = new AvroTypeInfo<>(SequenceGap.class);

    private TelemetryTypes() {}
}
