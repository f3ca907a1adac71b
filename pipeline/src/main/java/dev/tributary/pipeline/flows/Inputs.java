package dev.tributary.pipeline.flows;

import dev.tributary.events.CustomerChange;
import dev.tributary.events.DeadLetter;
import dev.tributary.operators.cdc.DebeziumCustomerDecoder;
import dev.tributary.operators.codec.CodecLimits;
import dev.tributary.operators.codec.DeadLettersAside;
import dev.tributary.operators.codec.RecordDecoder;
import dev.tributary.operators.codec.SourceDecoder;
import dev.tributary.operators.codec.ValidatorRegistry;
import dev.tributary.operators.eventtime.DecodedEventTime;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.io.KafkaInput;
import dev.tributary.pipeline.io.Sources;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job's read path: <b>one Kafka source and one decode per event type</b>, however many flows use the type.
 * The first flow that asks for a type adds its source; later ones get the same decoded stream. So each input
 * record is fetched and decoded once, consumer-group lag means one reader, and a rejected record leaves as one
 * dead letter.
 *
 * <pre>
 * Kafka &lt;type's topics&gt; ── source: decode + validate in the deserializer, event time per partition
 *   → "Dead letters aside" ──► records of the type (to every flow that reads it)
 *                          └─► dead letters (to the job's one dead-letter sink)
 * </pre>
 *
 * Operator uids: {@code <type>-source} (its state holds the offsets) and {@code <type>-decoded}.
 */
public final class Inputs {

    private final StreamExecutionEnvironment env;
    private final JobSettings settings;
    private final Sources sources;
    private final Map<EventType<?>, SingleOutputStreamOperator<?>> read = new LinkedHashMap<>();

    public Inputs(StreamExecutionEnvironment env, JobSettings settings, Sources sources) {
        this.env = env;
        this.settings = settings;
        this.sources = sources;
    }

    /** The decoded records of this type; the same stream for every caller. */
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecordBase> DataStream<T> records(EventType<T> type) {
        return (DataStream<T>) read.computeIfAbsent(type, t -> add(type));
    }

    /** The dead letters of every input read so far (empty when none was). */
    public List<DataStream<DeadLetter>> deadLetters() {
        List<DataStream<DeadLetter>> out = new ArrayList<>();
        read.values().forEach(decoded -> out.add(decoded.getSideOutput(DeadLettersAside.DEAD_LETTERS)));
        return out;
    }

    /** The event types read so far, in the order they were first asked for. */
    public List<EventType<?>> typesRead() {
        return List.copyOf(read.keySet());
    }

    private <T extends SpecificRecordBase> SingleOutputStreamOperator<T> add(EventType<T> type) {
        List<String> topics = type.topics(settings);
        String uid = type.name() + "-source";
        KafkaInput<T> input = new KafkaInput<>(uid, "Kafka " + String.join(",", topics) + " → decode", topics,
                decoder(type, uid), type.streamType(), watermarks(type));
        DataStream<Either<DeadLetter, T>> decoded = sources.kafka(env, input);
        return decoded.process(new DeadLettersAside<T>(), type.streamType())
                .uid(type.name() + "-decoded").name("Dead letters aside: " + type.type().getSimpleName());
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecordBase> SourceDecoder<T> decoder(EventType<T> type, String uid) {
        long maxPayload = settings.get(JobSettings.DECODE_MAX_PAYLOAD);
        CodecLimits defaults = CodecLimits.DEFAULTS;
        CodecLimits limits = new CodecLimits((int) Math.min(Integer.MAX_VALUE, maxPayload), defaults.maxNestingDepth(),
                defaults.maxStringLength());
        ValidatorRegistry rules = ValidatorRegistry.of(Clock.systemUTC(), settings.get(JobSettings.DECODE_MAX_CLOCK_AHEAD),
                ValidatorRegistry.DEFAULT_MAX_PAST);
        if (type == EventType.CUSTOMER_CHANGE) { // another system's format: Debezium's change events
            return (SourceDecoder<T>) new DebeziumCustomerDecoder(type.owner(), uid, limits,
                    rules.forType(CustomerChange.class));
        }
        return new RecordDecoder<>(type.type(), type.owner(), uid).withLimits(limits).withValidator(rules.forType(type.type()));
    }

    /**
     * Event time for the types a flow windows by (observations): bounded out-of-orderness per partition, idleness,
     * split-level watermark alignment, and the clock guard. Other types carry their Kafka timestamps and no
     * watermarks, so alignment never pauses them.
     */
    private <T extends SpecificRecordBase> WatermarkStrategy<Either<DeadLetter, T>> watermarks(EventType<T> type) {
        if (type.eventTime() == null) {
            return WatermarkStrategy.noWatermarks();
        }
        return DecodedEventTime.watermarks(type.eventTime(),
                settings.get(JobSettings.OBSERVATIONS_OUT_OF_ORDERNESS),
                settings.get(JobSettings.OBSERVATIONS_IDLE_TIMEOUT),
                new DecodedEventTime.Alignment(type.owner(), settings.get(JobSettings.OBSERVATIONS_ALIGNMENT_MAX_DRIFT),
                        settings.get(JobSettings.OBSERVATIONS_ALIGNMENT_INTERVAL)),
                Clock.systemUTC());
    }
}
