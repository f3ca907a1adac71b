package dev.tributary.pipeline.io;

import dev.tributary.events.DeadLetter;
import dev.tributary.operators.codec.AvroTypes;
import dev.tributary.operators.codec.SourceDecoder;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.types.Either;

import java.util.List;

/**
 * One input of the job: the topics of an event type, read by one Kafka source that decodes in its deserializer
 * and assigns event time per partition (so the watermark strategy runs per split).
 *
 * @param uid         the source operator's uid (never change it once released: offsets live in its state)
 * @param decoder     decodes and validates each record; rejects become dead letters naming their offset
 * @param recordType  type information of the decoded records (the Either's right side)
 * @param watermarks  given to the source, so each partition has its own watermark generator
 */
public record KafkaInput<T extends SpecificRecordBase>(String uid, String name, List<String> topics,
        SourceDecoder<T> decoder, TypeInformation<T> recordType, WatermarkStrategy<Either<DeadLetter, T>> watermarks) {

    public KafkaInput {
        topics = List.copyOf(topics);
    }

    /** What the source emits: the decoded record (right) or its dead letter (left). */
    public TypeInformation<Either<DeadLetter, T>> producedType() {
        return new EitherTypeInfo<>(AvroTypes.of(DeadLetter.class), recordType);
    }
}
