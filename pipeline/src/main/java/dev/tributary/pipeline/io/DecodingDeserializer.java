package dev.tributary.pipeline.io;

import dev.tributary.events.DeadLetter;
import dev.tributary.operators.codec.RawRecord;
import dev.tributary.operators.codec.SourceDecoder;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes in the Kafka source. Why there and not in an operator behind it: event time must be known where the
 * partition is, so the watermark strategy runs per partition (Flink's per-split watermarks). A record that cannot
 * be decoded is not an exception (which would fail the source on every replay) but a dead letter, emitted as the
 * left side and set aside right behind the source.
 */
public final class DecodingDeserializer<T extends SpecificRecordBase>
        implements KafkaRecordDeserializationSchema<Either<DeadLetter, T>> {

    private static final long serialVersionUID = 1L;

    private final SourceDecoder<T> decoder;
    private final TypeInformation<Either<DeadLetter, T>> producedType;

    public DecodingDeserializer(KafkaInput<T> input) {
        this.decoder = input.decoder();
        this.producedType = input.producedType();
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        // the decode counters (decodeRecordsIn, rejected_<CODE>, ...) on the source operator, in a group naming the
        // type: <source>.deserializer.Decode_<Type>.<counter> in the web UI and the REST API
        decoder.open(context.getMetricGroup().addGroup("Decode_" + decoder.type().getSimpleName()));
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Either<DeadLetter, T>> out) {
        Either<DeadLetter, T> decoded = decoder.decode(RawRecord.of(record.topic(), record.partition(), record.offset(),
                record.timestamp(), record.key(), record.value()));
        if (decoded != null) { // null: no event in this record by its format's rules (counted by the decoder)
            out.collect(decoded);
        }
    }

    @Override
    public TypeInformation<Either<DeadLetter, T>> getProducedType() {
        return producedType;
    }
}
