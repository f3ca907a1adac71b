package dev.tributary.pipeline.flows;

import dev.tributary.events.DeadLetter;

import org.apache.flink.streaming.api.datastream.DataStream;

/** One flow of the job: adds its operators to the graph and hands back its dead letters. */
public interface FlowGraph {

    /**
     * Adds the flow's operators. Dead letters are returned rather than sunk here so the job writes all flows'
     * dead letters through one sink.
     */
    DataStream<DeadLetter> build(FlowContext context);
}
