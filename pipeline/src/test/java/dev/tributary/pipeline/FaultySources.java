package dev.tributary.pipeline;

import dev.tributary.events.DeadLetter;
import dev.tributary.pipeline.io.KafkaInput;
import dev.tributary.pipeline.io.Sources;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;

/**
 * The production sources with a {@link FailOnce} right behind the source of one topic: the rest of the graph is
 * the production graph.
 */
public final class FaultySources implements Sources {

    private final Sources production;
    private final String topic;
    private final String faultName;
    private final int failAfter;

    /** Fails once, after {@code failAfter} records of the input that reads {@code topic}. */
    public FaultySources(Sources production, String topic, String faultName, int failAfter) {
        this.production = production;
        this.topic = topic;
        this.faultName = faultName;
        this.failAfter = failAfter;
    }

    @Override
    public <T extends SpecificRecordBase> DataStream<Either<DeadLetter, T>> kafka(
            StreamExecutionEnvironment env, KafkaInput<T> input) {
        DataStream<Either<DeadLetter, T>> stream = production.kafka(env, input);
        if (!input.topics().contains(topic)) {
            return stream;
        }
        return stream.map(new FailOnce<Either<DeadLetter, T>>(faultName, failAfter)).returns(input.producedType())
                .uid(input.uid() + "-fault").name("injected fault");
    }
}
