package dev.tributary.operators.codec;

import dev.tributary.events.DeadLetter;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;

/**
 * One dead letter per source record. Several flows read the same topic (the integration flow and, say, the
 * telemetry flow both decode {@code telemetry.hoverboard}), and a flow added by an upgrade reads its topics from
 * the beginning; each would reject the same malformed record. Keyed by the record's source coordinates, the
 * first dead letter passes and later ones are counted ({@code deadLettersDeduplicated}) and dropped — a
 * counted, documented drop. The memory of a record lasts {@code ttl}.
 */
public final class DeadLetterDedupe extends KeyedProcessFunction<String, DeadLetter, DeadLetter> {

    private static final long serialVersionUID = 1L;

    private final Duration ttl;
    private transient ValueState<Boolean> seen;
    private transient Counter deduplicated;

    public DeadLetterDedupe(Duration ttl) {
        this.ttl = ttl;
    }

    /**
     * The identity of a dead letter's source record: topic/partition/offset when it came from Kafka, otherwise
     * its flow, operator, reason code and payload.
     */
    public static KeySelector<DeadLetter, String> sourceKey() {
        return letter -> letter.getSourceTopic() != null && letter.getSourceOffset() != null
                ? letter.getSourceTopic() + "/" + letter.getSourcePartition() + "/" + letter.getSourceOffset()
                : letter.getFlow() + "/" + letter.getOperator() + "/" + letter.getReasonCode() + "/"
                        + Arrays.hashCode(bytes(letter.getPayload()));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<Boolean> descriptor = new ValueStateDescriptor<>("dead-letter-seen", Types.BOOLEAN);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl).build());
        seen = getRuntimeContext().getState(descriptor);
        deduplicated = getRuntimeContext().getMetricGroup().counter("deadLettersDeduplicated");
    }

    @Override
    public void processElement(DeadLetter letter, Context ctx, Collector<DeadLetter> out) throws Exception {
        if (seen.value() == null) {
            seen.update(true);
            out.collect(letter);
        } else {
            deduplicated.inc();
        }
    }
}
