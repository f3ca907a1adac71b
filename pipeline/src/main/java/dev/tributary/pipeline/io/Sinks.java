package dev.tributary.pipeline.io;

import dev.tributary.events.DeadLetter;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * Where flows write to. The job passes {@link TributarySinks} built from the settings; a test may pass a
 * subclass that changes one sink, so the rest of the graph stays the production graph.
 */
public interface Sinks {

    /** The dead-letter topic (exactly-once). */
    Sink<DeadLetter> deadLetters();

    /**
     * An exactly-once Kafka sink to one topic.
     *
     * @param sinkName stable per sink: it names the sink's Kafka transactions
     */
    <T> Sink<T> kafka(String sinkName, String topic, SerializationSchema<T> key, SerializationSchema<T> value);
}
