package dev.tributary.pipeline.io;

import dev.tributary.events.DeadLetter;
import dev.tributary.events.RawEvent;
import dev.tributary.sinks.redshift.WarehouseTable;
import dev.tributary.sinks.search.DocumentMapper;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.connector.sink2.Sink;

import java.util.List;

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

    /**
     * The warehouse (Redshift, or PostgreSQL locally): idempotent MERGE with a version guard. Key the stream by
     * the tables' key before this sink. Rows the database refuses become dead letters.
     *
     * @param operatorUid the uid given to the sink operator (recorded in its dead letters)
     */
    <T> Sink<T> warehouse(String flow, String operatorUid, List<WarehouseTable<? extends T>> tables);

    /**
     * The search index (Elasticsearch or OpenSearch): deterministic ids and external versions, so replays
     * overwrite. Documents the server refuses become dead letters.
     *
     * @param templates index templates (from {@code search/templates/}) applied when the writer starts
     */
    <T> Sink<T> search(String flow, String operatorUid, DocumentMapper<T> mapper, String... templates);

    /** The raw zone's event files (exactly-once FileSink, part files committed on checkpoint). */
    Sink<RawEvent> rawZone();
}
