package dev.tributary.operators.codec;

import dev.tributary.events.DeadLetter;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Right behind a decoding source: decoded records on the main output, dead letters on {@link #DEAD_LETTERS}.
 * Chained to the source, so it costs a call, not a hop.
 */
public final class DeadLettersAside<T> extends ProcessFunction<Either<DeadLetter, T>, T> {

    private static final long serialVersionUID = 1L;

    /** Side output of rejected records; one tag for every input. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters", AvroTypes.of(DeadLetter.class));

    @Override
    public void processElement(Either<DeadLetter, T> decoded, Context ctx, Collector<T> out) {
        if (decoded.isRight()) {
            out.collect(decoded.right());
        } else {
            ctx.output(DEAD_LETTERS, decoded.left());
        }
    }
}
