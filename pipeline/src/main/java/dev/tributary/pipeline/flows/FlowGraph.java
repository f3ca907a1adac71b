package dev.tributary.pipeline.flows;

import dev.tributary.events.DeadLetter;

import org.apache.flink.streaming.api.datastream.DataStream;

import java.util.List;

/** One flow of the job: adds its operators to the graph and hands back the dead letters of its own operators. */
public interface FlowGraph {

    /**
     * Adds the flow's operators, reading its event types from {@link FlowContext#inputs()}. Dead letters are
     * returned rather than sunk here so the job writes every dead letter through one sink; those of decoding are
     * the inputs' (one per rejected record, whichever flows read its type), so most flows return none.
     */
    List<DataStream<DeadLetter>> build(FlowContext context);
}
