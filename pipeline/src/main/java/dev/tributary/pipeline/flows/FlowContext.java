package dev.tributary.pipeline.flows;

import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.io.Sinks;
import dev.tributary.pipeline.io.Sources;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * What every flow builds on: the environment, the validated settings, where to write, and the job's inputs
 * (one source and decode per event type, shared by the flows; built on {@code sources}).
 */
public record FlowContext(StreamExecutionEnvironment env, JobSettings settings, Sources sources, Sinks sinks,
                          Inputs inputs) {

    public FlowContext(StreamExecutionEnvironment env, JobSettings settings, Sources sources, Sinks sinks) {
        this(env, settings, sources, sinks, new Inputs(env, settings, sources));
    }
}
