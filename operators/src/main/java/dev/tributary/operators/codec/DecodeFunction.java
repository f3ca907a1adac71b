package dev.tributary.operators.codec;

import dev.tributary.events.DeadLetter;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The decode step of every Kafka flow: {@link RawRecord} in, the event on the main output, and every record
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

    /** Side output of rejected records; one tag shared by every decode operator. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters", AvroTypes.of(DeadLetter.class));

    private final Class<T> type;
    private final String flow;
    private final String operatorUid;
    private final CodecLimits limits;
    private final RecordValidator<? super T> validator;
    /** JSON text (Avro Schema objects are not guaranteed serializable across versions). */
    private final List<String> extraWriterSchemas;

    private transient EventCodec<T> codec;
    private transient DecodeMetrics metrics;

    /** Default limits, the type's validator from {@link ValidatorRegistry#defaults()}, the packaged schema history. */
    public DecodeFunction(Class<T> type, String flow, String operatorUid) {
        this(type, flow, operatorUid, CodecLimits.DEFAULTS, ValidatorRegistry.defaults().forType(type), List.of());
    }

    private DecodeFunction(Class<T> type, String flow, String operatorUid, CodecLimits limits,
                           RecordValidator<? super T> validator, List<String> extraWriterSchemas) {
        this.type = Objects.requireNonNull(type, "type");
        this.flow = Objects.requireNonNull(flow, "flow");
        this.operatorUid = Objects.requireNonNull(operatorUid, "operatorUid");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.validator = Objects.requireNonNull(validator, "validator");
        this.extraWriterSchemas = List.copyOf(extraWriterSchemas);
    }

    /** The same function with other size/nesting limits. */
    public DecodeFunction<T> withLimits(CodecLimits newLimits) {
        return new DecodeFunction<>(type, flow, operatorUid, newLimits, validator, extraWriterSchemas);
    }

    /** The same function with another semantic check (e.g. {@code ValidatorRegistry.of(...).forType(type)}). */
    public DecodeFunction<T> withValidator(RecordValidator<? super T> newValidator) {
        return new DecodeFunction<>(type, flow, operatorUid, limits, newValidator, extraWriterSchemas);
    }

    /** The same function also accepting Avro payloads written with these schemas (e.g. a producer one version ahead). */
    public DecodeFunction<T> withWriterSchemas(List<Schema> writerSchemas) {
        List<String> all = new ArrayList<>(extraWriterSchemas);
        writerSchemas.forEach(s -> all.add(s.toString()));
        return new DecodeFunction<>(type, flow, operatorUid, limits, validator, all);
    }

    @Override
    public void open(OpenContext openContext) {
        List<Schema> extra = new ArrayList<>();
        extraWriterSchemas.forEach(json -> extra.add(new Schema.Parser().parse(json)));
        SchemaHistory history = SchemaHistory.fromClasspath(type.getClassLoader()).with(extra);
        codec = EventCodec.forType(type, limits, history);
        metrics = new DecodeMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<T> out) {
        byte[] value = raw.value;
        metrics.received(value == null ? 0 : value.length);
        Decoded<T> decoded = codec.decode(value);
        if (decoded instanceof Decoded.Ok<T> ok) {
            Optional<Violation> violation = validator.validate(ok.value());
            if (violation.isEmpty()) {
                metrics.decoded(PayloadFormat.detect(value));
                out.collect(ok.value());
            } else {
                reject(raw, RejectReason.INVALID_VALUE, violation.get().reason(), ctx);
            }
        } else {
            Decoded.Rejected<T> rejected = (Decoded.Rejected<T>) decoded;
            reject(raw, rejected.reasonCode(), rejected.reason(), ctx);
        }
    }

    private void reject(RawRecord raw, String code, String reason, Context ctx) {
        metrics.rejected(code);
        ctx.output(DEAD_LETTERS, DeadLetters.of(flow, operatorUid, code, reason, DeadLetters.Source.of(raw), raw.value));
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return AvroTypes.of(type);
    }
}
