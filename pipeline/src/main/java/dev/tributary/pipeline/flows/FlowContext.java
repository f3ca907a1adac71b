package dev.tributary.pipeline.flows;

import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.io.Sinks;
import dev.tributary.pipeline.io.Sources;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** What every flow builds on: the environment, the validated settings, and where to read and write. */
public record FlowContext(StreamExecutionEnvironment env, JobSettings settings, Sources sources, Sinks sinks) {}
