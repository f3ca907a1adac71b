package dev.tributary.operators.codec;

import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializationSchema;

import java.util.Objects;

/**
 * Writes events as Avro single-object encoding (0xC3 0x01 + schema fingerprint + binary), the format every
 * Tributary topic reads with {@link EventCodec}. Usable as a Kafka sink's value {@link SerializationSchema}.
 */
public final class AvroEventSerializer<T extends SpecificRecordBase> implements SerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private transient BinaryMessageEncoder<T> encoder;

    public AvroEventSerializer(Class<T> type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    /** One-off encoding of any SpecificRecord with its own (current) schema. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static byte[] encode(SpecificRecordBase record) {
        return write(newEncoder((Class) record.getClass()), record);
    }

    @Override
    public byte[] serialize(T record) {
        if (encoder == null) {
            encoder = newEncoder(type);
        }
        return write(encoder, record);
    }

    private static <R> BinaryMessageEncoder<R> newEncoder(Class<R> type) {
        SpecificData model = SpecificData.getForClass(type);
        return new BinaryMessageEncoder<>(model, model.getSchema(type));
    }

    private static <R> byte[] write(BinaryMessageEncoder<R> encoder, R record) {
        return SingleObjectBytes.encode(encoder, record);
    }
}
