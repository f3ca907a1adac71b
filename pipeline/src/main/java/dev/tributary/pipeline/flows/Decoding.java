package dev.tributary.pipeline.flows;

import dev.tributary.events.DeadLetter;
import dev.tributary.operators.codec.DecodeFunction;
import dev.tributary.operators.codec.RawRecord;
import dev.tributary.pipeline.config.JobSettings;

import dev.tributary.operators.codec.CodecLimits;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

import java.util.List;

/** The first two steps of every flow: a Kafka source and the decode/validate operator in front of it. */
public final class Decoding {

    private Decoding() {}

    /** Decoded records and the dead letters of those that could not be decoded or failed validation. */
    public record Decoded<T>(DataStream<T> records, DataStream<DeadLetter> deadLetters) {}

    /**
     * Reads the event type's topics and decodes them. Operator uids are {@code <flow>-<type>-source} and
     * {@code <flow>-<type>-decode}.
     */
    public static <T extends SpecificRecordBase> Decoded<T> read(FlowContext context, String flow, EventType<T> type) {
        List<String> topics = type.topics(context.settings());
        String uid = flow + "-" + type.name();
        DataStream<RawRecord> raw = context.sources().kafka(
                context.env(), uid + "-source", "Kafka " + String.join(",", topics), topics);
        SingleOutputStreamOperator<T> decoded = raw
                .process(new DecodeFunction<>(type.type(), flow, uid + "-decode").withLimits(limits(context)))
                .returns(type.streamType())
                .uid(uid + "-decode").name("Decode " + type.type().getSimpleName());
        return new Decoded<>(decoded, decoded.getSideOutput(DecodeFunction.DEAD_LETTERS));
    }

    private static CodecLimits limits(FlowContext context) {
        long maxPayload = context.settings().get(JobSettings.DECODE_MAX_PAYLOAD);
        CodecLimits defaults = CodecLimits.DEFAULTS;
        return new CodecLimits((int) Math.min(Integer.MAX_VALUE, maxPayload), defaults.maxNestingDepth(),
                defaults.maxStringLength());
    }
}
