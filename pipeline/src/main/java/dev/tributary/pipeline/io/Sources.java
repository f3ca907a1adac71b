package dev.tributary.pipeline.io;

import dev.tributary.operators.codec.RawRecord;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.List;

/**
 * Where flows read from. The job passes the production sources; tests pass the same sources with a fault
 * injected, so the graph under test is the graph that runs in production.
 */
public interface Sources {

    /**
     * One exactly-once Kafka source over these topics.
     *
     * @param uid stable operator uid of the source (never change it once released: offsets live in its state)
     */
    DataStream<RawRecord> kafka(StreamExecutionEnvironment env, String uid, String name, List<String> topics);
}
