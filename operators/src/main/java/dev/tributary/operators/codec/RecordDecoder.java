package dev.tributary.operators.codec;

import dev.tributary.events.DeadLetter;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.types.Either;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decodes and validates one Kafka record of an event type: the event, or a {@link DeadLetter} that names the
 * reason and the source topic, partition and offset. Bad input is a value, never an exception.
 *
 * <p>Plain and serializable so it runs where the job needs it: inside the Kafka source's deserializer (the job's
 * read path, so event time is known per partition, see {@code DecodingDeserializer}) and in unit tests.
 * Call {@link #open} once before {@link #decode}.
 */
public final class RecordDecoder<T extends SpecificRecordBase> implements SourceDecoder<T> {

    private static final long serialVersionUID = 1L;

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
    public RecordDecoder(Class<T> type, String flow, String operatorUid) {
        this(type, flow, operatorUid, CodecLimits.DEFAULTS, ValidatorRegistry.defaults().forType(type), List.of());
    }

    private RecordDecoder(Class<T> type, String flow, String operatorUid, CodecLimits limits,
                          RecordValidator<? super T> validator, List<String> extraWriterSchemas) {
        this.type = Objects.requireNonNull(type, "type");
        this.flow = Objects.requireNonNull(flow, "flow");
        this.operatorUid = Objects.requireNonNull(operatorUid, "operatorUid");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.validator = Objects.requireNonNull(validator, "validator");
        this.extraWriterSchemas = List.copyOf(extraWriterSchemas);
    }

    /** The same decoder with other size/nesting limits. */
    public RecordDecoder<T> withLimits(CodecLimits newLimits) {
        return new RecordDecoder<>(type, flow, operatorUid, newLimits, validator, extraWriterSchemas);
    }

    /** The same decoder with another semantic check (e.g. {@code ValidatorRegistry.of(...).forType(type)}). */
    public RecordDecoder<T> withValidator(RecordValidator<? super T> newValidator) {
        return new RecordDecoder<>(type, flow, operatorUid, limits, newValidator, extraWriterSchemas);
    }

    /** The same decoder also accepting Avro payloads written with these schemas (e.g. a producer one version ahead). */
    public RecordDecoder<T> withWriterSchemas(List<Schema> writerSchemas) {
        List<String> all = new ArrayList<>(extraWriterSchemas);
        writerSchemas.forEach(s -> all.add(s.toString()));
        return new RecordDecoder<>(type, flow, operatorUid, limits, validator, all);
    }

    @Override
    public Class<T> type() {
        return type;
    }

    /** Builds the codec and registers the decode counters ({@code decodeRecordsIn}, {@code rejected_<CODE>}, ...). */
    @Override
    public void open(MetricGroup metricGroup) {
        List<Schema> extra = new ArrayList<>();
        extraWriterSchemas.forEach(json -> extra.add(new Schema.Parser().parse(json)));
        SchemaHistory history = SchemaHistory.fromClasspath(type.getClassLoader()).with(extra);
        codec = EventCodec.forType(type, limits, history);
        metrics = new DecodeMetrics(metricGroup);
    }

    /** The event (right), or the dead letter that says why not (left). */
    @Override
    public Either<DeadLetter, T> decode(RawRecord raw) {
        byte[] value = raw.value;
        metrics.received(value == null ? 0 : value.length);
        Decoded<T> decoded = codec.decode(value);
        if (decoded instanceof Decoded.Ok<T> ok) {
            Optional<Violation> violation = validator.validate(ok.value());
            if (violation.isEmpty()) {
                metrics.decoded(PayloadFormat.detect(value));
                return Either.Right(ok.value());
            }
            return reject(raw, violation.get().reasonCode(), violation.get().reason());
        }
        Decoded.Rejected<T> rejected = (Decoded.Rejected<T>) decoded;
        return reject(raw, rejected.reasonCode(), rejected.reason());
    }

    private Either<DeadLetter, T> reject(RawRecord raw, String code, String reason) {
        metrics.rejected(code);
        return Either.Left(DeadLetters.of(flow, operatorUid, code, reason, DeadLetters.Source.of(raw), raw.value));
    }
}
