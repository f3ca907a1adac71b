package dev.tributary.pipeline.io;

import dev.tributary.events.DeadLetter;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;

/**
 * Where flows read from. The job passes the production sources; tests pass the same sources with a fault
 * injected, and benchmarks in-memory generators, so the graph under test is the graph that runs in production.
 */
public interface Sources {

    /**
     * One exactly-once Kafka source over the input's topics that decodes in its deserializer and assigns event
     * time with the input's watermark strategy (per partition). Give the source the input's uid and name.
     */
    <T extends SpecificRecordBase> DataStream<Either<DeadLetter, T>> kafka(StreamExecutionEnvironment env, KafkaInput<T> input);
}
