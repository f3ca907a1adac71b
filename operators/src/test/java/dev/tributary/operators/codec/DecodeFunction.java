package dev.tributary.operators.codec;

import dev.tributary.events.DeadLetter;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.List;
import java.util.Objects;

/**
 * Test harness for the production decoder: {@link RecordDecoder} (which the job runs inside its Kafka sources'
 * deserializers) as an operator over a stream of raw records, so harness tests can feed it records and read both
 * outputs: {@link RawRecord} in, the event on the main output, and every record
 * that cannot be decoded or breaks its type's rules as a {@link DeadLetter} on the side output
 * {@link #DEAD_LETTERS}, naming the source topic, partition and offset.
 *
 * <pre>{@code
 * SingleOutputStreamOperator<HoverboardReading> readings = raw
 *     .process(new DecodeFunction<>(HoverboardReading.class, "telemetry", "telemetry-decode-hoverboard"))
 *     .uid("telemetry-decode-hoverboard").name("decode hoverboard readings");
 * DataStream<DeadLetter> rejects = readings.getSideOutput(DecodeFunction.DEAD_LETTERS);
 * }</pre>
 *
 * <p>The operator uid passed in is recorded in each dead letter; keep it equal to the {@code .uid(...)}.
 */
public final class DecodeFunction<T extends SpecificRecordBase> extends ProcessFunction<RawRecord, T>
        implements ResultTypeQueryable<T> {

    private static final long serialVersionUID = 1L;

    /** The job's side output of rejected records. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = DeadLettersAside.DEAD_LETTERS;

    private final RecordDecoder<T> decoder;

    /** Default limits, the type's validator from {@link ValidatorRegistry#defaults()}, the packaged schema history. */
    public DecodeFunction(Class<T> type, String flow, String operatorUid) {
        this(new RecordDecoder<>(type, flow, operatorUid));
    }

    public DecodeFunction(RecordDecoder<T> decoder) {
        this.decoder = Objects.requireNonNull(decoder, "decoder");
    }

    /** The same function with other size/nesting limits. */
    public DecodeFunction<T> withLimits(CodecLimits newLimits) {
        return new DecodeFunction<>(decoder.withLimits(newLimits));
    }

    /** The same function with another semantic check (e.g. {@code ValidatorRegistry.of(...).forType(type)}). */
    public DecodeFunction<T> withValidator(RecordValidator<? super T> newValidator) {
        return new DecodeFunction<>(decoder.withValidator(newValidator));
    }

    /** The same function also accepting Avro payloads written with these schemas (e.g. a producer one version ahead). */
    public DecodeFunction<T> withWriterSchemas(List<Schema> writerSchemas) {
        return new DecodeFunction<>(decoder.withWriterSchemas(writerSchemas));
    }

    @Override
    public void open(OpenContext openContext) {
        decoder.open(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<T> out) {
        Either<DeadLetter, T> decoded = decoder.decode(raw);
        if (decoded.isRight()) {
            out.collect(decoded.right());
        } else {
            ctx.output(DEAD_LETTERS, decoded.left());
        }
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return AvroTypes.of(decoder.type());
    }
}
