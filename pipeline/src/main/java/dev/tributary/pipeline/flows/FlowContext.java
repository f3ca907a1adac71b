package dev.tributary.pipeline.flows;

import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.io.Sinks;
import dev.tributary.pipeline.io.Sources;

import dev.tributary.sinks.redshift.WarehouseTable;
import dev.tributary.sinks.search.DocumentMapper;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.List;

/**
 * What every flow builds on: the environment, the validated settings, where to write, and the job's inputs
 * (one source and decode per event type, shared by the flows; built on {@code sources}).
 */
public record FlowContext(StreamExecutionEnvironment env, JobSettings settings, Sources sources, Sinks sinks,
                          Inputs inputs) {

    public FlowContext(StreamExecutionEnvironment env, JobSettings settings, Sources sources, Sinks sinks) {
        this(env, settings, sources, sinks, new Inputs(env, settings, sources));
    }

    /**
     * Writes {@code in} to the warehouse tables. {@code uid} is typed once: it becomes the sink operator's uid and
     * the operator its dead letters name. Key {@code in} by the tables' key first (one writer per row).
     */
    public <T> DataStreamSink<T> toWarehouse(DataStream<T> in, String flow, String uid, String name,
                                             List<WarehouseTable<? extends T>> tables) {
        return in.sinkTo(sinks.warehouse(flow, uid, tables)).uid(uid).name(name);
    }

    /** Writes {@code in} to the search index; {@code uid} as in {@link #toWarehouse}. */
    public <T> DataStreamSink<T> toSearch(DataStream<T> in, String flow, String uid, String name,
                                          DocumentMapper<T> mapper, String... templates) {
        return in.sinkTo(sinks.search(flow, uid, mapper, templates)).uid(uid).name(name);
    }
}
